"""Every IWG response threshold and window at its value, just below and just above.

Each row: the inputs (days from DAY0 = 2026-01-01; platelets x10^9/L), the expected answer, and
the source of the number. A `>=` written as `>` (or a 7 written as 14) fails a row here.

Sources: IWG 2009 Table 2 (Rodeghiero et al. Blood 2009;113:2386; clinical-reference.md C2, I10
[S]): CR >= 100, R >= 30 and >= 2 x baseline, CR/R confirmed on 2 occasions >= 7 days apart,
NR/loss on 2 occasions >= 1 day apart. Project choices ([Design], named in the code and in the
output's `rules.options`): baseline = latest count up to 7 days before the start; counts within
7 days of a platelet transfusion or rescue agent excluded (C2 edge cases); records <= 7 days
apart are one course; corticosteroids for >= 60 days (IWG ">= 2 months") with courses <= 35 days
apart are dependence; dexamethasone pulses of <= 5 days starting 21-35 days apart are one
monthly-pulse regimen; per-drug assessment windows (thrombo.rules.itp.drugs).
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.response.itp import TreatmentResponse
from thrombo.response.itp_courses import treatment_courses
from thrombo.response.itp_patient import assess_itp
from thrombo.rules.itp.drugs import ASSESSMENT_WINDOW_DAYS, SPLENECTOMY


def only(obs: str, meds: str = "0 rituximab", as_of: int = 100,
         splenectomy: int | None = None) -> TreatmentResponse:
    (treatment,) = assess_itp(timeline(obs, meds, splenectomy=splenectomy),
                              day(as_of)).treatments
    return treatment


# --- thresholds (IWG 2009 Table 2) -----------------------------------------------------------

@pytest.mark.parametrize(("count", "expected"), [
    (99, "R"),     # below CR, still >= 30 and >= 2 x 15
    (100, "CR"),   # exactly 100 is CR (>= 100)
    (101, "CR"),
])
def test_complete_response_threshold_100(count: float, expected: str) -> None:
    """Baseline 15, rituximab day 0, the same count on days 2 and 9 (7 days apart)."""
    assert only(platelets((0, 15), (2, count), (9, count))).response == expected


@pytest.mark.parametrize(("count", "expected"), [
    (29, "NR"),    # below 30 although >= 2 x 10
    (30, "R"),     # exactly 30 is R (>= 30)
    (31, "R"),
])
def test_response_threshold_30(count: float, expected: str) -> None:
    """Baseline 10 (2 x 10 = 20), counts on days 2 and 9, judged on day 100 (window closed)."""
    assert only(platelets((0, 10), (2, count), (9, count))).response == expected


@pytest.mark.parametrize(("count", "expected"), [
    (39, "NR"),    # >= 30 but less than 2 x 20
    (40, "R"),     # exactly twice the baseline is R (>= 2-fold)
    (41, "R"),
])
def test_response_needs_twice_the_baseline(count: float, expected: str) -> None:
    assert only(platelets((0, 20), (2, count), (9, count))).response == expected


@pytest.mark.parametrize(("baseline_day", "expected"), [
    (-6, "R"),
    (-7, "R"),               # 7 days before the start: still the baseline
    (-8, "not-evaluable"),   # 8 days before: no baseline, so R (2-fold) cannot be judged
])
def test_baseline_look_back_seven_days(baseline_day: int, expected: str) -> None:
    """Count 10 before rituximab (day 0), then 35 on days 5 and 12: R only against baseline 10."""
    obs = platelets((baseline_day, 10), (5, 35), (12, 35))
    assert only(obs).response == expected


# --- confirmation rules (IWG 2009 Table 2 footnote, I10: ">= 7 days", not "> 7") -------------

@pytest.mark.parametrize(("second", "expected"), [
    (8, "not-evaluable"),   # 6 days apart: not confirmed
    (9, "CR"),              # 7 days apart: confirmed
    (10, "CR"),
])
def test_cr_confirmed_seven_days_apart(second: int, expected: str) -> None:
    assert only(platelets((0, 15), (2, 120), (second, 130))).response == expected


def test_nr_needs_two_occasions_at_least_one_day_apart() -> None:
    """IVIG (7-day window) day 0; counts 12 and 14 on the same day vs on days 3 and 4."""
    same_day = only("0 platelets 10\n3 platelets 12 hour=8\n3 platelets 14 hour=18", "0 ivig")
    next_day = only(platelets((0, 10), (3, 12), (4, 14)), "0 ivig")
    assert (same_day.response, next_day.response) == ("not-evaluable", "NR")


# --- evaluable counts (C2 edge cases [Design]) ------------------------------------------------

@pytest.mark.parametrize(("cause", "meds"), [
    ("3 platelet_transfusion", "0 rituximab"),
    ("", "0 rituximab\n3 methylprednisolone intent=rescue"),
])
def test_counts_excluded_for_seven_days_after_transfusion_or_rescue(cause: str, meds: str) -> None:
    """Cause on day 3 (09:00 / 08:00): counts on days 9 and 10 (7 days on) excluded, day 11
    (8 days on) kept."""
    result = assess_itp(timeline(platelets((0, 10), (9, 50), (10, 50), (11, 50)), meds, cause),
                        day(100))
    assert [e.day for e in result.excluded_counts] == [day(9), day(10)]


# --- courses ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("second_start", "courses"), [
    (11, 1),   # 7 days after the first record's last day (day 4): same course
    (12, 2),   # 8 days after: a new course
])
def test_records_seven_days_apart_are_one_course(second_start: int, courses: int) -> None:
    tl = timeline("", f"0 prednisone end=4\n{second_start} prednisone end={second_start + 2}")
    assert len(treatment_courses(tl)) == courses


@pytest.mark.parametrize(("end", "dependent"), [
    (59, False),   # 59 days of corticosteroid: not yet 2 months
    (60, True),    # 60 days (IWG ">= 2 months", read as 60 days [Design])
])
def test_steroid_dependence_from_sixty_days(end: int, dependent: bool) -> None:
    result = assess_itp(timeline(platelets((0, 10), (5, 40)), f"0 prednisone end={end}"),
                        day(100))
    assert result.steroid_dependent is dependent


@pytest.mark.parametrize(("second", "dependent"), [
    (41, True),    # 35 days after the first course ended (day 6): repeated
    (42, False),   # 36 days after: a new chain, too short
])
def test_repeated_steroids_at_most_35_days_apart(second: int, dependent: bool) -> None:
    meds = f"0 prednisone end=6\n{second} prednisone end={second + 25}"
    assert assess_itp(timeline(platelets((0, 10)), meds), day(100)).steroid_dependent is dependent


@pytest.mark.parametrize(("second", "regimen"), [
    (20, None),                # 20 days apart: not monthly
    (21, "monthly-pulses"),
    (35, "monthly-pulses"),
    (36, None),
])
def test_monthly_pulses_start_21_to_35_days_apart(second: int, regimen: str | None) -> None:
    courses = treatment_courses(timeline("", f"0 dexamethasone end=3\n{second} dexamethasone "
                                             f"end={second + 3}"))
    assert courses[0].regimen == regimen


@pytest.mark.parametrize(("last_day", "regimen"), [
    (4, "monthly-pulses"),   # a 5-day pulse
    (5, None),               # a 6-day course is not a pulse
])
def test_a_pulse_lasts_at_most_five_days(last_day: int, regimen: str | None) -> None:
    meds = f"0 dexamethasone end={last_day}\n28 dexamethasone end={28 + last_day}"
    assert treatment_courses(timeline("", meds))[0].regimen == regimen


# --- assessment windows per drug ([Design], thrombo.rules.itp.drugs) --------------------------

def _course(drug: str, obs: str, as_of: int) -> TreatmentResponse:
    if drug == SPLENECTOMY:
        return only(obs, "", as_of, splenectomy=0)
    return only(obs, f"0 {drug}", as_of)


@pytest.mark.parametrize("drug", sorted(ASSESSMENT_WINDOW_DAYS))
@pytest.mark.parametrize(("offset", "expected"), [(0, "CR"), (1, "not-evaluable")])
def test_a_response_must_begin_within_the_drugs_window(drug: str, offset: int,
                                                      expected: str) -> None:
    """Baseline 10; counts 10 until the window's last day, then 150 from day W + offset, confirmed
    7 days later. Beginning on day W it is the drug's CR; on day W + 1 it is a late rise, not
    attributed (IWG 2009: late responses are not CR/R)."""
    w = ASSESSMENT_WINDOW_DAYS[drug]
    rise = w + offset
    obs = platelets((0, 10), (rise, 150), (rise + 7, 150))
    assert _course(drug, obs, rise + 20).response == expected


@pytest.mark.parametrize("drug", sorted(ASSESSMENT_WINDOW_DAYS))
def test_no_failure_before_the_drugs_window_closes(drug: str) -> None:
    """Counts stay 10-12 from day 1 (confirmed NR on day 2). The day before the window closes the
    drug is not yet judged; on the closing day it has failed (NR), dated that day."""
    w = ASSESSMENT_WINDOW_DAYS[drug]
    obs = platelets((0, 10), (1, 11), (2, 12))
    before, on = _course(drug, obs, w - 1), _course(drug, obs, w)
    assert (before.response, before.failure) == ("not-evaluable", None)
    assert (on.response, on.failure, on.failure_date) == ("NR", "no-response", day(w))


# --- several counts on one day ---------------------------------------------------------------

def test_cr_confirmed_on_the_morning_the_response_is_lost() -> None:
    """IWG 2009 Table 2: CR is >= 100 on 2 occasions >= 7 days apart; loss is < 30 on 2
    occasions >= 1 day apart. Baseline 15; 150 on day 1 and on day 8 at 08:00 confirm CR (7 days
    apart); 10 on day 8 at 20:00 and on day 9 are the loss, dated day 8. The morning count comes
    before the loss began, so the course reached CR (then lost it), not only R."""
    obs = (f"{platelets((0, 15), (1, 150), (4, 150), (8, 150))}\n"
           "8 platelets 10 hour=20\n9 platelets 10")
    found = only(obs)
    assert (found.response, found.complete_response_date) == ("CR", day(1))
    assert (found.lost_response_date, found.lost_complete_response_date) == (day(8), day(8))


def test_a_course_started_on_the_as_of_day_is_listed_not_yet_evaluable() -> None:
    """The assessment uses what is known by the end of the as-of day: rituximab started that
    day is a course (not evaluable: no count after its start), not left out."""
    (treatment,) = assess_itp(timeline(platelets((0, 15)), "10 rituximab"), day(10)).treatments
    assert (treatment.course.start, treatment.response) == (day(10), "not-evaluable")
