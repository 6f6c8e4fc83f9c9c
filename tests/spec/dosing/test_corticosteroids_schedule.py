"""Dexamethasone and prednisone schedules (thrombo/dosing/corticosteroids.py), day by day.

Sources (clinical-reference.md D): dexamethasone 0.6 mg/kg/day once daily for 4 days (ASH 2019
[S-2nd]); refractory disease: the 4-day pulse repeated every 28 days (Chen 1997 [S], seed 002
"monthly"); 40 mg/m2/day x 4 days monthly for 6 cycles (Chen 1997 [S]); prednisone 2-4 mg/kg
once daily (ASH 2019 [S-2nd]). Day 0 is the first dose; a single pulse has no repeat.
Issue 25 (a boundary test for each clinical number).
"""

from __future__ import annotations

from typing import Any

import pytest

from thrombo.dosing.corticosteroids import dexamethasone, prednisone
from thrombo.dosing.inputs import DoseInputs


def _pulse(mg: float) -> dict[str, Any]:
    """The first pulse: once daily (every 1 day), 4 doses, from day 0."""
    return {"phase": "pulse: once daily", "dose": {"value": mg, "unit": "mg"}, "every_days": 1,
            "count": 4, "start_day": 0}


def _repeat(mg: float, count: int | None) -> dict[str, Any]:
    """The pulse again every 28 days, from day 28."""
    return {"phase": "pulse repeated (4 days each)", "dose": {"value": mg, "unit": "mg"},
            "every_days": 28, "count": count, "start_day": 28}


# (regimen, weight kg, height cm, phases, source): 18 kg x 0.6 = 10.8 mg; 120 cm and 30 kg give
# a Mosteller BSA of exactly 1.00 m2, x 40 mg/m2 = 40.0 mg.
SCHEDULES = [
    ("single-pulse", 18, None, [_pulse(10.8)], "ASH 2019: one 4-day pulse"),
    ("monthly-pulses", 18, None, [_pulse(10.8), _repeat(10.8, None)],
     "Chen 1997 / seed 002: repeated every 28 days while reassessed"),
    ("bsa-40", 30, 120, [_pulse(40.0), _repeat(40.0, 5)], "Chen 1997: 6 cycles = 1 + 5 repeats"),
]


@pytest.mark.parametrize(("regimen", "weight", "height", "phases", "source"), SCHEDULES)
def test_dexamethasone_pulses_from_day_0(regimen: str, weight: float, height: float | None,
                                         phases: list[dict[str, Any]], source: str) -> None:
    plan = dexamethasone(DoseInputs(weight_kg=weight, height_cm=height, regimen=regimen))
    assert [p.to_json() for p in plan.schedule] == phases, source
    assert plan.interval_hours == 24, "once daily"


@pytest.mark.parametrize("regimen", ["ash-2019", "short-4-mg-kg"])
def test_prednisone_once_daily(regimen: str) -> None:
    assert prednisone(DoseInputs(weight_kg=18, regimen=regimen)).interval_hours == 24
