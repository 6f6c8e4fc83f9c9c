"""Romiplostim (thrombo/dosing/romiplostim.py): every constant at, below and above its value.

Sources: Nplate US label start 1 ug/kg weekly, max 10 ug/kg, titration thresholds (clinical-
reference.md D2 [S-2nd]); 500 ug/mL and 0.01 mL syringes (I6 [S]); doses below 23 ug diluted
with 0.9% sodium chloride to 125 ug/mL (I6 [S-2nd]); [Design] a warning when the syringe
delivers more than 10% away from the dose, refusal when no volume can be drawn. Issue 17
finding 8; issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.dosing.romiplostim import (
    Preparation,
    _delivery_warning,
    romiplostim,
    romiplostim_titration,
    vial_for,
)
from thrombo.dosing.titration import TitrationStep as Step


@pytest.mark.parametrize(("weight", "concentration", "ml", "delivered"), [
    (22.9, 125.0, 0.18, 22.5),      # 22.9 ug < 23: diluted; 22.9 / 125 = 0.1832 mL
    (23.0, 500.0, 0.05, 25.0),      # 23 ug: not below 23, 500 ug/mL; 0.046 -> 0.05 mL
    (23.1, 500.0, 0.05, 25.0),
])
def test_dilution_below_23_ug(weight: float, concentration: float, ml: float,
                              delivered: float) -> None:
    practical = romiplostim(DoseInputs(weight_kg=weight)).practical
    assert practical["concentration_mcg_per_ml"] == concentration
    assert (practical["injection_volume_ml"], practical["delivered_mcg"]) == (ml, delivered)


def test_the_finding_3_ug_is_diluted_and_the_remaining_error_is_warned() -> None:
    """3 kg: 3 ug. At 500 ug/mL 0.01 mL would give 5 ug (+67%); diluted to 125 ug/mL 0.024 mL
    -> 0.02 mL = 2.5 ug (-17%, more than 10%) -> the dilution and a pharmacy warning."""
    plan = romiplostim(DoseInputs(weight_kg=3))
    assert plan.practical["delivered_mcg"] == 2.5
    assert any("1 volume with 3 volumes of 0.9% sodium chloride" in c for c in plan.calculation)
    assert any("delivers 2.5 ug where 3 ug is due (-17%" in w for w in plan.warnings)


@pytest.mark.parametrize(("delivered", "warned"), [
    (8.99, True), (9.0, False), (9.01, False),      # -10.1%, -10% exactly, -9.9%
    (10.99, False), (11.0, False), (11.01, True),   # +9.9%, +10% exactly, +10.1%
])
def test_delivery_tolerance_10_percent(delivered: float, warned: bool) -> None:
    """[Design] a 10 ug dose: warned only beyond 10%."""
    assert bool(_delivery_warning(Preparation(10.0, 125.0, delivered / 125, delivered))) is warned


@pytest.mark.parametrize(("weight", "refused"), [(0.64, True), (0.65, False), (0.66, False)])
def test_a_dose_no_syringe_can_measure_is_refused(weight: float, refused: bool) -> None:
    """0.64 kg: 0.6 ug / 125 = 0.0048 mL -> 0.00 mL: refused (I6 [Design]); 0.65 kg: 0.7 ug
    (0.65 rounds half up) / 125 = 0.0056 -> 0.01 mL."""
    if refused:
        with pytest.raises(DoseRefusedError, match="smallest measurable volume"):
            romiplostim(DoseInputs(weight_kg=weight))
    else:
        assert romiplostim(DoseInputs(weight_kg=weight)).practical["injection_volume_ml"] == 0.01


@pytest.mark.parametrize(("current", "platelets", "weeks_above", "weeks", "action", "next_dose"), [
    (3, 49.9, 0, 0, Step.INCREASE, 4),       # < 50: +1 ug/kg
    (3, 50.0, 0, 0, Step.NO_CHANGE, 3),
    (3, 50.1, 0, 0, Step.NO_CHANGE, 3),
    (3, 200.0, 2, 0, Step.NO_CHANGE, 3),     # > 200 needed to reduce
    (3, 200.1, 2, 0, Step.DECREASE, 2),      # > 200 for 2 consecutive weeks: -1
    (3, 250, 1, 0, Step.NO_CHANGE, 3),       # only 1 week above 200
    (3, 400.0, 2, 0, Step.DECREASE, 2),
    (3, 400.1, 0, 0, Step.HOLD, 2),          # > 400: hold, resume 1 ug/kg lower
    (9, 40, 0, 0, Step.INCREASE, 10),        # up to the 10 ug/kg maximum
    (10, 40, 0, 3.99, Step.NO_CHANGE, 10),   # at 10 ug/kg, < 4 weeks
    (10, 40, 0, 4.0, Step.DISCONTINUE, None),  # no response after 4 weeks at 10 ug/kg
])
def test_label_titration(current: float, platelets: float, weeks_above: int, weeks: float,
                         action: Step, next_dose: float | None) -> None:
    advice = romiplostim_titration(current, platelets, weeks_above, weeks)
    assert (advice.action, advice.next_dose) == (action, next_dose)


@pytest.mark.parametrize(("dose_mcg", "vial"), [
    (125.0, 125.0), (125.1, 250.0), (250.0, 250.0), (250.1, 500.0), (500.0, 500.0),
    (500.1, None),              # more than one vial
])
def test_smallest_vial_holding_the_dose(dose_mcg: float, vial: float | None) -> None:
    """Vials 125, 250, 500 ug (D2 [S-2nd])."""
    assert vial_for(dose_mcg) == vial


def test_start_1_ug_per_kg_weekly() -> None:
    plan = romiplostim(DoseInputs(weight_kg=40))
    assert (plan.dose.value, plan.interval_hours, plan.practical["vial_mcg"]) == (40.0, 168, 125)


def test_a_hold_resumes_below_200() -> None:
    """US label: > 400 -> hold, check weekly, resume 1 ug/kg lower when < 200."""
    assert "resume 1 ug/kg lower when < 200" in romiplostim_titration(3, 450, 0, 0).reason
