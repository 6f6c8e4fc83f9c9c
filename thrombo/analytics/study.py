"""The single-arm study of defibrotide for TA-TMA: cohort, endpoints, comparisons, design.

`build_study(patients, options)` takes one `StudyPatient` per screened patient and returns
`StudyResults`, whose `to_json()` is the `study --json` document of interface.md. Every
endpoint names its method; definitions follow clinical-reference.md A8 and G:

- resolution by day 28: k/n over all treated patients (intention to treat, G), Clopper-Pearson;
  death before resolution counts as not resolved, and so does follow-up ending before day 28
  without resolution (said in `warnings`).
- cumulative incidence of resolution, death before resolution as the competing event
  (Aalen-Johansen, ties handled deterministically: `competing_risks`).
- overall survival: Kaplan-Meier with log-log CI, at-risk table, 6-month (183-day) landmark.
- organ recovery, major bleeding: k/n with Clopper-Pearson; adverse events by term and worst grade.
- against a historical control (when given): exact binomial test of the resolution rate, and a
  one-sample log-rank test against a constant-hazard reference through its 6-month survival.
- by centre: a per-centre table and a log-rank test between centres; Cox regression of survival
  on age and sex (lifelines), stratified by centre when there are several.
- design of a next trial: Simon two-stage and exact single-stage n from the control rate to the
  observed rate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from warnings import catch_warnings, simplefilter

import orjson
from lifelines.exceptions import ConvergenceError, ConvergenceWarning

from thrombo.analytics.cohort import (
    DEFAULT_MAX_AGE_YEARS,
    DEFAULT_MIN_AGE_YEARS,
    RESOLUTION_LANDMARK_DAYS,
    Exclusion,
    FlowStep,
    InclusionRules,
    StudyPatient,
    TimeOrigin,
    cohort_flow,
    days_from_origin,
    follow_up_days,
    resolved_within,
)
from thrombo.analytics.comparisons import (
    ReferenceCurve,
    cox_model,
    one_sample_logrank,
    stratified_logrank,
)
from thrombo.analytics.competing_risks import aalen_johansen, incidence_at
from thrombo.analytics.design import simon_two_stage
from thrombo.analytics.endpoints import (
    MAJOR_BLEEDING_DEFINITION,
    MAJOR_BLEEDING_WARNING,
    adverse_event_table,
    baseline,
    centre_name,
    centre_table,
    major_bleeding,
    organ_recovery,
)
from thrombo.analytics.exposure import DrugExposure
from thrombo.analytics.exposure_response import ExposureResponse, exposure_response
from thrombo.analytics.proportions import (
    DEFAULT_CONFIDENCE,
    check_probability,
    clopper_pearson,
    exact_binomial_test,
    single_stage_sample_size,
)
from thrombo.analytics.statistical_results import CoxModel, Json, LandmarkEstimate, LogRankTest
from thrombo.analytics.study_results import (
    Comparisons,
    ResolutionIncidence,
    StudyResults,
    Suppression,
    SurvivalAnalysis,
    TrialDesign,
)
from thrombo.analytics.survival import at_risk_table, kaplan_meier, median_survival, survival_at
from thrombo.errors import ImplausibleValueError, ThromboUserError
from thrombo.response.study_windows import SURVIVAL_LANDMARK_DAYS

STUDY_RULES_VERSION = "1"

# Cumulative-incidence event types (competing_risks: 0 = censored).
RESOLUTION_EVENT = 1
DEATH_EVENT = 2

# At-risk table: monthly to the 6-month landmark [Design].
AT_RISK_DAYS = (0, 30, 60, 90, 120, 150, SURVIVAL_LANDMARK_DAYS)

# The design of a next trial uses one-sided alpha 0.05 and power 80% (beta 0.20), the values of
# the worked check in clinical-reference.md G [S].
DESIGN_ALPHA = 0.05
DESIGN_BETA = 0.20

# Hazard ratios from fewer events per covariate are unstable: the usual rule of thumb is 10
# (Peduzzi et al., J Clin Epidemiol 1996; from memory, unverified). Fewer gives a warning.
EVENTS_PER_COVARIATE = 10


@dataclass(frozen=True)
class HistoricalControl:
    """A published control: its resolution rate and/or 6-month survival, and where they are from."""

    source: str
    resolution_rate: float | None = None
    survival_6_months: float | None = None

    def __post_init__(self) -> None:
        for name, value in (("control resolution rate", self.resolution_rate),
                            ("control 6-month survival", self.survival_6_months)):
            if value is not None:
                check_probability(name, value)


@dataclass(frozen=True)
class StudyOptions:
    criteria_set: str
    criteria_version: str = "1"
    time_origin: TimeOrigin = "treatment-start"
    min_age_years: float = DEFAULT_MIN_AGE_YEARS
    max_age_years: float = DEFAULT_MAX_AGE_YEARS
    confidence: float = DEFAULT_CONFIDENCE
    control: HistoricalControl | None = None
    suppress_below: int | None = None
    upstream_warnings: tuple[str, ...] = ()
    """Warnings of the engines that produced the patients (screening, response, grading)."""
    excluded: tuple[Exclusion, ...] = ()
    """Patients left out before screening because their record cannot be analysed (an
    implausible date), by reason: the study goes on without them and its flow says so."""

    def __post_init__(self) -> None:
        check_probability("confidence", self.confidence)
        self.inclusion  # noqa: B018  (InclusionRules refuses a bad age range or time origin)
        if self.suppress_below is not None and self.suppress_below < 1:
            raise ImplausibleValueError(
                f"--suppress-below must be a positive count, got {self.suppress_below}")

    @property
    def inclusion(self) -> InclusionRules:
        return InclusionRules(self.criteria_set, self.min_age_years, self.max_age_years,
                              self.time_origin)

    def rules_json(self) -> dict[str, Json]:
        return {"name": self.criteria_set, "version": self.criteria_version, "options": {
            "study_rules_version": STUDY_RULES_VERSION, "time_origin": self.time_origin,
            "min_age_years": self.min_age_years, "max_age_years": self.max_age_years,
            "resolution_landmark_days": RESOLUTION_LANDMARK_DAYS,
            "survival_landmark_days": SURVIVAL_LANDMARK_DAYS,
            "denominator": "intention to treat: every patient who started defibrotide",
            "confidence": self.confidence, "suppress_below": self.suppress_below}}


def cohort_sha256(patients: Sequence[StudyPatient]) -> str:
    """A digest of the analysis input, the same for the same patients in any order."""
    ordered = sorted(patients, key=lambda p: (p.center or "", p.patient_id))
    return hashlib.sha256(orjson.dumps(ordered, option=orjson.OPT_SORT_KEYS)).hexdigest()


def build_study(patients: Sequence[StudyPatient], options: StudyOptions,
                exposure: Sequence[DrugExposure] = ()) -> StudyResults:
    """`exposure` (analytics.exposure.study_exposure) adds the exposure table and the
    exposure-response analysis; without it both are left out."""
    flow, kept = cohort_flow(patients, options.inclusion)
    flow = _with_prior_exclusions(flow, options.excluded)
    treated, evaluable = kept["treated"], kept["evaluable"]
    origin, confidence = options.time_origin, options.confidence
    warnings = list(options.upstream_warnings)
    resolution = (clopper_pearson(sum(resolved_within(p, origin, RESOLUTION_LANDMARK_DAYS)
                                      for p in treated), len(treated), confidence)
                  if treated else None)
    warnings += _short_follow_up_warnings(treated, origin)
    survival = _overall_survival(evaluable, origin, confidence, warnings)
    bleeding = major_bleeding(treated, confidence) if treated else None
    if bleeding is not None:
        warnings.append(MAJOR_BLEEDING_WARNING)
    if not treated:
        warnings.append("no patient was treated: no endpoint can be estimated")
    exposed, exposure_result = _exposure(treated, exposure, options)
    return StudyResults(
        rules=options.rules_json(), time_origin=origin, flow=flow, cohort=treated,
        resolution_by_day_28=resolution,
        cif_resolution=_resolution_incidence(evaluable, origin, confidence, warnings),
        overall_survival=survival, organ_recovery=organ_recovery(treated, confidence),
        major_bleeding=bleeding, major_bleeding_definition=MAJOR_BLEEDING_DEFINITION,
        adverse_events=adverse_event_table(treated), baseline=baseline(treated),
        centres=centre_table(treated, origin, SURVIVAL_LANDMARK_DAYS, confidence),
        comparisons=_comparisons(treated, evaluable, options, warnings),
        design=_design(resolution.rate if resolution else None, options.control, warnings),
        input_sha256=cohort_sha256(patients), suppression=Suppression(options.suppress_below),
        warnings=tuple(dict.fromkeys(warnings)), exposure=exposed,
        exposure_response=exposure_result)


def _exposure(treated: Sequence[StudyPatient], exposure: Sequence[DrugExposure],
              options: StudyOptions,
              ) -> tuple[tuple[DrugExposure, ...], ExposureResponse | None]:
    """The exposure of the treated patients only, and its (observational) association."""
    ids = {p.patient_id for p in treated}
    kept = tuple(e for e in exposure if e.patient_id in ids)
    if not kept:
        return (), None
    return kept, exposure_response(treated, kept, options.time_origin, options.confidence)


def _with_prior_exclusions(flow: tuple[FlowStep, ...], excluded: tuple[Exclusion, ...]
                           ) -> tuple[FlowStep, ...]:
    if not excluded or not flow:
        return flow
    first = flow[0]
    return (FlowStep(first.step, first.n, (*excluded, *first.excluded)), *flow[1:])


def _short_follow_up_warnings(treated: Sequence[StudyPatient], origin: TimeOrigin) -> list[str]:
    short = [p for p in treated if not resolved_within(p, origin, RESOLUTION_LANDMARK_DAYS)
             and p.death_date is None
             and (follow_up_days(p, origin) or 0) < RESOLUTION_LANDMARK_DAYS]
    if not short:
        return []
    return [f"{len(short)} treated patient(s) alive and unresolved with follow-up shorter than "
            f"{RESOLUTION_LANDMARK_DAYS} days count as not resolved (intention to treat)"]


def survival_data(evaluable: Sequence[StudyPatient], origin: TimeOrigin,
                  ) -> tuple[list[float], list[int]]:
    """Days from the origin to death (event) or end of follow-up (censored)."""
    durations = [float(follow_up_days(p, origin) or 0) for p in evaluable]
    return durations, [int(p.death_date is not None) for p in evaluable]


def resolution_data(evaluable: Sequence[StudyPatient], origin: TimeOrigin,
                    ) -> tuple[list[float], list[int]]:
    """Days to resolution (1), to death before resolution (2), or to censoring (0)."""
    durations, causes = [], []
    for p in evaluable:
        resolved = days_from_origin(p, origin, p.resolution_date)
        if resolved is not None:
            durations.append(float(resolved))
            causes.append(RESOLUTION_EVENT)
        else:
            durations.append(float(follow_up_days(p, origin) or 0))
            causes.append(DEATH_EVENT if p.death_date is not None else 0)
    return durations, causes


def _overall_survival(evaluable: Sequence[StudyPatient], origin: TimeOrigin, confidence: float,
                      warnings: list[str]) -> SurvivalAnalysis | None:
    if not evaluable:
        return None
    durations, deaths = survival_data(evaluable, origin)
    curve = kaplan_meier(durations, deaths, confidence)
    if curve.survival[-1] <= 0.0:
        # Everyone has died: S stays 0 after the last death, and 0 has no log-log interval.
        landmark: LandmarkEstimate | None = LandmarkEstimate(
            SURVIVAL_LANDMARK_DAYS, 0.0, None, None, curve.confidence, curve.method)
    else:
        landmark = _read(lambda: survival_at(curve, SURVIVAL_LANDMARK_DAYS), warnings,
                         f"6-month survival: nobody was followed to day {SURVIVAL_LANDMARK_DAYS}")
    return SurvivalAnalysis(curve=curve, landmark=landmark,
                            at_risk=at_risk_table(durations, deaths, AT_RISK_DAYS),
                            median=median_survival(curve))


def _resolution_incidence(evaluable: Sequence[StudyPatient], origin: TimeOrigin,
                          confidence: float, warnings: list[str]) -> ResolutionIncidence | None:
    if not evaluable:
        return None
    durations, causes = resolution_data(evaluable, origin)
    estimate = aalen_johansen(durations, causes, confidence,
                              event_types=(RESOLUTION_EVENT, DEATH_EVENT))
    curve = estimate.curve(RESOLUTION_EVENT)
    landmark = _read(lambda: incidence_at(curve, RESOLUTION_LANDMARK_DAYS), warnings,
                     f"cumulative incidence of resolution: nobody was followed to day "
                     f"{RESOLUTION_LANDMARK_DAYS}")
    return ResolutionIncidence(estimate=estimate, landmark=landmark)


def _read(read: Callable[[], LandmarkEstimate], warnings: list[str],
          why: str) -> LandmarkEstimate | None:
    """A landmark beyond the longest follow-up cannot be estimated: None, and say so."""
    try:
        return read()
    except ImplausibleValueError:
        warnings.append(why)
        return None


def _comparisons(treated: Sequence[StudyPatient], evaluable: Sequence[StudyPatient],
                 options: StudyOptions, warnings: list[str]) -> Comparisons:
    control = options.control
    origin = options.time_origin
    k = sum(resolved_within(p, origin, RESOLUTION_LANDMARK_DAYS) for p in treated)
    binomial = (exact_binomial_test(k, len(treated), control.resolution_rate)
                if control and control.resolution_rate is not None and treated else None)
    durations, deaths = survival_data(evaluable, origin)
    logrank = None
    if control and control.survival_6_months is not None and evaluable and sum(durations) > 0:
        reference = ReferenceCurve.exponential(control.survival_6_months, SURVIVAL_LANDMARK_DAYS)
        logrank = one_sample_logrank(durations, deaths, reference)
    return Comparisons(
        control_source=control.source if control else None,
        resolution_vs_control=binomial, survival_vs_control=logrank,
        control_survival_6_months=control.survival_6_months if control else None,
        survival_by_centre=_centre_logrank(evaluable, origin),
        cox=_cox(evaluable, origin, options.confidence, warnings))


def _centre_logrank(evaluable: Sequence[StudyPatient], origin: TimeOrigin,
                    ) -> LogRankTest | None:
    durations, deaths = survival_data(evaluable, origin)
    centres = [centre_name(p) for p in evaluable]
    if len(set(centres)) < 2 or sum(deaths) == 0:
        return None
    return stratified_logrank(durations, deaths, centres)


def _cox(evaluable: Sequence[StudyPatient], origin: TimeOrigin, confidence: float,
         warnings: list[str]) -> CoxModel | None:
    durations, deaths = survival_data(evaluable, origin)
    covariates: dict[str, list[float]] = {}
    ages = [p.age_years for p in evaluable]
    if all(a is not None for a in ages) and len(set(ages)) > 1:
        covariates["age_years"] = [float(a or 0.0) for a in ages]
    sexes = [p.sex for p in evaluable]
    if set(sexes) == {"F", "M"}:
        covariates["male"] = [float(s == "M") for s in sexes]
    if not covariates or sum(deaths) < 2:
        return None
    if sum(deaths) < EVENTS_PER_COVARIATE * len(covariates):
        warnings.append(
            f"Cox model: {sum(deaths)} deaths for {len(covariates)} covariate(s), fewer than "
            f"{EVENTS_PER_COVARIATE} per covariate (rule of thumb from memory, unverified): "
            "hazard ratios are unstable")
    centres = [centre_name(p) for p in evaluable]
    strata = centres if len(set(centres)) > 1 else None
    with catch_warnings(record=True) as caught:
        simplefilter("always", ConvergenceWarning)
        try:
            model = cox_model(durations, deaths, covariates, strata=strata, confidence=confidence)
        except ConvergenceError as exc:
            warnings.append(f"Cox model did not converge: {_first_line(exc)}")
            return None
    warnings += [f"Cox model may be unreliable: {_first_line(w.message)}" for w in caught
                 if issubclass(w.category, ConvergenceWarning)]
    return model


def _first_line(message: object) -> str:
    """The first sentence of a library message (lifelines adds tutorials after it)."""
    line = next((text.strip() for text in str(message).splitlines() if text.strip()), "")
    return line.split(". ")[0].rstrip(".")


def _design(observed: float | None, control: HistoricalControl | None,
            warnings: list[str]) -> TrialDesign | None:
    if control is None or control.resolution_rate is None or observed is None:
        return None
    p0 = control.resolution_rate
    if observed <= p0:
        warnings.append("trial design skipped: the observed resolution rate does not exceed "
                        "the control rate")
        return None
    p1 = min(observed, 0.99)
    try:
        simon = simon_two_stage(p0, p1, DESIGN_ALPHA, DESIGN_BETA)
    except ThromboUserError as exc:
        warnings.append(f"Simon design: {exc}")
        simon = None
    try:
        single = single_stage_sample_size(p0, p1, DESIGN_ALPHA, DESIGN_BETA)
    except ThromboUserError as exc:
        warnings.append(f"single-stage design: {exc}")
        single = None
    return TrialDesign(p0=p0, p1=p1, simon=simon, single_stage=single)
