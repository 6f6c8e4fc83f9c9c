"""Vincristine and cyclophosphamide dosing intervals (thrombo/dosing/cytotoxics.py).

Sources (clinical-reference.md D, I3): vincristine weekly (1.5 mg/m2 IV weekly, D; label 0.05
mg/kg once a week for children of 10 kg or less, I3 [S]; Boruchov 2007 0.03 mg/kg, D [S]) ->
every 168 h; oral cyclophosphamide 1-2 mg/kg/day (D, unverified) -> every 24 h; IV
cyclophosphamide is given on days 1 and 8 (combination) or every 2-4 weeks, so it has no single
interval. Issue 25 (a boundary test for each clinical number).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from thrombo.dosing.cytotoxics import cyclophosphamide, vincristine
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRecommendation

# (drug, inputs, interval in hours, source)
INTERVALS = [
    (vincristine, DoseInputs(weight_kg=8), 168, "I3 [S]: 0.05 mg/kg once a week"),
    (vincristine, DoseInputs(weight_kg=40, height_cm=150), 168, "D: 1.5 mg/m2 weekly"),
    (vincristine, DoseInputs(weight_kg=40, regimen="combination"), 168, "D [S]: weekly"),
    (cyclophosphamide, DoseInputs(weight_kg=30, regimen="oral"), 24, "D: 1-2 mg/kg/day"),
    (cyclophosphamide, DoseInputs(weight_kg=30, height_cm=120, regimen="iv"), None,
     "D: every 2-4 weeks"),
]


@pytest.mark.parametrize(("drug", "inputs", "hours", "source"), INTERVALS)
def test_interval_between_doses(drug: Callable[[DoseInputs], DoseRecommendation],
                                inputs: DoseInputs, hours: int | None, source: str) -> None:
    assert drug(inputs).interval_hours == hours, source
