"""Eculizumab (thrombo/dosing/eculizumab.py): the weight band a dose comes from, as shown.

The dose output names the band it used ("weight 39.99 kg -> tier 30 to < 40 kg") and gives its
limits, so a pharmacist can check the band as well as the dose. Each band's upper limit is
shown at the weight just below it, and its lower limit at the weight itself.

Source: Soliris aHUS paediatric weight tiers, the table in clinical-reference.md B3 [S-2nd]:
>= 40 kg; 30 to < 40 kg; 20 to < 30 kg; 10 to < 20 kg; 5 to < 10 kg; induction weekly from
day 0. Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.inputs import DoseInputs

# weight kg, band low, band high (None: no upper limit), the band as the calculation names it
BANDS = [
    (5.0, 5.0, 10.0, "5 to < 10 kg"),
    (9.99, 5.0, 10.0, "5 to < 10 kg"),
    (10.0, 10.0, 20.0, "10 to < 20 kg"),
    (19.99, 10.0, 20.0, "10 to < 20 kg"),
    (20.0, 20.0, 30.0, "20 to < 30 kg"),
    (29.99, 20.0, 30.0, "20 to < 30 kg"),
    (30.0, 30.0, 40.0, "30 to < 40 kg"),
    (39.99, 30.0, 40.0, "30 to < 40 kg"),
    (40.0, 40.0, None, ">= 40 kg"),
    (80.0, 40.0, None, ">= 40 kg"),
]


@pytest.mark.parametrize(("weight", "low", "high", "band"), BANDS)
def test_the_weight_band_is_named_with_its_limits(
    weight: float, low: float, high: float | None, band: str
) -> None:
    plan = eculizumab(DoseInputs(weight_kg=weight, age_years=8))
    assert plan.practical["weight_tier_kg"] == {"low": low, "high": high}
    assert plan.calculation[0] == f"weight {weight:g} kg -> tier {band}"


@pytest.mark.parametrize("weight", [5.0, 20.0, 40.0])
def test_induction_starts_on_day_0_weekly(weight: float) -> None:
    """Induction 'weekly x N' from the first dose: day 0, every 7 days (168 h)."""
    plan = eculizumab(DoseInputs(weight_kg=weight, age_years=8))
    induction = plan.schedule[0]
    assert (induction.phase, induction.start_day, induction.every_days) == ("induction", 0, 7)
    assert plan.interval_hours == 168
