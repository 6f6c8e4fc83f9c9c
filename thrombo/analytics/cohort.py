"""The study cohort: one plain record per patient, the inclusion steps and the time origin.

A `StudyPatient` is what the study layer needs to know about one patient, already decided by the
screening (TA-TMA diagnosis), response (resolution, organ recovery) and safety (graded adverse
events) engines. Keeping it a plain record lets the statistics be tested on hand-built cohorts
and keeps this module free of how those engines reach their answers.

Inclusion (a CONSORT-style flow, each step with the reasons patients left it):
screened (every patient in the source) -> eligible (allogeneic HSCT recorded, age in range)
-> diagnosed (TA-TMA by the named criteria set) -> treated (defibrotide started)
-> evaluable (followed after the time origin).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from thrombo.errors import ImplausibleValueError
from thrombo.response.study_windows import RESOLUTION_WINDOW_DAYS

TimeOrigin = Literal["treatment-start", "diagnosis"]
TIME_ORIGINS: tuple[TimeOrigin, ...] = ("treatment-start", "diagnosis")

# The study's windows (thrombo.response.study_windows, with their sources): resolution by day 28 and
# overall survival read at 183 days.
RESOLUTION_LANDMARK_DAYS = RESOLUTION_WINDOW_DAYS

# Paediatric study: the study document enrols "pediatric patients" (000_56e8c5c5802e858b.txt).
# Age at TA-TMA diagnosis below 18 years by default; a protocol may choose otherwise [Design].
DEFAULT_MIN_AGE_YEARS = 0.0
DEFAULT_MAX_AGE_YEARS = 18.0

# Ages outside this are data errors, not patients (plausibility bound, [Design]).
_OLDEST_PLAUSIBLE_AGE_YEARS = 120.0

# CTCAE v5.0 grades run 1 (mild) to 5 (death): clinical-reference.md F [S].
CTCAE_GRADES = (1, 2, 3, 4, 5)

SCREENING_STATUSES = ("ta-tma", "no-ta-tma", "insufficient-data", "not-applicable")


@dataclass(frozen=True)
class AdverseEvent:
    """One graded adverse event (a CTCAE term, its grade and the day it happened)."""

    term: str
    grade: int
    date: date
    ctcae_version: str = "5.0"

    def __post_init__(self) -> None:
        if self.grade not in CTCAE_GRADES:
            raise ImplausibleValueError(
                f"adverse event {self.term!r}: CTCAE grade must be 1-5, got {self.grade}")


@dataclass(frozen=True)
class LabPoint:
    """One day's LDH (U/L) and platelet count (10^9/L), for the trajectory plots."""

    date: date
    ldh: float | None = None
    platelets: float | None = None

    def __post_init__(self) -> None:
        for name, value in (("LDH", self.ldh), ("platelets", self.platelets)):
            if value is not None and value < 0:
                raise ImplausibleValueError(f"{name} on {self.date} cannot be negative: {value}")


@dataclass(frozen=True)
class StudyPatient:
    """What the study needs of one patient. Dates are local calendar days.

    `renal_recovery` / `neurological_recovery` are None when that organ was not involved (or
    recovery could not be assessed). `screening_status` is the screening engine's status under
    `criteria_set`; a patient with a `diagnosis_date` is taken as diagnosed.
    """

    patient_id: str
    center: str | None = None
    age_years: float | None = None
    sex: str = "U"
    hsct_date: date | None = None
    allogeneic: bool = True
    screening_status: str | None = None
    diagnosis_date: date | None = None
    criteria_set: str | None = None
    high_risk: bool | None = None
    treatment_start: date | None = None
    resolution_date: date | None = None
    death_date: date | None = None
    last_contact_date: date | None = None
    renal_recovery: bool | None = None
    neurological_recovery: bool | None = None
    major_bleeding: bool | None = None
    """As the safety engine flagged it; None: decided here from `adverse_events`."""
    adverse_events: tuple[AdverseEvent, ...] = ()
    labs: tuple[LabPoint, ...] = ()

    def __post_init__(self) -> None:
        _check_age(self)
        if self.screening_status is not None and self.screening_status not in SCREENING_STATUSES:
            raise ImplausibleValueError(
                f"patient {self.patient_id}: unknown screening status {self.screening_status!r}")
        _check_order(self, "HSCT", self.hsct_date, "TA-TMA diagnosis", self.diagnosis_date)
        _check_order(self, "HSCT", self.hsct_date, "treatment start", self.treatment_start)
        _check_order(self, "treatment start", self.treatment_start, "resolution",
                     self.resolution_date)
        _check_order(self, "resolution", self.resolution_date, "death", self.death_date)
        _check_order(self, "treatment start", self.treatment_start, "death", self.death_date)
        _check_order(self, "last contact", self.last_contact_date, "death", self.death_date)

    @property
    def diagnosed(self) -> bool:
        return self.diagnosis_date is not None

    @property
    def treated(self) -> bool:
        return self.treatment_start is not None

    @property
    def resolved_by_day_28(self) -> bool:
        """Resolved within 28 days of defibrotide start; death first counts as not resolved."""
        return resolved_within(self, "treatment-start", RESOLUTION_LANDMARK_DAYS)

    def last_known_date(self) -> date | None:
        """Death, else last contact, else the latest date anything was recorded."""
        if self.death_date is not None:
            return self.death_date
        if self.last_contact_date is not None:
            return self.last_contact_date
        recorded = [d for d in (self.treatment_start, self.diagnosis_date, self.resolution_date)
                    if d is not None]
        recorded += [e.date for e in self.adverse_events] + [p.date for p in self.labs]
        return max(recorded, default=None)


def _check_age(patient: StudyPatient) -> None:
    age = patient.age_years
    if age is not None and not 0.0 <= age <= _OLDEST_PLAUSIBLE_AGE_YEARS:
        raise ImplausibleValueError(f"patient {patient.patient_id}: implausible age {age} years")


def _check_order(patient: StudyPatient, first_name: str, first: date | None, then_name: str,
                 then: date | None) -> None:
    """Refuse a record whose dates run backwards (e.g. resolution after death)."""
    if first is not None and then is not None and then < first:
        raise ImplausibleValueError(
            f"patient {patient.patient_id}: {then_name} ({then}) is before {first_name} "
            f"({first})")


def origin_date(patient: StudyPatient, origin: TimeOrigin) -> date | None:
    """Day 0 of a patient's follow-up under the chosen time origin."""
    return patient.treatment_start if origin == "treatment-start" else patient.diagnosis_date


def days_from_origin(patient: StudyPatient, origin: TimeOrigin, day: date | None) -> int | None:
    start = origin_date(patient, origin)
    if start is None or day is None:
        return None
    return (day - start).days


def resolved_within(patient: StudyPatient, origin: TimeOrigin, days: int) -> bool:
    """Resolution dated no later than `days` after the origin (the resolution date is refused
    if after death, so a patient who dies unresolved is never resolved)."""
    elapsed = days_from_origin(patient, origin, patient.resolution_date)
    return elapsed is not None and 0 <= elapsed <= days


def follow_up_days(patient: StudyPatient, origin: TimeOrigin) -> int | None:
    """Days from the origin to death or the end of follow-up; None when not followed after it."""
    elapsed = days_from_origin(patient, origin, patient.last_known_date())
    return None if elapsed is None or elapsed < 0 else elapsed


# --- the flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    reason: str
    n: int


@dataclass(frozen=True)
class FlowStep:
    """Patients remaining after a step, and why the others left at that step."""

    step: str
    n: int
    excluded: tuple[Exclusion, ...]


@dataclass(frozen=True)
class InclusionRules:
    """The inclusion choices a study states (criteria set, ages, time origin)."""

    criteria_set: str
    min_age_years: float = DEFAULT_MIN_AGE_YEARS
    max_age_years: float = DEFAULT_MAX_AGE_YEARS
    time_origin: TimeOrigin = "treatment-start"

    def __post_init__(self) -> None:
        if self.time_origin not in TIME_ORIGINS:
            raise ImplausibleValueError(
                f"time origin must be one of {', '.join(TIME_ORIGINS)}, got {self.time_origin!r}")
        if not 0.0 <= self.min_age_years < self.max_age_years <= _OLDEST_PLAUSIBLE_AGE_YEARS:
            raise ImplausibleValueError(
                f"age range must satisfy 0 <= minimum < maximum <= {_OLDEST_PLAUSIBLE_AGE_YEARS}, "
                f"got {self.min_age_years}-{self.max_age_years}")


Reason = Callable[[StudyPatient], str | None]


def _eligibility(rules: InclusionRules) -> Reason:
    def reason(p: StudyPatient) -> str | None:
        if p.hsct_date is None or not p.allogeneic:
            return "no allogeneic HSCT recorded"
        if p.age_years is None:
            return "age unknown"
        if not rules.min_age_years <= p.age_years < rules.max_age_years:
            return (f"age outside {rules.min_age_years:g} to under "
                    f"{rules.max_age_years:g} years")
        return None
    return reason


def _diagnosis(rules: InclusionRules) -> Reason:
    def reason(p: StudyPatient) -> str | None:
        if p.diagnosed:
            return None
        if p.screening_status == "insufficient-data":
            return f"TA-TMA undecided by {rules.criteria_set} (insufficient data)"
        return f"no TA-TMA by {rules.criteria_set}"
    return reason


def _treatment(p: StudyPatient) -> str | None:
    return None if p.treated else "defibrotide not started"


def _evaluation(rules: InclusionRules) -> Reason:
    def reason(p: StudyPatient) -> str | None:
        if origin_date(p, rules.time_origin) is None:
            return f"no {rules.time_origin.replace('-', ' ')} date"
        return None if follow_up_days(p, rules.time_origin) is not None else "no follow-up"
    return reason


def cohort_flow(patients: Sequence[StudyPatient], rules: InclusionRules,
                ) -> tuple[tuple[FlowStep, ...], dict[str, tuple[StudyPatient, ...]]]:
    """The flow steps, and the patients remaining after each (by step name)."""
    _check_unique(patients)
    remaining = tuple(patients)
    steps = [FlowStep("screened", len(remaining), ())]
    kept: dict[str, tuple[StudyPatient, ...]] = {"screened": remaining}
    stages: tuple[tuple[str, Reason], ...] = (
        ("eligible", _eligibility(rules)), ("diagnosed", _diagnosis(rules)),
        ("treated", _treatment), ("evaluable", _evaluation(rules)))
    for name, why in stages:
        reasons: dict[str, int] = {}
        staying = []
        for p in remaining:
            reason = why(p)
            if reason is None:
                staying.append(p)
            else:
                reasons[reason] = reasons.get(reason, 0) + 1
        remaining = tuple(staying)
        kept[name] = remaining
        steps.append(FlowStep(name, len(remaining),
                              tuple(Exclusion(r, n) for r, n in sorted(reasons.items()))))
    return tuple(steps), kept


def _check_unique(patients: Sequence[StudyPatient]) -> None:
    seen: set[tuple[str | None, str]] = set()
    for p in patients:
        key = (p.center, p.patient_id)
        if key in seen:
            raise ImplausibleValueError(
                f"patient {p.patient_id} (centre {p.center}) appears twice in the cohort")
        seen.add(key)
