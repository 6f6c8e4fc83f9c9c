"""What the patient page says about the course as a whole: the header (death, treatment now,
course end, age) and the event markers drawn on every chart (HSCT day 0, engraftment, diagnosis,
the assessed treatment's start and stop). Read from the timeline and the assessment the page
already has; nothing is computed here that a clinical layer decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline, end_of_day, start_of_day
from thrombo.physiology.age import age_in_years
from thrombo.report.words import term
from thrombo.rules.screening_results import ScreeningResult
from thrombo.web.charts import Marker

MARKER_KEY = ("Marks above each chart: 0 HSCT day 0, N neutrophil and P platelet engraftment, "
              "D TA-TMA diagnosis, S start and X stop of the assessed treatment.")


@dataclass(frozen=True)
class CourseHeader:
    age_years: float
    """Age at death for a child who died, else today (a dead child does not grow older)."""
    died: date | None
    treatments_now: tuple[str, ...]
    """Drugs given on the page's day (a course open at its end counts as ongoing)."""
    course: str | None
    """The assessed treatment in words, e.g. "defibrotide from 2025-01-01 to 2025-01-21"."""


def _rows(timeline: PatientTimeline, drug: str) -> list[Medication]:
    return [m for m in timeline.medications if m.drug == drug]


def _lone_open(rows: list[Medication]) -> bool:
    """Rows read as analytics.exposure reads them: a drug's only row, without an end, is an
    open order (ongoing); any other row without an end is one administration at its start."""
    return len(rows) == 1 and rows[0].end is None


def _given_on(row: Medication, ongoing: bool, day: date, timeline: PatientTimeline) -> bool:
    if row.start > end_of_day(day, timeline.tz):
        return False
    if row.end is None:
        return ongoing or timeline.local_day(row.start) == day
    return row.end >= start_of_day(day, timeline.tz)


def treatments_on(timeline: PatientTimeline, day: date) -> tuple[str, ...]:
    drugs = sorted({m.drug for m in timeline.medications})
    return tuple(term(drug) for drug in drugs
                 if any(_given_on(m, _lone_open(rows), day, timeline)
                        for rows in [_rows(timeline, drug)] for m in rows))


def treatment_span(timeline: PatientTimeline, assessment: dict[str, Any]
                   ) -> tuple[str, date, date | None] | None:
    """The assessed treatment's drug, first day and last day (None while it is ongoing)."""
    drug, start = assessment.get("treatment"), assessment.get("treatment_start")
    if not drug or not start:
        return None
    first = date.fromisoformat(start)
    rows = [m for m in _rows(timeline, drug) if timeline.local_day(m.start) >= first]
    if not rows:
        return None
    if _lone_open(rows):
        return drug, first, None
    return drug, first, timeline.local_day(max(m.end or m.start for m in rows))


def header(timeline: PatientTimeline, as_of: date, assessment: dict[str, Any]) -> CourseHeader:
    patient = timeline.patient
    died = patient.death_date
    age_day = min(as_of, died) if died is not None else as_of
    now = treatments_on(timeline, as_of)
    span = treatment_span(timeline, assessment)
    course = None
    if span is not None:
        drug, first, last = span
        course = (f"{term(drug)} from {first}, " + ("ongoing" if last is None else f"ended {last}"))
    return CourseHeader(round(age_in_years(patient.birth_date, age_day), 1), died, now, course)


def markers(timeline: PatientTimeline, screening: ScreeningResult,
            assessment: dict[str, Any]) -> list[Marker]:
    """The course's events as chart markers, at midday of their day in the site's zone."""
    patient = timeline.patient
    found: list[tuple[date | None, str, str]] = [
        (patient.hsct_date, "0", "HSCT day 0"),
        (patient.neutrophil_engraftment_date, "N", "neutrophil engraftment"),
        (patient.platelet_engraftment_date, "P", "platelet engraftment"),
        (screening.first_met, "D", "TA-TMA diagnosed"),
    ]
    span = treatment_span(timeline, assessment)
    if span is not None:
        drug, first, last = span
        found += [(first, "S", f"{term(drug)} started"), (last, "X", f"{term(drug)} stopped")]
    return [Marker(_midday(timeline, day), code, f"{words} {day}")
            for day, code, words in found if day is not None]


def _midday(timeline: PatientTimeline, day: date) -> datetime:
    return start_of_day(day, timeline.tz) + timedelta(hours=12)
