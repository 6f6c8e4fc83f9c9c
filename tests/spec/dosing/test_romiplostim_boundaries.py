"""Romiplostim (thrombo/dosing/romiplostim.py): the limits the start-dose spec does not reach.

A titrated dose is drawn up as the start dose is: `romiplostim_dose(weight, ug/kg)` for any dose
from above 0 to the 10 ug/kg/week maximum, and the syringe volume never delivers more than
10 ug/kg. The titration refuses a current dose outside that range, and a hold or reduction from
the lowest dose leaves no dose to give.

Sources: Nplate US label: 1 ug/kg steps, maximum 10 ug/kg/week; > 400 x 10^9/L hold and resume
1 ug/kg lower; > 200 for 2 consecutive weeks reduce by 1 ug/kg (clinical-reference.md D2
[S-2nd]); 500 ug/mL, 0.01 mL syringe, doses < 23 ug diluted to 125 ug/mL (I6 [S-2nd]);
[Design] the delivered dose compared with the calculated one to 0.1%, warned beyond 10%.
Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.romiplostim import _delivery_warning, romiplostim_dose, romiplostim_titration
from thrombo.dosing.titration import TitrationStep as Step
from thrombo.errors import ImplausibleValueError

# weight kg, ug/kg, ug due, ug/mL, mL drawn, ug delivered, warned, why (hand-checked)
PREPARATIONS = [
    (2.3, 10.0, 23.0, 500.0, 0.04, 20.0, True,
     "23 ug is not < 23: 500 ug/mL; 0.046 -> 0.05 mL would give 25 ug > 10 ug/kg x 2.3 kg, "
     "so 0.04 mL (20 ug, -13%: warned)"),
    (14.5, 10.0, 145.0, 500.0, 0.29, 145.0, False,
     "145 / 500 = 0.29 mL exactly at the 10 ug/kg ceiling: drawn as it is, not cut to 0.28"),
    (3.89, 10.0, 38.9, 500.0, 0.07, 35.0, False,
     "0.0778 -> 0.08 mL would give 40 ug > 38.9: 0.07 mL = 35 ug, -10.03% shown as -10.0%: "
     "not more than 10% [Design]"),
    (40.0, 0.1, 4.0, 125.0, 0.03, 3.75, False,
     "a small dose above 0 ug/kg is drawn up: 4 ug / 125 = 0.032 -> 0.03 mL (3.75 ug, -6%)"),
]


@pytest.mark.parametrize(
    ("weight", "per_kg", "due", "concentration", "ml", "delivered", "warned", "why"),
    PREPARATIONS,
)
def test_a_titrated_dose_never_delivers_more_than_10_ug_per_kg(
    weight: float, per_kg: float, due: float, concentration: float, ml: float,
    delivered: float, warned: bool, why: str,
) -> None:  # fmt: skip
    prep = romiplostim_dose(weight, per_kg)
    assert (prep.dose_mcg, prep.concentration_mcg_per_ml) == (due, concentration), why
    assert (prep.volume_ml, prep.delivered_mcg) == (ml, delivered), why
    assert bool(_delivery_warning(prep)) is warned, why


@pytest.mark.parametrize("per_kg", [0.0, -1.0, 10.01, 11.0])
def test_a_dose_outside_0_to_10_ug_per_kg_is_refused(per_kg: float) -> None:
    """Label maximum 10 ug/kg/week; 0 ug/kg is no dose (10 ug/kg itself is drawn up above)."""
    with pytest.raises(ImplausibleValueError, match="outside 0 to 10 ug/kg"):
        romiplostim_dose(20.0, per_kg)


@pytest.mark.parametrize("current", [0.0, -1.0, 10.01])
def test_titration_refuses_a_current_dose_outside_0_to_10_ug_per_kg(current: float) -> None:
    with pytest.raises(ImplausibleValueError, match="outside 0 to 10"):
        romiplostim_titration(current, 100.0, 0, 0)


# current ug/kg, platelets, weeks > 200, action, next ug/kg, why (label D2)
LOWEST_DOSES = [
    (1.0, 450.0, Step.HOLD, None, "> 400 at 1 ug/kg: hold; 1 ug/kg lower is no dose"),
    (2.0, 450.0, Step.HOLD, 1.0, "> 400 at 2 ug/kg: hold, resume at 1 ug/kg"),
    (1.0, 250.0, Step.REVIEW, None, "> 200 for 2 weeks at 1 ug/kg: a reduction leaves no dose"),
    (2.0, 250.0, Step.DECREASE, 1.0, "> 200 for 2 weeks at 2 ug/kg: reduce to 1 ug/kg"),
]


@pytest.mark.parametrize(("current", "platelets", "action", "next_dose", "why"), LOWEST_DOSES)
def test_hold_and_reduction_near_the_lowest_dose(
    current: float, platelets: float, action: Step, next_dose: float | None, why: str
) -> None:
    advice = romiplostim_titration(current, platelets, 2, 1)
    assert (advice.action, advice.next_dose) == (action, next_dose), why


def test_weeks_not_given_count_as_none_at_the_maximum_dose() -> None:
    """< 50 at 10 ug/kg with no week count given: not yet 4 weeks at the maximum, no change."""
    advice = romiplostim_titration(10.0, 40.0)
    assert (advice.action, advice.next_dose) == (Step.NO_CHANGE, 10.0)
