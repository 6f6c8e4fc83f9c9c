"""IVIG and anti-D (thrombo/dosing/immunoglobulins.py) at, below and above each limit.

Sources: IVIG 0.8-1 g/kg (clinical-reference.md D [S]); WinRho SDF: Hb > 10 g/dL 50 ug/kg,
8-10 g/dL 25-40 ug/kg, < 8 g/dL do not use; 5 IU per ug (D [S]). Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.immunoglobulins import anti_d, ivig
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError


@pytest.mark.parametrize(("hb", "ug_per_kg"), [
    (7.99, None),               # < 8 g/dL: refused
    (8.0, 25.0), (8.01, 25.0),  # 8-10 g/dL: 25-40 ug/kg, dose at the low end
    (9.99, 25.0), (10.0, 25.0),
    (10.01, 50.0),              # > 10 g/dL: 50 ug/kg
])
def test_anti_d_by_haemoglobin(hb: float, ug_per_kg: float | None) -> None:
    inputs = DoseInputs(weight_kg=20, hb_g_dl=hb)
    if ug_per_kg is None:
        with pytest.raises(DoseRefusedError, match="must not be given"):
            anti_d(inputs)
        return
    plan = anti_d(inputs)
    assert plan.dose.value == ug_per_kg * 20
    assert plan.practical["dose_iu"] == {"value": ug_per_kg * 20 * 5, "unit": "IU"}


def test_ivig_1_g_per_kg_range_0_8_to_1() -> None:
    plan = ivig(DoseInputs(weight_kg=18.4))
    assert plan.dose.value == 18.4
    assert plan.range is not None and (plan.range.low, plan.range.high) == (14.7, 18.4)
