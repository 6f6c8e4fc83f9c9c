"""Paediatric eGFR: equation constants, age bands and the non-steady-state flag at their edges.

Sources (clinical-reference.md E2, E3):
- Bedside Schwartz 2009 [S]: eGFR = 0.413 x height (cm) / SCr (mg/dL); with SCr in umol/L,
  36.5 x height / SCr [S-2nd].
- CKiD U25 (Pierce 2021) [S]: creatinine K = 39.0 x 1.008^(age-12) (boys, 1 to < 12 y),
  39.0 x 1.045^(age-12) (12 to < 18), 50.8 from 18; girls 36.1 x 1.008^(age-12),
  36.1 x 1.023^(age-12), 41.4 from 18. Cystatin C K = 87.2 x 1.011^(age-15) (boys, 1 to < 15),
  87.2 x 0.960^(age-15) (15 to < 18), 77.1 from 18; girls 79.9 x 1.004^(age-12),
  79.9 x 0.974^(age-12), 68.3 from 18. Valid from 1 to 25 years.
- [Design] E2: eGFR is flagged "non-steady-state" when SCr changed by more than 0.3 mg/dL or
  more than 50% within 48 h.
Expected K values below are the reference formulas written out with the reference's constants.
"""

from __future__ import annotations

import pytest

from thrombo.physiology.plausibility import OutsideValidRangeError
from thrombo.physiology.renal import (
    bedside_schwartz,
    bedside_schwartz_umol_l,
    ckid_u25_creatinine,
    ckid_u25_creatinine_k,
    ckid_u25_cystatin,
    ckid_u25_cystatin_k,
    is_non_steady_state,
)


def test_bedside_schwartz() -> None:
    """100 cm, SCr 0.5 mg/dL: 0.413 x 100 / 0.5 = 82.6; SCr 44.2 umol/L: 36.5 x 100 / 44.2 =
    82.58."""
    assert bedside_schwartz(100, 0.5).value == pytest.approx(82.6, abs=1e-9)
    assert bedside_schwartz_umol_l(100, 44.2).value == pytest.approx(82.5792, abs=1e-4)

def _k_either_side(sex: str, pivot: float, k_pivot: float, below: float, above: float,
                   adult: float) -> list[tuple[float, str, float]]:
    """(age, sex, K) either side of one table row's pivot age and of 18 years: K at the pivot
    times the yearly factor below or above it to the power (age - pivot), the adult K from 18."""
    ages = (1.0, 6.0, pivot - 0.5, pivot, pivot + 1.0, 17.5)
    return [(age, sex, k_pivot * (below if age < pivot else above) ** (age - pivot))
            for age in ages] + [(18.0, sex, adult), (25.0, sex, adult)]


# One CKiD U25 table row a line: sex, pivot age, K at the pivot, factor below, above, from 18.
CREATININE_K = (_k_either_side("M", 12.0, 39.0, 1.008, 1.045, 50.8)
                + _k_either_side("F", 12.0, 36.1, 1.008, 1.023, 41.4))
CYSTATIN_K = (_k_either_side("M", 15.0, 87.2, 1.011, 0.960, 77.1)
              + _k_either_side("F", 12.0, 79.9, 1.004, 0.974, 68.3))


def test_published_end_points() -> None:
    """The abstract's end points [S]: boys 35.7 at 1 y and 50.8 at 18; girls 33.1 and 41.4."""
    assert round(ckid_u25_creatinine_k(1.0, "M"), 1) == 35.7
    assert round(ckid_u25_creatinine_k(1.0, "F"), 1) == 33.1
    assert ckid_u25_creatinine_k(18.0, "M") == 50.8
    assert ckid_u25_creatinine_k(18.0, "F") == 41.4


@pytest.mark.parametrize(("age", "sex", "k"), CREATININE_K)
def test_ckid_u25_creatinine_k(age: float, sex: str, k: float) -> None:
    assert ckid_u25_creatinine_k(age, sex) == pytest.approx(k, abs=1e-4)


@pytest.mark.parametrize(("age", "sex", "k"), CYSTATIN_K)
def test_ckid_u25_cystatin_k(age: float, sex: str, k: float) -> None:
    assert ckid_u25_cystatin_k(age, sex) == pytest.approx(k, abs=1e-4)


def test_ckid_u25_equations() -> None:
    """Boy 12 y, 150 cm, SCr 0.75: 39.0 x 1.50 / 0.75 = 78.0; cystatin C 1.09 mg/L at 15 y:
    87.2 / 1.09 = 80.0."""
    assert ckid_u25_creatinine(12.0, "M", 150, 0.75).value == pytest.approx(78.0, abs=1e-9)
    assert ckid_u25_cystatin(15.0, "M", 1.09).value == pytest.approx(80.0, abs=1e-9)


@pytest.mark.parametrize(("age", "valid"), [(0.99, False), (1.0, True), (25.0, True),
                                             (25.01, False)])
def test_ckid_u25_is_valid_from_1_to_25_years(age: float, valid: bool) -> None:
    if valid:
        assert ckid_u25_creatinine_k(age, "F") > 0
    else:
        with pytest.raises(OutsideValidRangeError):
            ckid_u25_creatinine_k(age, "F")


# (previous SCr, current SCr, hours apart, flagged). 0.75 -> 0.45 is a fall of exactly 0.3 mg/dL
# (40%, not more than 0.3); 0.5 -> 0.75 and 0.5 -> 0.25 are changes of exactly 50%.
NON_STEADY = [
    (0.75, 0.46, 24, False), (0.75, 0.45, 24, False), (0.75, 0.44, 24, True),
    (2.0, 2.31, 24, True), (2.0, 1.69, 24, True),
    (0.5, 0.74, 24, False), (0.5, 0.75, 24, False), (0.5, 0.76, 24, True),
    (0.5, 0.25, 24, False), (0.5, 0.24, 24, True),
    (0.5, 1.0, 47, True), (0.5, 1.0, 48, True), (0.5, 1.0, 48.5, False), (0.5, 1.0, 49, False),
    (0.5, 1.0, 0, True),
]


@pytest.mark.parametrize(("previous", "current", "hours", "flagged"), NON_STEADY)
def test_non_steady_state(previous: float, current: float, hours: float, flagged: bool) -> None:
    assert is_non_steady_state(previous, current, hours) is flagged


def test_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        is_non_steady_state(0.5, 1.0, -0.5)
