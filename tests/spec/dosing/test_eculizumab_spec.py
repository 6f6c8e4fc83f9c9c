"""Eculizumab (thrombo/dosing/eculizumab.py): weight tiers and infusion time by age.

Sources: Soliris aHUS weight tiers (clinical-reference.md B3 [S-2nd]); infusion over 1-4 h under
18 years, 35 min (slowed to at most 2 h) in adults, observe 1 h (I2 [S-2nd], [S]); [Design] the
rule keyed on age < 18 y (I2). Issue 17 finding 3; issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError


@pytest.mark.parametrize(("age", "fastest", "slowest"), [
    (5, 60, 240),               # the finding: a child is not infused over 35 min
    (17.99, 60, 240),
    (18.0, 35, 120),            # adults: 35 min, slowed to at most 2 h
    (18.01, 35, 120),
    (None, 60, 240),            # no age: the children's time, with a warning
])
def test_infusion_time_by_age(age: float | None, fastest: int, slowest: int) -> None:
    plan = eculizumab(DoseInputs(weight_kg=45, age_years=age))
    assert plan.infusion_minutes == fastest
    assert plan.practical["infusion_minutes_range"] == {"low": fastest, "high": slowest}
    assert any(w.startswith("no age given") for w in plan.warnings) is (age is None)


@pytest.mark.parametrize(("weight", "age", "rate"), [
    (18, 5, 120.0),             # 600 mg = 120 mL over at least 60 min
    (45, 19, 308.6),            # 900 mg = 180 mL over at least 35 min
])
def test_fastest_pump_rate(weight: float, age: float, rate: float) -> None:
    plan = eculizumab(DoseInputs(weight_kg=weight, age_years=age))
    assert plan.practical["max_rate_ml_per_h"] == rate


@pytest.mark.parametrize(("weight", "induction_mg"), [
    (4.99, None), (5.0, 300), (9.99, 300), (10.0, 600), (19.99, 600), (20.0, 600),
    (29.99, 600), (30.0, 600), (39.99, 600), (40.0, 900),
])
def test_weight_tiers(weight: float, induction_mg: float | None) -> None:
    if induction_mg is None:
        with pytest.raises(DoseRefusedError, match="below 5 kg"):
            eculizumab(DoseInputs(weight_kg=weight))
    else:
        assert eculizumab(DoseInputs(weight_kg=weight)).dose.value == induction_mg


@pytest.mark.parametrize(("weight", "vials", "diluted_ml"), [
    (9.99, 1, 60.0),            # 300 mg: one 300 mg vial, 60 mL at 5 mg/mL
    (10.0, 2, 120.0),           # 600 mg
    (40.0, 3, 180.0),           # 900 mg
])
def test_vials_and_dilution(weight: float, vials: int, diluted_ml: float) -> None:
    """Vials 300 mg/30 mL, diluted to 5 mg/mL (B3 [S-2nd]); observe 60 min after (I2 [S])."""
    plan = eculizumab(DoseInputs(weight_kg=weight, age_years=8))
    assert (plan.practical["vials"], plan.practical["diluted_volume_ml"]) == (vials, diluted_ml)
    mg = diluted_ml * 5
    assert plan.practical["concentrate_ml"] == mg / 10       # 10 mg/mL concentrate
    assert f"ceil({mg:g} mg / 300 mg) = {vials}" in plan.calculation[3]
    assert any("observe 60 min afterwards" in line for line in plan.calculation)
