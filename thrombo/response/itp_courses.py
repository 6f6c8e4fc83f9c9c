"""ITP treatment courses: medication records grouped into the courses IWG responses judge.

Records of the same drug starting within a few days of the previous record's end are one course
(daily administrations, a 4-day dexamethasone pulse); monthly pulses are separate courses. Rescue
administrations (intent "rescue") are not courses: they only exclude counts. A splenectomy is a
course of its own, dated on the patient record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.counts import RESCUE_INTENT
from thrombo.rules.itp.drugs import ITP_DRUGS, SPLENECTOMY, DrugClass, drug_class

# [Design] records of one drug starting within 7 days after the previous record ended (or started,
# when no end is given) belong to one course.
COURSE_GAP_DAYS = 7
# IWG 2009 corticosteroid dependence (clinical-reference.md C2 [S]): "ongoing or repeated
# corticosteroids for >= 2 months"; the project reads 2 months as 60 days [Design].
STEROID_DEPENDENCE_DAYS = 60
# [Design] corticosteroid courses less than 35 days apart are "repeated" (monthly pulses qualify).
STEROID_REPEAT_GAP_DAYS = 35


@dataclass(frozen=True, slots=True)
class Course:
    drug: str
    drug_class: DrugClass | None
    start: date
    end: date
    """Last day given; a record without an end is one administration on its start day [Design]."""
    record_ids: tuple[str, ...]

    @property
    def is_splenectomy(self) -> bool:
        return self.drug == SPLENECTOMY


def _last_day(timeline: PatientTimeline, med: Medication) -> date:
    return timeline.local_day(med.end if med.end is not None else med.start)


def _group(timeline: PatientTimeline, records: Sequence[Medication]) -> list[Course]:
    courses: list[Course] = []
    current: list[Medication] = []
    for med in records:
        if current:
            gap = (timeline.local_day(med.start) - _last_day(timeline, current[-1])).days
            if gap > COURSE_GAP_DAYS:
                courses.append(_course(timeline, current))
                current = []
        current.append(med)
    if current:
        courses.append(_course(timeline, current))
    return courses


def _course(timeline: PatientTimeline, records: Sequence[Medication]) -> Course:
    return Course(
        drug=records[0].drug,
        drug_class=drug_class(records[0].drug),
        start=timeline.local_day(records[0].start),
        end=max(_last_day(timeline, m) for m in records),
        record_ids=tuple(m.id for m in records),
    )


def treatment_courses(timeline: PatientTimeline) -> tuple[Course, ...]:
    """All ITP courses and the splenectomy, by start date."""
    by_drug: dict[str, list[Medication]] = {}
    for med in timeline.medications:
        if med.drug in ITP_DRUGS and med.intent != RESCUE_INTENT:
            by_drug.setdefault(med.drug, []).append(med)
    courses = [c for records in by_drug.values() for c in _group(timeline, records)]
    spleen = timeline.patient.splenectomy_date
    if spleen is not None:
        courses.append(Course(SPLENECTOMY, None, spleen, spleen, ()))
    return tuple(sorted(courses, key=lambda c: (c.start, c.drug)))


@dataclass(frozen=True, slots=True)
class SteroidDependence:
    dependent: bool
    first_start: date | None = None
    established: date | None = None
    course_starts: tuple[date, ...] = ()


def steroid_dependence(courses: Sequence[Course], as_of: date) -> SteroidDependence:
    """Ongoing or repeated corticosteroids spanning >= 60 days (IWG 2009, read as [Design])."""
    steroid = [c for c in courses if c.drug_class == "corticosteroid"]
    chain: list[Course] = []
    for course in steroid:
        if chain and (course.start - chain[-1].end).days > STEROID_REPEAT_GAP_DAYS:
            chain = []
        chain.append(course)
        reached = _chain_reaches(chain, as_of)
        if reached is not None:
            return SteroidDependence(True, chain[0].start, reached, tuple(c.start for c in chain))
    return SteroidDependence(False)


def _chain_reaches(chain: Sequence[Course], as_of: date) -> date | None:
    span_end = min(max(c.end for c in chain), as_of)
    established = chain[0].start + timedelta(days=STEROID_DEPENDENCE_DAYS)
    return established if span_end >= established else None
