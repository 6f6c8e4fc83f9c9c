"""Dexamethasone and prednisone (thrombo/dosing/corticosteroids.py) at, below and above each cap.

Sources: ASH 2019 dexamethasone 0.6 mg/kg/day max 40 mg x 4 days, prednisone 2-4 mg/kg/day max
120 mg (clinical-reference.md D [S-2nd]); 40 mg/m2 x 4 days monthly x 6 (Chen 1997, D [S]);
4 mg/kg/day (D). Caps apply after calculation; a dose exactly at the cap is not "capped"
(issue 25); prednisone is capped only when its dose was limited (issue 17 finding 20).
"""

from __future__ import annotations

import pytest

from thrombo.dosing.corticosteroids import dexamethasone, prednisone
from thrombo.dosing.inputs import DoseInputs


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (66.6, 40.0, False),        # 39.96 mg rounds to 40.0
    (66.7, 40.0, True),         # 40.02 mg -> capped
])
def test_dexamethasone_0_6_mg_per_kg_cap_40(weight: float, mg: float, capped: bool) -> None:
    plan = dexamethasone(DoseInputs(weight_kg=weight))
    assert (plan.dose.value, plan.capped) == (mg, capped)
    assert (plan.schedule[0].count, plan.schedule[1].every_days) == (4, 28)


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (29.4, 39.6, False),        # BSA 0.99 m2 x 40 = 39.6 mg
    (30.0, 40.0, False),        # BSA 1.00 m2 x 40 = 40.0 mg: at the cap, not capped
    (30.6, 40.0, True),         # BSA 1.01 m2 x 40 = 40.4 mg -> capped
])
def test_dexamethasone_40_mg_per_m2_cap_40(weight: float, mg: float, capped: bool) -> None:
    """Height 120 cm; Mosteller BSA rounded to 2 decimals; 6 cycles (1 + 5 repeats)."""
    plan = dexamethasone(DoseInputs(weight_kg=weight, height_cm=120, regimen="bsa-40"))
    assert (plan.dose.value, plan.capped, plan.schedule[1].count) == (mg, capped, 5)


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (59.9, 119.8, False),       # 2 mg/kg x 59.9
    (60.0, 120.0, False),       # 120.0 mg: at the cap, not capped
    (60.1, 120.0, True),        # 120.2 mg -> capped
])
def test_prednisone_2_mg_per_kg_cap_120(weight: float, mg: float, capped: bool) -> None:
    plan = prednisone(DoseInputs(weight_kg=weight))
    assert (plan.dose.value, plan.capped) == (mg, capped)


def test_prednisone_not_capped_when_only_the_range_top_meets_the_cap() -> None:
    """45 kg: dose 90 mg (2 mg/kg), range 90-120 (4 mg/kg = 180 -> 120): the dose is not capped."""
    plan = prednisone(DoseInputs(weight_kg=45))
    assert plan.range is not None and (plan.range.low, plan.range.high) == (90.0, 120.0)
    assert (plan.dose.value, plan.capped) == (90.0, False)


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (29.9, 119.6, False), (30.0, 120.0, False), (30.1, 120.0, True),
])
def test_prednisone_4_mg_per_kg_cap_120(weight: float, mg: float, capped: bool) -> None:
    plan = prednisone(DoseInputs(weight_kg=weight, regimen="short-4-mg-kg"))
    assert (plan.dose.value, plan.capped) == (mg, capped)
