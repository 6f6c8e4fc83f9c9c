"""Shared dosing rules (thrombo/dosing/recommendation.py, inputs.py): caps, rounding, BSA, age.

Sources: clinical-reference.md D [Design]: caps after calculation, never rounded above a cap;
BSA Mosteller to 2 decimals (E1); interface.md: doses to 0.1 of their unit; ages from a birth
date (thrombo.physiology.age). Issue 25: `capped` at a dose exactly equal to the cap.
"""

from __future__ import annotations

from datetime import date

import pytest

from thrombo.dosing.inputs import DoseInputs, age_from_birth_date, bsa_of
from thrombo.dosing.recommendation import capped_dose, round_half_up, round_to_step


@pytest.mark.parametrize(("calculated", "dose", "capped"), [
    (39.94, 39.9, False),
    (39.96, 40.0, False),       # rounds to the cap: not capped
    (40.0, 40.0, False),        # exactly the cap: not capped
    (40.01, 40.0, True),        # above the cap: capped
])
def test_capped_only_above_the_cap(calculated: float, dose: float, capped: bool) -> None:
    assert capped_dose(calculated, 40.0) == (dose, capped)


@pytest.mark.parametrize(("value", "rounded"), [(0.04, 0.0), (0.05, 0.1), (0.15, 0.2),
                                                (2.25, 2.3)])
def test_half_up_rounding_to_0_1(value: float, rounded: float) -> None:
    """A pharmacist's half up, not binary floats' banker's rounding (2.25 -> 2.3)."""
    assert round_half_up(value) == rounded


@pytest.mark.parametrize(("mg", "tablets"), [(18.7, 12.5), (18.75, 25.0), (18.8, 25.0)])
def test_nearest_12_5_mg_step(mg: float, tablets: float) -> None:
    assert round_to_step(mg, 12.5) == tablets


@pytest.mark.parametrize(("weight", "height", "bsa"), [
    (30.0, 120, 1.0), (29.4, 120, 0.99), (30.6, 120, 1.01),
])
def test_bsa_mosteller_to_2_decimals(weight: float, height: float, bsa: float) -> None:
    assert bsa_of(DoseInputs(weight_kg=weight, height_cm=height), "test").value_m2 == bsa


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2020, 3, 1), date(2026, 2, 28), 5.9959),   # the day before the 6th birthday
    (date(2020, 3, 1), date(2026, 3, 1), 6.0),       # the birthday: exactly 6
    (date(2020, 3, 1), date(2026, 3, 2), 6.0014),   # 2192 days / 365.25
    (date(2020, 2, 29), date(2026, 2, 28), 5.9986),  # leap-day birth: birthday on 1 March
    (date(2020, 2, 29), date(2026, 3, 1), 6.0014),
])
def test_age_from_birth_date_is_whole_on_the_birthday(born: date, on: date, age: float) -> None:
    assert age_from_birth_date(born, on) == pytest.approx(age, abs=1e-4)
