"""The patient page's header and chart markers (issue 21 item 8): death, the treatment given on
the page's day and the end of the assessed course are shown, and age stops at death. Hand-built
child: born 2017-01-01, HSCT 2024-12-09, defibrotide every 6 h from 2025-01-01 for 14 days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.api.test_patient_journey import assessment, course_timeline, screening
from tests.unit.analytics.test_exposure import AS_OF, administrations, at, d, med, timeline
from thrombo.domain.timeline import PatientTimeline
from thrombo.web.course import header, markers


def died(course: PatientTimeline, day: date) -> PatientTimeline:
    return PatientTimeline.build(replace(course.patient, death_date=day), course.observations,
                                 course.medications, course.events)


def finished() -> PatientTimeline:
    """14 days of doses and one eculizumab infusion of two hours on day 9."""
    return timeline([*administrations(14), med(900, at(d(9), 10), at(d(9), 12), 600.0,
                                               drug="eculizumab")])


def test_a_finished_course_and_no_treatment_today() -> None:
    """Last dose 2025-01-14 18:00 (day 13): on 2025-03-01 nothing is given, the course ended."""
    shown = header(finished(), AS_OF, assessment())
    assert shown.died is None
    assert shown.treatments_now == ()
    assert shown.course == "defibrotide from 2025-01-01, ended 2025-01-14"
    assert shown.age_years == 8.2  # 2017-01-01 to 2025-03-01: 8 years and 59 days


def test_age_stops_at_death() -> None:
    """Died 2025-01-20, 8 years and 19 days old (8.05 -> 8.1); the page is for 2025-03-01."""
    shown = header(died(finished(), date(2025, 1, 20)), AS_OF, assessment())
    assert shown.died == date(2025, 1, 20)
    assert shown.age_years == 8.1


def test_on_day_9_both_drugs_are_given() -> None:
    assert header(finished(), d(9), assessment()).treatments_now == ("defibrotide", "eculizumab")


def test_an_open_order_is_ongoing_and_given_today() -> None:
    """A drug's only row without an end is an open order (as analytics.exposure reads it)."""
    rows = [*administrations(3), med(99, at(d(3)), None, drug="eltrombopag")]
    shown = header(timeline(rows), d(10), assessment())
    assert shown.treatments_now == ("eltrombopag",)
    assert shown.course == "defibrotide from 2025-01-01, ended 2025-01-03"


def test_markers_for_day_zero_diagnosis_and_the_course() -> None:
    found = {m.code: m.title for m in markers(course_timeline(), screening(), assessment())}
    assert found == {"0": "HSCT day 0 2024-12-09", "D": "TA-TMA diagnosed 2024-12-31",
                     "S": "defibrotide started 2025-01-01", "X": "defibrotide stopped 2025-01-14"}
