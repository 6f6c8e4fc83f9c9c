"""Eltrombopag (thrombo/dosing/eltrombopag.py): every constant at, below and above its value.

Sources: PROMACTA US label starting doses and Table 1 titration (clinical-reference.md D1 [S],
[S-2nd]); PETIT2, Grainger 2015 (D1, the weight-based figures "from memory, unverified" in the
module); oral suspension packets 12.5 and 25 mg (I7 [S]); [Design] 10% tablet tolerance and
the 20 mL per packet (unverified, warned). Issue 17 finding 9; issue 25.
"""

from __future__ import annotations

from datetime import date

import pytest

from thrombo.dosing.eltrombopag import eltrombopag, eltrombopag_titration
from thrombo.dosing.inputs import Ancestry, DoseInputs, age_from_birth_date
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.dosing.titration import TitrationStep as Step
from thrombo.physiology.plausibility import OutsideValidRangeError

ASIAN = Ancestry.EAST_ASIAN


@pytest.mark.parametrize(("age", "mg"), [
    (0.99, None),                   # label: no ITP dose under 1 year
    (1.0, 25.0), (1.01, 25.0),      # 1-5 y: 25 mg
    (5.99, 25.0),                   # a 5-year-old: 25 mg
    (6.0, 50.0), (6.01, 50.0),      # "6 years and older": 50 mg
])
def test_label_start_by_age(age: float, mg: float | None) -> None:
    if mg is None:
        with pytest.raises(DoseRefusedError, match="under 1 year"):
            eltrombopag(DoseInputs(age_years=age))
    else:
        assert eltrombopag(DoseInputs(age_years=age)).dose.value == mg


@pytest.mark.parametrize(("on", "mg"), [
    (date(2026, 2, 28), 25.0),      # the day before the 6th birthday (5.996 y)
    (date(2026, 3, 1), 50.0),       # the 6th birthday (2191 days / 365.25 = 5.9986, yet 6 y)
    (date(2026, 3, 2), 50.0),       # the day after
])
def test_the_6th_birthday_born_2020_03_01(on: date, mg: float) -> None:
    age = age_from_birth_date(date(2020, 3, 1), on)
    assert eltrombopag(DoseInputs(age_years=age)).dose.value == mg


@pytest.mark.parametrize(("age", "asian", "hepatic", "mg"), [
    (8, True, False, 25.0),         # >= 6 y East-/Southeast-Asian ancestry
    (8, False, True, 25.0),         # any hepatic impairment
    (8, True, True, 12.5),          # both: "consider 12.5 mg"
    (4, True, False, 25.0),         # 1-5 y: 25 mg whatever the ancestry
])
def test_label_reduced_starts(age: float, asian: bool, hepatic: bool, mg: float) -> None:
    inputs = DoseInputs(age_years=age, ancestry=ASIAN if asian else Ancestry.OTHER,
                        hepatic_impairment=hepatic)  # fmt: skip
    assert eltrombopag(inputs).dose.value == mg


@pytest.mark.parametrize(("age", "allowed"), [(5.99, True), (6.0, False), (6.01, False)])
def test_petit2_profile_covers_ages_1_to_5(age: float, allowed: bool) -> None:
    inputs = DoseInputs(age_years=age, weight_kg=15, regimen="petit2")
    if allowed:
        assert eltrombopag(inputs).dose.value == 18.0
    else:
        with pytest.raises(OutsideValidRangeError, match="1-5 y"):
            eltrombopag(inputs)


@pytest.mark.parametrize(("weight", "mg", "capped"), [
    (62.4, 74.9, False),            # 1.2 x 62.4 = 74.88
    (62.5, 75.0, False),            # 1.2 x 62.5 = 75.0: at the cap, not capped
    (62.6, 75.0, True),             # 75.12 -> capped at 75 mg/day
])
def test_petit2_cap_75_mg(weight: float, mg: float, capped: bool) -> None:
    plan = eltrombopag(DoseInputs(age_years=5, weight_kg=weight, regimen="petit2"))
    assert (plan.dose.value, plan.capped) == (mg, capped)


@pytest.mark.parametrize(("weight", "mg", "form", "tablet_mg"), [
    (6.625, 5.3, "oral suspension", None),  # 0.8 x 6.625 = 5.3 mg: below the smallest tablet
    (15.5, 12.4, "oral suspension", None),  # 0.8 x 15.5 = 12.4 < 12.5 mg: suspension
    (15.625, 12.5, "tablets", 12.5),        # = one 12.5 mg tablet
    (17.25, 13.8, "tablets", 12.5),         # 12.5 is -9.4%: within 10%
    (17.375, 13.9, "oral suspension", None),  # 12.5 is -10.1%: suspension
    (28.5, 22.8, "tablets", 25.0),          # 25 is +9.6%
    (28.375, 22.7, "oral suspension", None),  # 25 is +10.1%
])
def test_tablets_only_within_10_percent_else_suspension(weight: float, mg: float, form: str,
                                                        tablet_mg: float | None) -> None:
    """East-Asian PETIT2 start, 0.8 mg/kg, age 3."""
    plan = eltrombopag(DoseInputs(age_years=3, weight_kg=weight, ancestry=ASIAN,
                                  regimen="petit2"))  # fmt: skip
    assert plan.dose.value == mg
    assert plan.practical["form"] == form
    assert plan.practical.get("tablet_dose_mg") == tablet_mg


@pytest.mark.parametrize(("weight", "mg", "packet", "ml"), [
    (5.3, 6.4, 12.5, 10.2),         # the finding: 6.4 mg, not 12.5 mg; 6.4 / 0.625 = 10.24 mL
    (10.4, 12.5, 12.5, 20.0),       # 1.2 x 10.4 = 12.48 -> 12.5 mg: the whole 12.5 mg packet
    (10.5, 12.6, 25.0, 10.1),       # 12.6 mg: a 25 mg packet, 12.6 / 1.25 = 10.08 mL
    (15.0, 18.0, 25.0, 14.4),       # 18 / 1.25 = 14.4 mL
])
def test_petit2_oral_suspension_dose_in_mg_and_ml(weight: float, mg: float, packet: float,
                                                  ml: float) -> None:
    """PETIT2 1.2 mg/kg; packets 12.5/25 mg (I7), each in 20 mL water (unverified, warned)."""
    plan = eltrombopag(DoseInputs(age_years=2, weight_kg=weight, regimen="petit2"))
    suspension = plan.practical["suspension"]
    assert (plan.dose.value, suspension["packet_mg"], suspension["dose_ml"]) == (mg, packet, ml)
    assert any("Instructions for Use" in w for w in plan.warnings)


@pytest.mark.parametrize(("current", "platelets", "weeks", "action", "next_mg"), [
    (50, 49.9, 2, Step.INCREASE, 75),       # < 50 after >= 2 weeks: +25 mg
    (50, 50.0, 2, Step.NO_CHANGE, 50),      # >= 50: target range
    (50, 50.1, 2, Step.NO_CHANGE, 50),
    (50, 40, 1.99, Step.NO_CHANGE, 50),     # not yet 2 weeks
    (50, 40, 2.0, Step.INCREASE, 75),
    (50, 199.9, 0, Step.NO_CHANGE, 50),     # < 200
    (50, 200.0, 0, Step.DECREASE, 25),      # >= 200 to <= 400: -25 mg
    (50, 400.0, 0, Step.DECREASE, 25),
    (50, 400.1, 0, Step.HOLD, 25),          # > 400: stop, restart 25 mg lower
    (75, 40, 3.99, Step.NO_CHANGE, 75),     # at 75 mg, < 4 weeks
    (75, 40, 4.0, Step.DISCONTINUE, None),  # < 50 after 4 weeks at 75 mg
    (12.5, 400.1, 1.99, Step.HOLD, None),   # > 400 on the lowest dose, < 2 weeks
    (12.5, 400.1, 2.0, Step.DISCONTINUE, None),  # > 400 after 2 weeks at the lowest dose
])
def test_label_table_1_titration(current: float, platelets: float, weeks: float,
                                 action: Step, next_mg: float | None) -> None:
    advice = eltrombopag_titration(current, platelets, weeks)
    assert (advice.action, advice.next_dose) == (action, next_mg)


@pytest.mark.parametrize(("on", "age", "mg"), [
    (date(2026, 2, 28), 5.99, 25.0),    # was rounded to 6.00 (50 mg) the day before
    (date(2026, 3, 1), 6.0, 50.0),
])
def test_the_plans_read_the_same_age_as_dose(on: date, age: float, mg: float) -> None:
    """The ITP ladder's age (thrombo.plans.facts) for a child born 2020-03-01: cut, not rounded,
    to 2 decimals, so its eltrombopag start agrees with `thrombo dose --birth-date`."""
    from types import SimpleNamespace

    from thrombo.plans.facts import age_years

    record = SimpleNamespace(patient=SimpleNamespace(birth_date=date(2020, 3, 1)))
    assert age_years(record, on) == age  # type: ignore[arg-type]
    assert eltrombopag(DoseInputs(age_years=age)).dose.value == mg


def test_a_hold_restarts_below_150() -> None:
    """Label Table 1: > 400 -> stop, check twice weekly, restart 25 mg lower when < 150."""
    advice = eltrombopag_titration(50, 450, 0)
    assert "restart 25 mg lower when < 150" in advice.reason
