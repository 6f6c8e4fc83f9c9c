"""ITP treatment courses: medication records grouped into the courses IWG responses judge.

Records of the same drug starting within a few days of the previous record's end are one course
(daily administrations, a 4-day dexamethasone pulse). Dexamethasone pulses repeated about every
28 days are one planned regimen, "monthly-pulses" (the seed 002 regimen, clinical-reference.md D),
judged as one treatment from the count before its first pulse. Rescue administrations (intent
"rescue") are not courses: they only exclude counts. A splenectomy is a course of its own, dated
on the patient record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.counts import RESCUE_INTENT
from thrombo.rules.itp.drugs import (
    ITP_DRUGS,
    SPLENECTOMY,
    DrugClass,
    assessment_window_days,
    drug_class,
)

# [Design] records of one drug starting within 7 days after the previous record ended (or started,
# when no end is given) belong to one course.
COURSE_GAP_DAYS = 7
# IWG 2009 corticosteroid dependence (clinical-reference.md C2 [S]): "ongoing or repeated
# corticosteroids for >= 2 months"; the project reads 2 months as 60 days [Design].
STEROID_DEPENDENCE_DAYS = 60
# [Design] corticosteroid courses less than 35 days apart are "repeated" (monthly pulses qualify).
STEROID_REPEAT_GAP_DAYS = 35
# Monthly dexamethasone pulses: 0.6 mg/kg/day x 4 days repeated every 28 days (clinical-reference.md
# D [S-2nd]; seed 002). [Design] a pulse lasts at most 5 days (4 days and a day's slack), and
# pulses starting 21-35 days apart (28 +/- 7) are one planned regimen.
PULSE_DRUG = "dexamethasone"
PULSE_MAX_DAYS = 5
PULSE_INTERVAL_DAYS = (21, 35)
MONTHLY_PULSES = "monthly-pulses"
# Which steroid courses IWG corticosteroid dependence may turn into NR (`steroid_dependence`):
# "iwg-2009" any repeated corticosteroids for >= 2 months (C2 [S]); "pulses-judged-by-response"
# (default [Design]) the same, except that a planned monthly-pulse regimen is a second-line
# treatment of its own (seed 002) and is judged by its platelet response.
DependenceRule = Literal["pulses-judged-by-response", "iwg-2009"]
DEPENDENCE_RULES: tuple[DependenceRule, ...] = ("pulses-judged-by-response", "iwg-2009")
DEFAULT_DEPENDENCE_RULE: DependenceRule = "pulses-judged-by-response"


@dataclass(frozen=True, slots=True)
class Course:
    drug: str
    drug_class: DrugClass | None
    start: date
    end: date
    """Last day given; a record without an end is one administration on its start day [Design]."""
    record_ids: tuple[str, ...]
    regimen: str | None = None
    """"monthly-pulses" for a planned dexamethasone pulse regimen, else None."""
    last_start: date | None = None
    """Start of the latest pulse of a regimen (the assessment window runs from it)."""

    @property
    def is_splenectomy(self) -> bool:
        return self.drug == SPLENECTOMY

    @property
    def is_pulse_regimen(self) -> bool:
        return self.regimen == MONTHLY_PULSES

    @property
    def window_days(self) -> int:
        return assessment_window_days(self.drug)

    @property
    def assessment_until(self) -> date:
        """Last day a response may begin to be this course's; no NR before it ([Design] windows,
        thrombo.rules.itp.drugs). For a pulse regimen, counted from its latest pulse."""
        return (self.last_start or self.start) + timedelta(days=self.window_days)


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


def _is_pulse(course: Course) -> bool:
    return course.drug == PULSE_DRUG and (course.end - course.start).days < PULSE_MAX_DAYS


def _monthly(previous: Course, pulse: Course) -> bool:
    low, high = PULSE_INTERVAL_DAYS
    return low <= (pulse.start - (previous.last_start or previous.start)).days <= high


def _join_pulses(courses: Sequence[Course]) -> list[Course]:
    """Consecutive dexamethasone pulses about 28 days apart become one monthly-pulse regimen."""
    joined: list[Course] = []
    for course in courses:
        last = joined[-1] if joined else None
        if last is not None and _is_pulse(course) and (
            last.is_pulse_regimen or _is_pulse(last)
        ) and _monthly(last, course):
            joined[-1] = replace(last, end=course.end, record_ids=last.record_ids
                                 + course.record_ids, regimen=MONTHLY_PULSES,
                                 last_start=course.start)
        else:
            joined.append(course)
    return joined


def treatment_courses(timeline: PatientTimeline) -> tuple[Course, ...]:
    """All ITP courses (monthly dexamethasone pulses as one regimen) and the splenectomy."""
    by_drug: dict[str, list[Medication]] = {}
    for med in timeline.medications:
        if med.drug in ITP_DRUGS and med.intent != RESCUE_INTENT:
            by_drug.setdefault(med.drug, []).append(med)
    courses = [
        c for records in by_drug.values() for c in _join_pulses(_group(timeline, records))
    ]
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
    rule: DependenceRule = DEFAULT_DEPENDENCE_RULE

    def to_json(self) -> dict[str, object]:
        return {
            "dependent": self.dependent,
            "rule": self.rule,
            "since": None if self.established is None else self.established.isoformat(),
            "courses": [d.isoformat() for d in self.course_starts],
        }


def steroid_dependence(
    courses: Sequence[Course], as_of: date, rule: DependenceRule = DEFAULT_DEPENDENCE_RULE
) -> SteroidDependence:
    """Ongoing or repeated corticosteroids spanning >= 60 days (IWG 2009, read as [Design]);
    under the default rule a planned monthly-pulse regimen is left out (judged by response)."""
    steroid = [
        c for c in courses
        if c.drug_class == "corticosteroid" and (rule == "iwg-2009" or not c.is_pulse_regimen)
    ]
    chain: list[Course] = []
    for course in steroid:
        if chain and (course.start - chain[-1].end).days > STEROID_REPEAT_GAP_DAYS:
            chain = []
        chain.append(course)
        reached = _chain_reaches(chain, as_of)
        if reached is not None:
            starts = tuple(c.start for c in chain)
            return SteroidDependence(True, chain[0].start, reached, starts, rule)
    return SteroidDependence(False, rule=rule)


def _chain_reaches(chain: Sequence[Course], as_of: date) -> date | None:
    span_end = min(max(c.end for c in chain), as_of)
    established = chain[0].start + timedelta(days=STEROID_DEPENDENCE_DAYS)
    return established if span_end >= established else None
