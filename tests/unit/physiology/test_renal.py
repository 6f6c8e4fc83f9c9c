"""eGFR equations (clinical-reference.md E2, E3)."""

import pytest

from thrombo.errors import ImplausibleValueError, MissingInputError
from thrombo.physiology.plausibility import OutsideValidRangeError
from thrombo.physiology.renal import (
    bedside_schwartz,
    bedside_schwartz_umol_l,
    ckid_u25_combined,
    ckid_u25_creatinine,
    ckid_u25_creatinine_k,
    ckid_u25_cystatin,
    ckid_u25_cystatin_k,
    is_non_steady_state,
)


def test_bedside_schwartz_hand_checked() -> None:
    """Schwartz 2009: 0.413 x 120 cm / 0.5 mg/dL = 99.12 mL/min/1.73 m2."""
    result = bedside_schwartz(120, 0.5)
    assert result.value == pytest.approx(99.12)
    assert result.unit == "mL/min/{1.73_m2}"


def test_umol_form_matches_mg_form_within_rounding() -> None:
    """36.5 x H / SCr(umol/L) is the 0.413 form with 88.4 umol/L per mg/dL (E2, E3)."""
    assert bedside_schwartz_umol_l(120, 44.2).value == pytest.approx(99.1, abs=0.2)


@pytest.mark.parametrize(
    ("age", "sex", "k"),
    [(1, "M", 35.7), (18, "M", 50.8), (25, "M", 50.8), (1, "F", 33.1), (18, "F", 41.4)],
)
def test_ckid_u25_creatinine_k_matches_published_end_points(age: float, sex: str, k: float) -> None:
    """Pierce CB et al. Kidney Int 2021;99(4):948-956 abstract: K 35.7 -> 50.8 (M), 33.1 -> 41.4."""
    assert ckid_u25_creatinine_k(age, sex) == pytest.approx(k, abs=0.05)


def test_ckid_u25_creatinine_k_is_continuous_at_adulthood() -> None:
    assert ckid_u25_creatinine_k(17.999, "M") == pytest.approx(50.8, abs=0.05)
    assert ckid_u25_creatinine_k(17.999, "F") == pytest.approx(41.4, abs=0.05)


def test_ckid_u25_cystatin_k_male_18_check() -> None:
    """E2: male 18 y check value 77.1 (from memory, unverified, as the reference says)."""
    assert ckid_u25_cystatin_k(17.999, "M") == pytest.approx(77.1, abs=0.1)
    assert ckid_u25_cystatin_k(20, "F") == 68.3


def test_ckid_u25_creatinine_worked() -> None:
    """Girl 12 y, 150 cm, SCr 0.6: K 36.1 -> 36.1 x 1.50 / 0.6 = 90.25."""
    result = ckid_u25_creatinine(12, "F", 150, 0.6)
    assert result.value == pytest.approx(90.25)
    assert any("from memory, unverified" in w for w in result.warnings)


def test_combined_is_average_and_warns() -> None:
    by_cr = ckid_u25_creatinine(12, "F", 150, 0.6).value
    by_cys = ckid_u25_cystatin(12, "F", 0.9).value
    combined = ckid_u25_combined(12, "F", 150, 0.6, 0.9)
    assert combined.value == pytest.approx((by_cr + by_cys) / 2)
    assert sum("unverified" in w for w in combined.warnings) == 3


def test_u25_refuses_infants_and_over_25() -> None:
    with pytest.raises(OutsideValidRangeError):
        ckid_u25_creatinine(0.5, "M", 65, 0.3)
    with pytest.raises(OutsideValidRangeError):
        ckid_u25_creatinine(26, "M", 175, 1.0)


def test_u25_needs_sex() -> None:
    with pytest.raises(MissingInputError):
        ckid_u25_creatinine(10, None, 140, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ImplausibleValueError):
        ckid_u25_creatinine(10, "U", 140, 0.5)


@pytest.mark.parametrize("creatinine", [0, -0.4, 45])
def test_implausible_creatinine_refused(creatinine: float) -> None:
    with pytest.raises(ImplausibleValueError):
        bedside_schwartz(120, creatinine)


def test_non_steady_state_flag() -> None:
    """E2 [Design]: > 0.3 mg/dL or > 50% change within 48 h."""
    assert is_non_steady_state(0.4, 0.75, 24)  # +0.35 mg/dL
    assert is_non_steady_state(0.2, 0.31, 24)  # +55%
    assert not is_non_steady_state(0.4, 0.6, 24)  # +0.2 and +50% exactly
    assert not is_non_steady_state(0.4, 0.9, 72)  # outside 48 h
    with pytest.raises(ValueError):
        is_non_steady_state(0.4, 0.9, -1)
