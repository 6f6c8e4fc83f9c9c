"""Vincristine and cyclophosphamide (thrombo/dosing/cytotoxics.py) at, below and above each limit.

Sources: vincristine label 0.05 mg/kg weekly for children of 10 kg or less (clinical-reference.md
I3 [S]); 1.5 mg/m2 max 2 mg for ITP (D, from memory, unverified; cap [Design] per D); Boruchov
2007 0.03 mg/kg (D [S]); [Design] per-kg dosing also under 1 year, doses under 1 mg to 0.01 mg
(D: IV doses to 2-3 significant figures). Issue 17 finding 7; issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.cytotoxics import cyclophosphamide, vincristine
from thrombo.dosing.inputs import DoseInputs


def test_the_finding_a_3_kg_infant_is_not_given_1_5_mg_per_m2() -> None:
    """3 kg: 0.05 mg/kg x 3 = 0.15 mg (not 0.2 mg by 0.1 mg rounding, nor 1.5 mg/m2), warned."""
    plan = vincristine(DoseInputs(weight_kg=3))
    assert plan.dose.value == 0.15
    assert plan.per_kg is not None and plan.per_kg.value == 0.05 and plan.per_m2 is None
    assert any("0.05 mg/kg" in w and "agree the dose" in w for w in plan.warnings)


@pytest.mark.parametrize(("weight", "age", "height", "mg", "basis"), [
    (9.99, None, None, 0.5, "per-kg"),     # 0.4995 mg
    (10.0, None, None, 0.5, "per-kg"),     # "10 kg or less": 10 kg itself is per kg
    (10.01, None, 75, 0.69, "per-m2"),     # BSA sqrt(75 x 10.01 / 3600) = 0.46 m2 x 1.5
    (11.0, 0.99, None, 0.55, "per-kg"),    # [Design] under 1 year: per kg at any weight
    (11.0, 1.0, 75, 0.72, "per-m2"),       # from 1 year: 0.48 m2 x 1.5
])
def test_per_kg_for_10_kg_or_less_or_under_1_year(weight: float, age: float | None,
                                                  height: float | None, mg: float,
                                                  basis: str) -> None:
    plan = vincristine(DoseInputs(weight_kg=weight, age_years=age, height_cm=height))
    assert (plan.dose.value, plan.options["basis"]) == (mg, basis)


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (33.0, 0.99, False),        # 0.99 mg: under 1 mg, to 0.01 mg
    (33.3, 1.0, False),         # 0.999 mg -> 1.00
    (34.0, 1.0, False),         # 1.02 mg: from 1 mg, to 0.1 mg
    (66.6, 2.0, False),         # 1.998 mg rounds to 2.0 without the cap biting
    (200 / 3, 2.0, False),      # 0.03 x 66.67 = 2.000 mg: at the cap, not capped
    (66.7, 2.0, True),          # 2.001 mg -> capped at 2 mg
])
def test_combination_0_03_mg_per_kg_rounding_and_2_mg_cap(weight: float, mg: float,
                                                          capped: bool) -> None:
    plan = vincristine(DoseInputs(weight_kg=weight, regimen="combination"))
    assert (plan.dose.value, plan.capped) == (mg, capped)


def test_standard_1_5_mg_per_m2_from_10_kg() -> None:
    """150 cm, 40 kg: BSA 1.29 m2 x 1.5 = 1.935 -> 1.9 mg; weekly, 4 doses at most."""
    plan = vincristine(DoseInputs(weight_kg=40, height_cm=150))
    assert (plan.dose.value, plan.schedule[0].every_days, plan.schedule[0].count) == (1.9, 7, 4)


@pytest.mark.parametrize(("regimen", "low", "high"), [
    ("combination", 400.0, 650.0),     # 400-650 mg/m2 x 1.00 m2 (D [S-2nd])
    ("iv", 300.0, 1000.0),             # 0.3-1 g/m2 (D, unverified)
])
def test_cyclophosphamide_ranges_at_1_m2(regimen: str, low: float, high: float) -> None:
    """120 cm, 30 kg: Mosteller BSA exactly 1.00 m2."""
    plan = cyclophosphamide(DoseInputs(weight_kg=30, height_cm=120, regimen=regimen))
    assert plan.range is not None and (plan.range.low, plan.range.high) == (low, high)


def test_cyclophosphamide_combination_days_1_and_8_and_oral_1_to_2_mg_per_kg() -> None:
    """Combination: two doses 7 days apart (D [S-2nd]); oral 1-2 mg/kg/day (D, unverified)."""
    combination = cyclophosphamide(DoseInputs(weight_kg=30, height_cm=120))
    assert (combination.schedule[0].every_days, combination.schedule[0].count) == (7, 2)
    oral = cyclophosphamide(DoseInputs(weight_kg=30, regimen="oral"))
    assert oral.range is not None and (oral.range.low, oral.range.high) == (30.0, 60.0)
