"""Eculizumab tiers (B3), corticosteroids, IVIG and anti-D (clinical-reference.md D)."""

import pytest

from thrombo.dosing.corticosteroids import dexamethasone, prednisone
from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.immunoglobulins import anti_d, ivig
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.errors import ImplausibleValueError, MissingInputError

# Weights at a tier's edges: (induction mg, induction doses, maintenance mg, its first day, every)
ECULIZUMAB_TIERS: list[tuple[tuple[float, ...], tuple[int, int, int, int, int]]] = [
    ((5.0, 9.99), (300, 1, 300, 7, 21)),
    ((10.0, 19.99), (600, 1, 300, 7, 14)),
    ((20.0,), (600, 2, 600, 14, 14)),
    ((30.0, 39.99), (600, 2, 900, 14, 14)),
    ((40.0, 80.0), (900, 4, 1200, 28, 14)),
]


@pytest.mark.parametrize(
    ("weight", "induction", "count", "maintenance", "start_day", "every_days"),
    [(weight, *tier) for weights, tier in ECULIZUMAB_TIERS for weight in weights],
)
def test_eculizumab_tier_edges(
    weight: float, induction: float, count: int, maintenance: float, start_day: int,
    every_days: int,
) -> None:  # fmt: skip
    """Soliris aHUS table (B3): >= 40 kg 900 x 4 then 1200 at week 5 q2w; 30-<40 600 x 2, 900
    week 3 q2w; 20-<30 600 x 2, 600 week 3 q2w; 10-<20 600 x 1, 300 week 2 q2w; 5-<10 300 x 1,
    300 week 2 q3w."""
    plan = eculizumab(DoseInputs(weight_kg=weight))
    first, then = plan.schedule
    assert plan.dose.value == induction
    assert (first.dose.value, first.count, first.every_days) == (induction, count, 7)
    assert (then.dose.value, then.start_day, then.every_days) == (
        maintenance,
        start_day,
        every_days,
    )
    assert then.count is None


def test_eculizumab_always_warns_level_guided() -> None:
    """B3 [S]: TA-TMA needs PK/PD-guided dosing to a trough > 99-100 ug/mL."""
    plan = eculizumab(DoseInputs(weight_kg=25))
    assert any("level-guided" in w and "99-100" in w for w in plan.warnings)


def test_eculizumab_below_5_kg_refused() -> None:
    with pytest.raises(DoseRefusedError, match="5 kg"):
        eculizumab(DoseInputs(weight_kg=4.9))


def test_dexamethasone_monthly_pulses_18_kg() -> None:
    """ASH 2019 comparator 0.6 mg/kg/day x 4 (max 40); seed 002 monthly pulses: 10.8 mg."""
    plan = dexamethasone(DoseInputs(weight_kg=18))
    assert plan.dose.value == 10.8
    assert not plan.capped
    pulse, repeat = plan.schedule
    assert (pulse.every_days, pulse.count) == (1, 4)
    assert (repeat.every_days, repeat.start_day, repeat.count) == (28, 28, None)


@pytest.mark.parametrize(
    ("weight", "dose", "capped"),
    [(66.6, 40.0, False), (66.7, 40.0, True), (60.0, 36.0, False), (90, 40.0, True)],
)
def test_dexamethasone_cap_40_mg(weight: float, dose: float, capped: bool) -> None:
    """Cap 40 mg/day (ASH 2019): reached at 40 / 0.6 = 66.7 kg; 66.6 kg gives 39.96 mg, which
    rounds to 40.0 mg without the cap biting."""
    plan = dexamethasone(DoseInputs(weight_kg=weight))
    assert plan.dose.value == dose
    assert plan.capped is capped


def test_dexamethasone_bsa_regimen() -> None:
    """40 mg/m2/day x 4, monthly x 6 (Chen 1997 series): 110 cm, 18.4 kg -> BSA 0.75 -> 30 mg."""
    plan = dexamethasone(DoseInputs(weight_kg=18.4, height_cm=110, regimen="bsa-40"))
    assert plan.dose.value == 30.0
    assert plan.schedule[1].count == 5
    with pytest.raises(MissingInputError, match="height"):
        dexamethasone(DoseInputs(weight_kg=18.4, regimen="bsa-40"))


def test_prednisone_range_and_cap() -> None:
    """ASH 2019: 2-4 mg/kg/day, max 120 mg/day. 20 kg -> 40 mg (range 40-80); 45 kg -> 90-120."""
    child = prednisone(DoseInputs(weight_kg=20))
    assert child.dose.value == 40.0
    assert child.range is not None
    assert (child.range.low, child.range.high) == (40.0, 80.0)
    assert not child.capped
    teen = prednisone(DoseInputs(weight_kg=45))
    assert teen.range is not None
    assert (teen.range.low, teen.range.high) == (90.0, 120.0)
    # The dose (90 mg, 2 mg/kg) is not limited; only the range's upper end meets the cap.
    assert not teen.capped
    heavy = prednisone(DoseInputs(weight_kg=65))
    assert (heavy.dose.value, heavy.capped) == (120.0, True)
    short = prednisone(DoseInputs(weight_kg=20, regimen="short-4-mg-kg"))
    assert short.dose.value == 80.0
    assert any("from memory, unverified" in w for w in short.warnings)


def test_ivig_usual_and_range() -> None:
    """ASH: IVIG 0.8-1 g/kg single dose: 18.4 kg -> 18.4 g (range 14.7-18.4 g)."""
    plan = ivig(DoseInputs(weight_kg=18.4)).to_json()
    assert plan["dose"] == {"value": 18.4, "unit": "g"}
    assert plan["range"] == {"low": 14.7, "high": 18.4, "unit": "g"}


@pytest.mark.parametrize(
    ("hb", "per_kg", "low", "high"),
    [(10.5, 50, None, None), (10.0, 25, 500.0, 800.0), (8.0, 25, 500.0, 800.0)],
)
def test_anti_d_hb_bands(hb: float, per_kg: float, low: float | None, high: float | None) -> None:
    """WinRho: Hb > 10: 50 ug/kg; 8-10: 25-40 ug/kg; 5 IU = 1 ug. 20 kg child."""
    plan = anti_d(DoseInputs(weight_kg=20, hb_g_dl=hb))
    assert plan.dose.value == per_kg * 20
    assert plan.practical["dose_iu"]["value"] == per_kg * 20 * 5
    if low is None:
        assert plan.range is None
    else:
        assert plan.range is not None
        assert (plan.range.low, plan.range.high) == (low, high)
    assert any("Rh(D)-positive, non-splenectomised" in w for w in plan.warnings)


def test_anti_d_refused_below_hb_8_and_without_hb() -> None:
    with pytest.raises(DoseRefusedError, match=r"Hb 7\.9"):
        anti_d(DoseInputs(weight_kg=20, hb_g_dl=7.9))
    with pytest.raises(MissingInputError, match="--hb-g-dl"):
        anti_d(DoseInputs(weight_kg=20))
    with pytest.raises(ImplausibleValueError):
        anti_d(DoseInputs(weight_kg=20, hb_g_dl=95))
