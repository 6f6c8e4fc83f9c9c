"""Rituximab (thrombo/dosing/rituximab.py): 375 mg/m2 weekly x 4, 100 mg x 4, 375 mg/m2 x 1.

Sources: Bennett 2006 and low-dose cohorts (clinical-reference.md D [S]); BSA Mosteller to 2
decimals (D [Design]). Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.rituximab import rituximab


@pytest.mark.parametrize(("regimen", "mg", "count"), [
    ("standard", 375.0, 4),         # 1.00 m2 (120 cm, 30 kg) x 375
    ("single-375", 375.0, 1),
    ("low-dose-100mg", 100.0, 4),   # fixed, whatever the size
])
def test_regimens_at_1_m2(regimen: str, mg: float, count: int) -> None:
    plan = rituximab(DoseInputs(weight_kg=30, height_cm=120, regimen=regimen))
    assert (plan.dose.value, plan.schedule[0].count) == (mg, count)


@pytest.mark.parametrize("regimen", ["standard", "low-dose-100mg"])
def test_weekly_doses_start_on_the_first_day(regimen: str) -> None:
    """The weekly course begins with its first dose: the schedule starts on day 0, every 7 days."""
    (phase,) = rituximab(DoseInputs(weight_kg=30, height_cm=120, regimen=regimen)).schedule
    assert (phase.start_day, phase.every_days) == (0, 7)
