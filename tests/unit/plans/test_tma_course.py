"""The defibrotide course read from medication records (thrombo.plans.tma_course)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tests.unit.itp.timeline_tables import at
from tests.unit.plans.tables import day, patient_timeline
from thrombo.domain.timeline import PatientTimeline
from thrombo.plans.tma_course import Phase, course_json, defibrotide_course, phase_of


def record(meds: str) -> PatientTimeline:
    return patient_timeline("", meds, hsct=0)


def test_no_record_is_a_planned_course_from_as_of() -> None:
    course = defibrotide_course(record(""), None, at(44, 20), None)
    assert not course.given and not course.running
    doc = course_json(course, day(44))
    assert (doc["state"], doc["start"], doc["day_of_course"]) == ("planned", "2026-02-14", None)


def test_an_end_after_the_check_is_a_course_still_running() -> None:
    course = defibrotide_course(record("43 defibrotide end=60"), None, at(50, 8), None)
    assert course.running and course.last_dose is None
    assert course_json(course, day(50))["day_of_course"] == 7


def test_a_date_only_end_is_the_end_of_that_day() -> None:
    """End recorded as '2026-03-02' (midnight): the last administration is that day, and the
    course still runs at 08:00 that day."""
    base = record("43 defibrotide")
    (med,) = base.medications
    ended = replace(med, end=datetime(2026, 3, 2, tzinfo=UTC))
    timeline = PatientTimeline.build(base.patient, (), [ended])
    assert defibrotide_course(timeline, None, at(60, 8), None).running is True
    done = defibrotide_course(timeline, None, at(61, 8), None)
    assert (done.running, done.last_dose) == (False, day(60))


def test_records_before_the_diagnosis_are_not_this_course() -> None:
    """Prophylactic defibrotide days -1 to +21 (Higham 2022 style), TA-TMA diagnosed day +42:
    the treatment course has not started."""
    course = defibrotide_course(record("-1 defibrotide end=21"), day(42), at(44, 8), None)
    assert not course.given


def test_death_ends_an_open_course_on_the_day_of_death() -> None:
    course = defibrotide_course(record("43 defibrotide"), None, at(400, 8), day(100))
    assert (course.running, course.ended_by_death, course.last_dose) == (False, True, day(100))
    assert course_json(course, day(400))["state"] == "ended-by-death"


def test_phase_order_death_then_resolution_then_course() -> None:
    running = defibrotide_course(record("43 defibrotide"), None, at(50, 8), None)
    assert phase_of(True, running, None, None) is Phase.IN_TREATMENT
    assert phase_of(True, running, day(49), None) is Phase.FOLLOW_UP
    assert phase_of(True, running, day(49), day(50)) is Phase.DECEASED
    none = defibrotide_course(record(""), None, at(50, 8), None)
    assert phase_of(False, none, None, None) is Phase.NOT_DIAGNOSED
    assert phase_of(True, none, None, None) is Phase.TREATMENT_PLANNED
