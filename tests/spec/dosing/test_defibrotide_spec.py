"""Defibrotide (thrombo/dosing/defibrotide.py): figures that agree, and its limits.

Sources: DEFITELIO label 6.25 mg/kg every 6 h, 200 mg/2.5 mL (80 mg/mL) vials, final 4-20 mg/mL
(clinical-reference.md B1 [S]); [Design] volumes to 0.01 mL, pharmacy preparation under 1 mL.
Issue 17 finding 20; issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.inputs import DoseInputs


def test_volume_times_concentration_is_stated_beside_the_dose() -> None:
    """18.4 kg: 115.0 mg; 115 / 80 = 1.4375 -> 1.44 mL on a 0.01 mL scale = 115.2 mg; per day
    4 x 115.0 = 460.0 mg."""
    plan = defibrotide(DoseInputs(weight_kg=18.4))
    assert plan.dose.value == 115.0
    assert (plan.practical["concentrate_ml"], plan.practical["concentrate_mg"]) == (1.44, 115.2)
    assert "1.44 mL x 80 mg/mL = 115.2 mg" in plan.calculation[3]
    assert plan.per_day is not None and plan.per_day.value == 460.0
    assert "115.0 mg x 4 doses = 460.0 mg" in plan.calculation[2]


@pytest.mark.parametrize(("weight", "ml", "pharmacy"), [
    (12.7, 0.99, True),         # 79.4 mg / 80 = 0.99 mL: under 1 mL -> pharmacy
    (12.8, 1.0, False),         # 80.0 mg = 1.00 mL
    (12.9, 1.01, False),
])
def test_pharmacy_flag_under_1_ml(weight: float, ml: float, pharmacy: bool) -> None:
    plan = defibrotide(DoseInputs(weight_kg=weight))
    assert plan.practical["concentrate_ml"] == ml
    assert plan.practical["pharmacy_preparation"] is pharmacy
    assert any(w.startswith("pharmacy:") for w in plan.warnings) is pharmacy


@pytest.mark.parametrize(("weight", "vials"), [(31.9, 1), (32.0, 1), (32.1, 2)])
def test_vials_of_200_mg(weight: float, vials: int) -> None:
    """32 kg: 200.0 mg = one vial; 32.1 kg: 200.6 mg = two."""
    assert defibrotide(DoseInputs(weight_kg=weight)).practical["vials"] == vials


def test_bag_volume_keeps_4_to_20_mg_per_ml() -> None:
    """115 mg: 115 / 20 = 5.75 mL to 115 / 4 = 28.75 mL."""
    plan = defibrotide(DoseInputs(weight_kg=18.4))
    assert plan.practical["bag_volume_ml"] == {"low": 5.75, "high": 28.75}


@pytest.mark.parametrize(("indication", "course"), [
    ("ta-tma", "at least 14 days; reassess on day 14 and day 28"),   # seed 000 protocol
    ("vod", "at least 21 days; if VOD is not resolved by day 21, continue until resolution, "
            "to at most 60 days"),                                   # label B1 [S]
])
def test_schedule_and_course(indication: str, course: str) -> None:
    """6.25 mg/kg every 6 h (4 doses a day, 25 mg/kg/day) over 2 h (B1 [S])."""
    plan = defibrotide(DoseInputs(weight_kg=18.4, indication=indication))
    assert (plan.interval_hours, plan.infusion_minutes, plan.course) == (6, 120, course)
    assert "(25 mg/kg/day)" in plan.calculation[2]
