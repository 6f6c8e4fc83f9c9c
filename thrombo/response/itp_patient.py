"""Per-patient ITP: every treatment's IWG response (`assess`) and the classification (`itp`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from thrombo.domain.evidence import Evidence, RuleSet
from thrombo.domain.timeline import PatientTimeline
from thrombo.response.itp import (
    CONFIRM_FAILURE_DAYS,
    CONFIRM_RESPONSE_DAYS,
    RULE_VERSION,
    TreatmentResponse,
    baseline_count,
    evaluate_course,
)
from thrombo.response.itp_courses import (
    COURSE_GAP_DAYS,
    DEFAULT_DEPENDENCE_RULE,
    PULSE_INTERVAL_DAYS,
    PULSE_MAX_DAYS,
    STEROID_DEPENDENCE_DAYS,
    STEROID_REPEAT_GAP_DAYS,
    Course,
    DependenceRule,
    SteroidDependence,
    steroid_dependence,
    treatment_courses,
)
from thrombo.rules.itp.counts import CountExclusions, CountSeries, baseline_json, evaluable_counts
from thrombo.rules.itp.drugs import ASSESSMENT_WINDOW_DAYS, ITP_DRUGS, WINDOW_WARNING
from thrombo.rules.itp.phase import Phase, PhaseCutoffs, months_since, phase_on
from thrombo.rules.itp.refractory import (
    DEFAULT_DEFINITION,
    DefinitionAnswer,
    TherapyOutcome,
    failed_classes,
    failed_therapies,
    iwg_2009,
    practical_002,
    practical_options,
)
from thrombo.rules.itp.severity import Severity, classify_severity


def is_itp_patient(timeline: PatientTimeline) -> bool:
    """An ITP diagnosis, or ITP agents given outside stem-cell transplant (steroids after HSCT
    are usually for GVHD, not ITP)."""
    if timeline.patient.itp_diagnosis_date is not None:
        return True
    return not timeline.patient.had_allogeneic_hsct and bool(timeline.medications_of(*ITP_DRUGS))


def _window_end(course: Course, courses: Sequence[Course], last_day: date) -> date:
    """A course is judged until the next course starts (later rises belong to that one)."""
    later = [c.start for c in courses if c.start > course.start]
    return min([last_day, *(d - timedelta(days=1) for d in later)])


def _last_day(timeline: PatientTimeline, as_of: date) -> date:
    death = timeline.patient.death_date
    return as_of if death is None else min(as_of, death)


def _baseline_anchor(course: Course, courses: Sequence[Course]) -> date:
    """After splenectomy the baseline is the count before the first-ever treatment (IWG 2009)."""
    if not course.is_splenectomy:
        return course.start
    return min((c.start for c in courses if not c.is_splenectomy), default=course.start)


@dataclass(frozen=True)
class ItpResponses:
    """Every ITP course of one patient with its IWG response, as known at `as_of`."""

    patient_id: str
    as_of: date
    treatments: tuple[TreatmentResponse, ...]
    dependence: SteroidDependence
    excluded_counts: tuple[Evidence, ...]
    rules: RuleSet

    @property
    def steroid_dependent(self) -> bool:
        return self.dependence.dependent

    @property
    def current(self) -> TreatmentResponse | None:
        """The most recent evaluable treatment (else the most recent one)."""
        evaluable = [t for t in self.treatments if t.response != "not-evaluable"]
        pool = evaluable or list(self.treatments)
        return pool[-1] if pool else None

    def outcomes(self) -> tuple[TherapyOutcome, ...]:
        return tuple(t.outcome() for t in self.treatments)

    def to_json(self) -> dict[str, Any]:
        cur = self.current
        warnings = sorted({w for t in self.treatments for w in t.warnings})
        if self.treatments:
            warnings.append(window_warning(self.treatments))
        return {
            "patient_id": self.patient_id,
            "condition": "itp",
            "treatment": None if cur is None else cur.course.drug,
            "treatment_start": None if cur is None else cur.course.start.isoformat(),
            **baseline_json(None if cur is None else cur.baseline),
            "response": "not-evaluable" if cur is None else cur.response,
            "response_date": _iso(None if cur is None else cur.response_date),
            "days_to_response": None if cur is None else cur.days_to_response,
            "lost_response_date": _iso(None if cur is None else cur.lost_response_date),
            "steroid_dependent": self.steroid_dependent,
            "steroid_dependence": self.dependence.to_json(),
            "treatments": [t.to_json() for t in self.treatments],
            "excluded_counts": [e.to_json() for e in self.excluded_counts],
            "rules": self.rules.to_json(),
            "warnings": warnings,
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def window_warning(treatments: Sequence[TreatmentResponse]) -> str:
    drugs = sorted({t.course.drug for t in treatments})
    return WINDOW_WARNING.format(
        windows=", ".join(f"{d} {ASSESSMENT_WINDOW_DAYS[d]} days" for d in drugs)
    )


def response_rules(
    exclusions: CountExclusions, dependence_rule: DependenceRule = DEFAULT_DEPENDENCE_RULE
) -> RuleSet:
    options = {
        **exclusions.options(),
        "confirmation": (f"CR/R: 2 occasions >= {CONFIRM_RESPONSE_DAYS} days apart; NR/loss: "
                         f"2 occasions >= {CONFIRM_FAILURE_DAYS} day apart"),
        "course_gap_days": COURSE_GAP_DAYS,
        "steroid_dependence_days": STEROID_DEPENDENCE_DAYS,
        "steroid_repeat_gap_days": STEROID_REPEAT_GAP_DAYS,
        "steroid_dependence_rule": dependence_rule,
        "monthly_pulses": (f"dexamethasone pulses of <= {PULSE_MAX_DAYS} days starting "
                           f"{PULSE_INTERVAL_DAYS[0]}-{PULSE_INTERVAL_DAYS[1]} days apart"),
        "assessment_window_days": dict(ASSESSMENT_WINDOW_DAYS),
        "loss_of_cr": "< 100 x10^9/L or bleeding (the 2-fold rule applies to R only)",
        "time_to_response": "start to the first count of the first confirmed R or CR",
        "death_before_confirmed_response": "NR",
        "baseline_zero": "absolute thresholds only",
    }
    return RuleSet("iwg-2009", RULE_VERSION, tuple(options.items()))


def assess_itp(
    timeline: PatientTimeline,
    as_of: date,
    exclusions: CountExclusions | None = None,
    dependence_rule: DependenceRule = DEFAULT_DEPENDENCE_RULE,
) -> ItpResponses:
    """IWG 2009 response to every ITP course, on what was known by the end of `as_of`."""
    exclusions = exclusions or CountExclusions()
    known = timeline.as_of(as_of)
    series = evaluable_counts(known, exclusions)
    courses = treatment_courses(known)
    last = _last_day(known, as_of)
    dependence = steroid_dependence(courses, last, dependence_rule)
    responses = tuple(
        _evaluate(known, series, c, courses, last, dependence) for c in courses if c.start <= last
    )
    return ItpResponses(known.patient_id, as_of, responses, dependence,
                        series.excluded, response_rules(exclusions, dependence_rule))


def _evaluate(
    timeline: PatientTimeline,
    series: CountSeries,
    course: Course,
    courses: Sequence[Course],
    last: date,
    dependence: SteroidDependence,
) -> TreatmentResponse:
    baseline = baseline_count(series, _baseline_anchor(course, courses))
    end = _window_end(course, courses, last)
    return evaluate_course(timeline, series, course, end, baseline, dependence)


@dataclass(frozen=True)
class ItpClassification:
    """Phase, severity and refractoriness under each definition (`itp --json`)."""

    patient_id: str
    phase: Phase | None
    months_since_diagnosis: float | None
    severity: Severity
    answers: tuple[DefinitionAnswer, ...]
    outcomes: tuple[TherapyOutcome, ...]
    phase_cutoffs: PhaseCutoffs
    evaluated_on: date
    dependence_rule: DependenceRule = DEFAULT_DEPENDENCE_RULE

    @property
    def default(self) -> DefinitionAnswer:
        return next(a for a in self.answers if a.definition == DEFAULT_DEFINITION)

    def to_json(self) -> dict[str, Any]:
        options = {
            **self.phase_cutoffs.options(),
            **self.severity.options(),
            **practical_options(),
            "steroid_dependence_rule": self.dependence_rule,
            "refractory_default": DEFAULT_DEFINITION,
            "phase_evaluated_on": self.evaluated_on.isoformat(),
        }
        evidence = [e for a in self.answers for e in a.evidence] + list(self.severity.evidence)
        return {
            "patient_id": self.patient_id,
            "phase": self.phase,
            "months_since_diagnosis": self.months_since_diagnosis,
            "severe": self.severity.severe,
            "severe_since": _iso(self.severity.since),
            "refractory": self.default.refractory,
            "refractory_definition": DEFAULT_DEFINITION,
            "refractory_by_definition": {a.definition: a.refractory for a in self.answers},
            "refractory_since": {a.definition: _iso(a.since) for a in self.answers},
            "failed_therapies": [o.to_json() for o in failed_therapies(self.outcomes)],
            "failed_classes": failed_classes(self.outcomes),
            "treatments": [o.to_json() for o in self.outcomes],
            "rules": RuleSet("iwg-2009", "1", tuple(options.items())).to_json(),
            "evidence": [e.to_json() for e in evidence],
            "warnings": sorted({a.warning for a in self.answers}),
        }


def classify_itp(
    timeline: PatientTimeline,
    as_of: date,
    cutoffs: PhaseCutoffs | None = None,
    exclusions: CountExclusions | None = None,
    dependence_rule: DependenceRule = DEFAULT_DEPENDENCE_RULE,
) -> ItpClassification:
    """Phase on as-of (or on the day of death), severe ITP, refractory ITP per definition."""
    cutoffs = cutoffs or PhaseCutoffs()
    exclusions = exclusions or CountExclusions()
    known = timeline.as_of(as_of)
    on = _last_day(known, as_of)
    diagnosis = known.patient.itp_diagnosis_date
    phase = phase_on(diagnosis, on, cutoffs)
    months = None if phase is None or diagnosis is None else months_since(diagnosis, on)
    severity = classify_severity(known)
    outcomes = assess_itp(known, as_of, exclusions, dependence_rule).outcomes()
    series = evaluable_counts(known, exclusions)
    answers = (
        iwg_2009(known, outcomes, severity.severe, severity.since),
        practical_002(known, series, outcomes),
    )
    return ItpClassification(known.patient_id, phase, months, severity, answers, outcomes,
                             cutoffs, on, dependence_rule)
