"""Anti-D (thrombo/dosing/immunoglobulins.py): the dose range given in each haemoglobin band.

Source: WinRho SDF US label: Hb > 10 g/dL 50 ug/kg; Hb 8-10 g/dL 25-40 ug/kg; Hb < 8 g/dL do
not use (clinical-reference.md D [S]). [Design] in the 8-10 g/dL band the dose is the low end
and the range carries 25-40 ug/kg; above 10 g/dL there is one dose, no range. Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.immunoglobulins import anti_d
from thrombo.dosing.inputs import DoseInputs

# Hb g/dL, range low and high in ug for 20 kg (None: one dose, no range)
RANGES = [
    (8.0, (500.0, 800.0)),      # 25 x 20 = 500 ug, 40 x 20 = 800 ug
    (10.0, (500.0, 800.0)),
    (10.01, None),              # > 10 g/dL: 50 ug/kg = 1000 ug, no range
]


@pytest.mark.parametrize(("hb", "expected"), RANGES)
def test_anti_d_range_by_haemoglobin(hb: float, expected: tuple[float, float] | None) -> None:
    plan = anti_d(DoseInputs(weight_kg=20, hb_g_dl=hb))
    got = None if plan.range is None else (plan.range.low, plan.range.high)
    assert got == expected
    assert plan.range is None or plan.range.unit == "mcg"
