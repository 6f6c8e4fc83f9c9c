"""The dosing weight check: every bound at its value, just below and just above.

Sources: CDC 2000 weight-for-age LMS tables (thrombo/physiology/data/SOURCES.md); the CDC SAS
program's implausible-value cut-offs, modified z < -5 or > +8 with the bounds themselves not
flagged (clinical-reference.md I8 [S]); the [Design] bounds of thrombo/dosing/weight_checks.py
(LMS z beyond +-4, 10% from the recorded weight, 90 days); the importer's weight range
0.3-250 kg (thrombo/normalize/analytes.py). Issue 17 finding 6 and 20; issue 25.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.registry import recommend
from thrombo.dosing.weight_checks import WeightNotConfirmedError, check_weight
from thrombo.errors import ImplausibleValueError
from thrombo.physiology.growth import lms_value_at_z, weight_lms_at


def _at_z(z: float, months: float, sex: str) -> float:
    return lms_value_at_z(z, weight_lms_at(months, sex))


def _at_modified_z(modified_z: float, months: float, sex: str) -> float:
    lms = weight_lms_at(months, sex)
    side = 2.0 if modified_z >= 0 else -2.0
    return lms.m + modified_z * abs(lms_value_at_z(side, lms) - lms.m) / 2


def test_the_finding_184_kg_for_18_4_kg_is_not_dosed_without_confirmation() -> None:
    """Defibrotide for a 5-year-old: 184 kg (typed for 18.4) is z +5.3 (girls) / +7.0 (boys)
    -> refused with the reason; confirmed -> 6.25 x 184 = 1150 mg, the query as first warning."""
    with pytest.raises(WeightNotConfirmedError, match=r"far above .*\(z \+5\.3"):
        recommend("defibrotide", DoseInputs(weight_kg=184, age_years=5))
    plan = recommend("defibrotide", DoseInputs(weight_kg=184, age_years=5, confirm_weight=True))
    assert plan.dose.value == 1150.0
    assert plan.warnings[0].startswith("WEIGHT CONFIRMED BY THE USER")
    assert recommend("defibrotide", DoseInputs(weight_kg=18.4, age_years=5)).dose.value == 115.0


@pytest.mark.parametrize(("z", "questioned"), [
    (3.99, False), (4.0, False), (4.01, True),       # [Design] beyond +4 SD
    (-3.99, False), (-4.0, False), (-4.01, True),    # [Design] beyond -4 SD
])
def test_lms_z_bound_plus_minus_4_boy_aged_5(z: float, questioned: bool) -> None:
    """Boy, 60 months: weight at the given LMS z (z +4 = 38.1 kg, z -4 = 12.1 kg)."""
    weight = _at_z(z, 60, "M")
    assert bool(check_weight(weight, age_years=5, sex="M").questions) is questioned


@pytest.mark.parametrize(("modified_z", "questioned"), [
    (7.99, False), (8.0, False), (8.01, True),       # I8 [S]: > +8 flagged, +8 itself not
])
def test_cdc_modified_z_upper_bound_girl_aged_16(modified_z: float, questioned: bool) -> None:
    """Girl, 192 months: modified z +8 is 190.4 kg, where her LMS z is only +3.2 (the LMS z of
    weight levels off in adolescents, so the CDC modified z decides)."""
    weight = _at_modified_z(modified_z, 192, "F")
    assert bool(check_weight(weight, age_years=16, sex="F").questions) is questioned


@pytest.mark.parametrize(("modified_z", "questioned"), [
    (-4.99, False), (-5.0, False), (-5.01, True),    # I8 [S]: < -5 flagged, -5 itself not
])
def test_cdc_modified_z_lower_bound_newborn_boy(modified_z: float, questioned: bool) -> None:
    """Boy at birth: modified z -5 is 0.37 kg, LMS z -3.6 (so the CDC bound decides)."""
    weight = _at_modified_z(modified_z, 0, "M")
    assert bool(check_weight(weight, age_years=0, sex="M").questions) is questioned


def test_without_sex_a_weight_is_questioned_only_if_implausible_for_both() -> None:
    """38.2 kg at 5 y: boys z +4.0x (questioned), girls z +3.2 (not) -> not questioned."""
    weight = _at_z(4.01, 60, "M")
    assert check_weight(weight, age_years=5, sex="M").questions
    assert not check_weight(weight, age_years=5).questions


@pytest.mark.parametrize(("weight", "questioned"), [
    (17.98, True), (18.0, False), (18.02, False),    # -10.1%, -10% exactly, -9.9%
    (21.98, False), (22.0, False), (22.02, True),    # +9.9%, +10% exactly, +10.1%
])
def test_recorded_weight_tolerance_10_percent(weight: float, questioned: bool) -> None:
    """[Design] more than 10% from the recorded 20 kg is questioned."""
    assert bool(check_weight(weight, recorded_weight_kg=20.0).questions) is questioned


@pytest.mark.parametrize(("days_old", "warned"), [(89, False), (90, False), (91, True)])
def test_weight_older_than_90_days_is_dosed_with_a_re_weigh_warning(days_old: int,
                                                                    warned: bool) -> None:
    """[Design] 90 days; dosing day 2026-06-01."""
    as_of = date(2026, 6, 1)
    plan = recommend("ivig", DoseInputs(weight_kg=20, weight_date=as_of - timedelta(days_old),
                                        as_of=as_of))  # fmt: skip
    assert any("re-weigh" in w for w in plan.warnings) is warned
    assert plan.inputs["weight_check"]["weight_age_days"] == days_old


@pytest.mark.parametrize(("weight", "accepted"), [
    (0.29, False), (0.3, True), (0.31, True),        # importer's lower bound, inclusive
    (249.99, True), (250.0, True), (250.01, False),  # importer's upper bound, inclusive
])
def test_dose_refuses_the_weights_import_refuses(weight: float, accepted: bool) -> None:
    """normalize.analytes: weight plausible 0.3-250 kg; the same range for `dose`."""
    if accepted:
        assert recommend("ivig", DoseInputs(weight_kg=weight)).dose.unit == "g"
    else:
        with pytest.raises(ImplausibleValueError, match="implausible"):
            recommend("ivig", DoseInputs(weight_kg=weight))


def test_a_weight_the_drug_does_not_use_is_not_checked() -> None:
    """Eltrombopag's label start is by age alone: a questioned weight does not block it."""
    plan = recommend("eltrombopag", DoseInputs(age_years=8, weight_kg=184))
    assert plan.dose.value == 50.0
