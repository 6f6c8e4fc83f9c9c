"""Study patients from patient timelines: screening, response and safety engines, composed.

For each timeline: TA-TMA screening under the named criteria set (thrombo.rules), the defibrotide
course that treats it, resolution and organ recovery (thrombo.response.tma) and CTCAE-graded
adverse events with the major-bleeding flag (thrombo.safety). The engines decide; this module
only carries their answers into `StudyPatient` records.

Which defibrotide course treats the TA-TMA [Design]: the first course, not marked prophylactic,
starting no earlier than 7 days before the diagnosis date (treatment is often started on
suspicion, before the second time point confirms the diagnosis). Earlier courses (e.g. VOD
prophylaxis during conditioning) are hidden from the response engine so that day 0 is the
treatment course.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from thrombo.analytics.cohort import AdverseEvent, LabPoint, StudyPatient
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import age_in_years
from thrombo.response.tma import TmaOptions, assess_tma
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult
from thrombo.safety.summary import safety_since

STUDY_DRUG = "defibrotide"

# Treatment may start on suspicion up to this many days before the confirmed diagnosis [Design].
TREATMENT_BEFORE_DIAGNOSIS_DAYS = 7

# LDH and platelets kept for the trajectory plots: from 28 days before treatment to 90 after
# [Design: covers the day-28 endpoint and the plots' window].
LABS_BEFORE_DAYS = 28
LABS_AFTER_DAYS = 90


@dataclass(frozen=True)
class StudyInput:
    """The study patients, the screening set's rules and every engine's warnings."""

    patients: tuple[StudyPatient, ...]
    criteria_name: str
    criteria_version: str
    as_of: date
    warnings: tuple[str, ...]


def latest_recorded_day(timelines: Iterable[PatientTimeline]) -> date | None:
    """The last local day anything was recorded: the default as-of of a study."""
    days: list[date] = []
    for t in timelines:
        p = t.patient
        days += [d for d in (p.hsct_date, p.death_date, p.last_contact_date) if d is not None]
        days += [t.local_day(o.time) for o in t.observations[-1:]]
        days += [t.local_day(m.start) for m in t.medications]
        days += [t.local_day(e.time) for e in t.events[-1:]]
    return max(days, default=None)


def treatment_course(timeline: PatientTimeline, diagnosis: date | None) -> Medication | None:
    """The defibrotide course that treats the TA-TMA (see the module docstring)."""
    if diagnosis is None:
        return None
    earliest = diagnosis - timedelta(days=TREATMENT_BEFORE_DIAGNOSIS_DAYS)
    for course in timeline.medications_of(STUDY_DRUG):
        if course.intent != "prophylactic" and timeline.local_day(course.start) >= earliest:
            return course
    return None


def _without_earlier_courses(timeline: PatientTimeline, course: Medication) -> PatientTimeline:
    kept = [m for m in timeline.medications
            if m.drug != STUDY_DRUG or m.start >= course.start]
    return replace(timeline, medications=tuple(kept))


def lab_points(timeline: PatientTimeline, start: date) -> tuple[LabPoint, ...]:
    """The last LDH and platelet value of each local day around the treatment start."""
    first = start - timedelta(days=LABS_BEFORE_DAYS)
    last = start + timedelta(days=LABS_AFTER_DAYS)
    by_day: dict[date, dict[str, float]] = {}
    for analyte in ("ldh", "platelets"):
        for obs in timeline.between(analyte, first, last):
            if obs.value is not None:
                by_day.setdefault(timeline.local_day(obs.time), {})[analyte] = obs.value
    return tuple(LabPoint(day, values.get("ldh"), values.get("platelets"))
                 for day, values in sorted(by_day.items()))


def study_patient(timeline: PatientTimeline, screening: ScreeningResult, criteria_name: str,
                  as_of: date, tma_options: TmaOptions | None = None,
                  ) -> tuple[StudyPatient, tuple[str, ...]]:
    """One patient's study record and the warnings the engines gave for it."""
    p = timeline.patient
    diagnosis = screening.first_met if screening.status == "ta-tma" else None
    age_on = diagnosis or p.hsct_date or as_of
    record = StudyPatient(
        patient_id=p.patient_id, center=p.center, age_years=age_in_years(p.birth_date, age_on),
        sex=p.sex, hsct_date=p.hsct_date, allogeneic=p.had_allogeneic_hsct,
        screening_status=screening.status, diagnosis_date=diagnosis, criteria_set=criteria_name,
        high_risk=screening.high_risk, death_date=p.death_date,
        last_contact_date=p.last_contact_date)
    course = treatment_course(timeline, diagnosis)
    if course is None:
        return record, screening.warnings
    focused = _without_earlier_courses(timeline, course)
    response = assess_tma(focused, as_of, tma_options)
    if response is None or response.treatment != STUDY_DRUG:
        return record, screening.warnings
    start = response.treatment_start
    safety = safety_since(focused, start, as_of)
    events = tuple(AdverseEvent(ae.term, ae.grade, ae.day, ae.version)
                   for ae in safety.adverse_events)
    warnings = (*screening.warnings, *response.warnings,
                *(w for ae in safety.adverse_events for w in ae.warnings))
    return replace(
        record, treatment_start=start, resolution_date=response.response_date,
        renal_recovery=response.renal_recovery,
        neurological_recovery=response.neurological_recovery,
        major_bleeding=safety.major_bleeding.major, adverse_events=events,
        labs=lab_points(timeline, start)), warnings


def study_input(timelines: Sequence[PatientTimeline], criteria_name: str,
                as_of: date | None = None, tma_options: TmaOptions | None = None) -> StudyInput:
    """Every timeline screened, and treated patients assessed, as of `as_of` (default: the last
    day anything was recorded)."""
    criteria = criteria_set(criteria_name)
    day = as_of or latest_recorded_day(timelines) or date.today()
    patients: list[StudyPatient] = []
    warnings: list[str] = list(criteria.warnings)
    for timeline in timelines:
        screening = screen_patient(timeline, criteria, day)
        patient, said = study_patient(timeline, screening, criteria.name, day, tma_options)
        patients.append(patient)
        warnings += said
    return StudyInput(tuple(patients), criteria.name, criteria.version, day,
                      tuple(dict.fromkeys(warnings)))
