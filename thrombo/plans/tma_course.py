"""The patient's TA-TMA course as the record tells it on the check: the defibrotide course given
(first and last administration, still running or not), resolution, and death.

A plan reads the whole record as of its day, not only what runs at that moment:
- death (patients.csv `death_date` on or before as-of) ends every plan;
- a course ends at its last administration: a record's end, or, for records without an end, the
  next record of the drug (each is then one administration). The last record without an end is
  an open order, still running, unless the course is recorded as administrations and none was
  given in the last 24 h;
- resolution (thrombo.response.tma, the seed 000 definition) moves the plan to follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline, end_of_day
from thrombo.dosing.defibrotide import TA_TMA_MIN_DAYS, TA_TMA_REASSESS_DAYS
from thrombo.response.tma import TmaResponse, assess_tma

DEFIBROTIDE = "defibrotide"
# [Design] defibrotide is given every 6 h (label B1 [S]); a course recorded as administrations
# with none in the last 24 h (four missed doses) has stopped or is interrupted, not running.
ADMINISTRATION_GAP_HOURS = 24


class Phase(StrEnum):
    """Where the patient is in the TA-TMA course on the plan's day."""

    NOT_DIAGNOSED = "not-diagnosed"
    TREATMENT_PLANNED = "treatment-planned"
    IN_TREATMENT = "in-treatment"
    COURSE_COMPLETED = "course-completed"
    FOLLOW_UP = "follow-up"
    DECEASED = "deceased"


@dataclass(frozen=True, slots=True)
class Course:
    """The defibrotide course given on or after diagnosis (empty when none was given)."""

    records: tuple[Medication, ...]
    start: date | None
    last_dose: date | None
    """The day of the last administration (or the recorded end); None while an order runs."""
    running: bool
    ended_by_death: bool = False

    @property
    def given(self) -> bool:
        return bool(self.records)


def _stop(timeline: PatientTimeline, med: Medication) -> datetime:
    end = med.end if med.end is not None else med.start
    if med.end is not None and end.astimezone(timeline.tz).time() == time.min:
        # An end given as a date only: the last dose may be any time that day.
        return end_of_day(timeline.local_day(end), timeline.tz)
    return end


def _running(known: PatientTimeline, records: tuple[Medication, ...], check: datetime) -> bool:
    last = records[-1]
    if last.end is not None:
        return any(m.end is not None and _stop(known, m) > check for m in records)
    administrations = sum(1 for m in records if m.end is None) > 1
    if administrations:
        return check - last.start <= timedelta(hours=ADMINISTRATION_GAP_HOURS)
    return True


def defibrotide_course(
    known: PatientTimeline, diagnosis: date | None, check: datetime, death: date | None
) -> Course:
    """The course on or after diagnosis as of `check` (the check instant or the day's end)."""
    records = tuple(
        m
        for m in known.medications_of(DEFIBROTIDE)
        if m.start <= check and (diagnosis is None or known.local_day(m.start) >= diagnosis)
    )
    if not records:
        return Course((), None, None, False)
    start = known.local_day(records[0].start)
    running = _running(known, records, check)
    last = None if running else known.local_day(max(_stop(known, m) for m in records))
    if death is not None:
        last = death if last is None else min(last, death)
        return Course(records, start, last, False, ended_by_death=running or last == death)
    return Course(records, start, last, running)


def resolution(known: PatientTimeline, as_of: date) -> TmaResponse | None:
    """The response of the TA-TMA treated when it resolved (seed 000 definition): its date and
    the component results behind it; None when not resolved (or not treated)."""
    response = assess_tma(known, as_of)
    return None if response is None or response.response_date is None else response


def course_state(course: Course) -> str:
    if not course.given:
        return "planned"
    if course.ended_by_death:
        return "ended-by-death"
    return "running" if course.running else "completed"


def course_json(course: Course, as_of: date) -> dict[str, Any]:
    """Course dates: day 0 is the first dose on or after diagnosis, else as-of (planned)."""
    start = course.start or as_of
    first, last = (course.records[0], course.records[-1]) if course.given else (None, None)
    return {
        "state": course_state(course),
        "start": start.isoformat(),
        "start_basis": "first defibrotide dose recorded" if first else "planned: as-of date",
        "first_dose_record": None if first is None else first.id,
        "last_administration": None if course.last_dose is None else course.last_dose.isoformat(),
        "last_record": None if last is None else last.id,
        "day_of_course": (as_of - start).days if course.running else None,
        "days_given": None
        if course.last_dose is None or course.start is None
        else (course.last_dose - course.start).days + 1,
        "minimum_days": TA_TMA_MIN_DAYS,
        "earliest_stop": (start + timedelta(days=TA_TMA_MIN_DAYS)).isoformat(),
        "reassess": [
            {"day": n, "date": (start + timedelta(days=n)).isoformat()}
            for n in TA_TMA_REASSESS_DAYS
        ],
        "day_numbering": "day 0 = first dose",
    }


def phase_of(
    diagnosed: bool, course: Course, resolved: date | None, death: date | None
) -> Phase:
    if death is not None:
        return Phase.DECEASED
    if resolved is not None:
        return Phase.FOLLOW_UP
    if course.running:
        return Phase.IN_TREATMENT
    if course.given:
        return Phase.COURSE_COMPLETED
    return Phase.TREATMENT_PLANNED if diagnosed else Phase.NOT_DIAGNOSED
