"""The dosing weight check (thrombo/dosing/weight_checks.py): rounding, wording and dates.

Sources: the [Design] rules of thrombo/dosing/weight_checks.py: z-scores compared as shown, to 2
decimals, and the change from the recorded weight to 0.1% (so z 4.004 shows and counts as 4.00,
within +-4, and a change of 10.01% as 10.0%, within 10%); the weight is held against children of
the age it was measured at; a weight dated after the dosing day is refused, one taken on it is
not. CDC 2000 weight-for-age LMS tables (thrombo/physiology/data/SOURCES.md); hand-checked values
from those tables are in the comments. Issue 25 (a boundary test for each clinical number).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from thrombo.dosing.weight_checks import check_weight
from thrombo.errors import ImplausibleValueError
from thrombo.physiology.growth import lms_value_at_z, weight_lms_at

AS_OF = date(2026, 6, 1)


@pytest.mark.parametrize(("z", "questioned"), [
    (4.004, False), (4.006, True),      # shown as +4.00 (not beyond +4) and +4.01
    (-4.004, False), (-4.006, True),    # shown as -4.00 and -4.01
])
def test_lms_z_is_compared_to_2_decimals_boy_aged_5(z: float, questioned: bool) -> None:
    """Boy, 60 months: z +4.004 is 38.16 kg, z -4.004 is 12.11 kg."""
    weight = lms_value_at_z(z, weight_lms_at(60, "M"))
    assert bool(check_weight(weight, age_years=5, sex="M").questions) is questioned


@pytest.mark.parametrize(("weight", "change", "questioned"), [
    (17.998, -0.1, False), (17.978, -0.101, True),   # -10.01% shows as -10.0%; -10.11% as -10.1%
    (22.002, 0.1, False), (22.022, 0.101, True),     # +10.01% shows as +10.0%; +10.11% as +10.1%
])
def test_change_from_recorded_weight_is_compared_to_0_1_percent(weight: float, change: float,
                                                                questioned: bool) -> None:
    """Recorded 20 kg; [Design] questioned when more than 10% away, as shown to 0.1%."""
    check = check_weight(weight, recorded_weight_kg=20.0)
    assert (check.evidence["change"], bool(check.questions)) == (change, questioned)


@pytest.mark.parametrize(("sex", "who", "z"), [
    ("M", "for boys aged 5.0 y (z +7.0", "boy: z +7.0"),
    ("F", "for girls aged 5.0 y (z +5.3", "girl: z +5.3"),
    (None, "for boys and girls (sex not given) aged 5.0 y (z +5.3", "the closer of the two"),
])
def test_the_question_names_whom_the_weight_was_held_against(sex: str | None, who: str,
                                                             z: str) -> None:
    """184 kg typed for 18.4 kg at 5 years: far above the chart for either sex."""
    (question,) = check_weight(184, age_years=5, sex=sex).questions
    assert f"weight 184 kg is far above the CDC 2000 weight-for-age chart {who}" in question, z


@pytest.mark.parametrize(("days_before", "refused"), [(-1, True), (0, False), (1, False)])
def test_a_weight_dated_after_the_dosing_day_is_refused(days_before: int, refused: bool) -> None:
    weighed = AS_OF - timedelta(days=days_before)
    if refused:
        with pytest.raises(ImplausibleValueError, match="is after the dosing date"):
            check_weight(20, weight_date=weighed, as_of=AS_OF)
    else:
        check = check_weight(20, weight_date=weighed, as_of=AS_OF)
        assert (check.notes, check.evidence["weight_age_days"]) == ((), days_before)


def test_an_infant_weight_is_held_against_infants_of_its_age() -> None:
    """Boy aged 0.1 y (5 weeks) weighed yesterday at 3.3 kg: z -1.94 at 0.097 y, not questioned
    (against a 1-year-old the same weight would be z -11.4)."""
    check = check_weight(3.3, age_years=0.1, sex="M", weight_date=AS_OF - timedelta(days=1),
                         as_of=AS_OF)
    assert not check.questions
    assert check.evidence["weight_for_age"]["M"]["z"] == -1.94


def test_an_age_at_weighing_before_0_reads_as_birth() -> None:
    """A newborn boy whose age is given as 0.0 y, with a weight dated 60 days before the dosing
    day (the age was rounded down): held against the chart at birth, where 0.35 kg is below the
    CDC modified z -5 (0.37 kg), and the question says 'aged 0.0 y', not a negative age."""
    check = check_weight(0.35, age_years=0.0, sex="M", weight_date=AS_OF - timedelta(days=60),
                         as_of=AS_OF)
    (question,) = check.questions
    assert "far below the CDC 2000 weight-for-age chart for boys aged 0.0 y" in question
