"""Rituximab (thrombo/dosing/rituximab.py): weekly courses have a weekly interval, a single dose
has none.

Sources: 375 mg/m2 IV weekly x 4 (Bennett 2006); low dose 100 mg weekly x 4, or 375 mg/m2 once
(clinical-reference.md D [S]). Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.rituximab import rituximab

# regimen, interval (h) between doses, course as shown
COURSES = [
    ("standard", 168, "weekly x 4"),          # 375 mg/m2 weekly x 4
    ("low-dose-100mg", 168, "100 mg weekly x 4"),
    ("single-375", None, "single dose"),      # one dose: no interval to repeat it
]


@pytest.mark.parametrize(("regimen", "interval_hours", "course"), COURSES)
def test_interval_and_course_by_regimen(
    regimen: str, interval_hours: int | None, course: str
) -> None:
    plan = rituximab(DoseInputs(weight_kg=30, height_cm=120, regimen=regimen))
    assert (plan.interval_hours, plan.course) == (interval_hours, course)
