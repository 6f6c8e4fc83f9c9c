"""What `build_study` returns, and its `study --json` document (interface.md "study --json").

Small counts are suppressed on request: with `suppress_below = N`, every patient count from 1 to
N - 1 is replaced by null (JSON) and the object carries `"suppressed": true`; a proportion whose
numerator or non-responders are suppressed loses its rate and CI too, since they would give the
count back. Zero is not suppressed (disclosure rules of this kind protect small non-zero cells).
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.analytics.cohort import FlowStep, StudyPatient
from thrombo.analytics.endpoints import (
    AdverseEventRow,
    Baseline,
    CentreSummary,
    OrganRecovery,
)
from thrombo.analytics.results import (
    AtRiskRow,
    BinomialTest,
    CompetingRisksEstimate,
    CoxModel,
    Json,
    LandmarkEstimate,
    LogRankTest,
    MedianSurvival,
    OneSampleLogRankTest,
    ProportionEstimate,
    SimonDesigns,
    SingleStageDesign,
    SurvivalCurve,
    finite_or_none,
)


@dataclass(frozen=True)
class Suppression:
    """Hide patient counts from 1 to `below - 1`; None means show everything."""

    below: int | None = None

    def hides(self, count: int) -> bool:
        return self.below is not None and 0 < count < self.below

    def count(self, n: int) -> int | None:
        return None if self.hides(n) else n

    def proportion(self, estimate: ProportionEstimate | None) -> dict[str, Json] | None:
        if estimate is None:
            return None
        document = estimate.to_json()
        if self.hides(estimate.k) or self.hides(estimate.n - estimate.k):
            document.update(k=None, rate=None, ci_low=None, ci_high=None, suppressed=True)
        if self.hides(estimate.n):
            document.update(n=None, suppressed=True)
        return document


def _json_or_none(value: object) -> Json:
    to_json = getattr(value, "to_json", None)
    return None if to_json is None else to_json()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Comparisons:
    """The study against a historical control, and centres against each other."""

    control_source: str | None
    resolution_vs_control: BinomialTest | None
    survival_vs_control: OneSampleLogRankTest | None
    control_survival_6_months: float | None
    survival_by_centre: LogRankTest | None
    cox: CoxModel | None


@dataclass(frozen=True)
class TrialDesign:
    """Sizes of a next single-arm trial from the control rate (p0) to a target rate (p1)."""

    p0: float
    p1: float
    simon: SimonDesigns | None
    single_stage: SingleStageDesign | None


@dataclass(frozen=True)
class SurvivalAnalysis:
    curve: SurvivalCurve
    landmark: LandmarkEstimate | None
    at_risk: tuple[AtRiskRow, ...]
    median: MedianSurvival


@dataclass(frozen=True)
class ResolutionIncidence:
    estimate: CompetingRisksEstimate
    landmark: LandmarkEstimate | None


@dataclass(frozen=True)
class StudyResults:
    rules: dict[str, Json]
    time_origin: str
    flow: tuple[FlowStep, ...]
    cohort: tuple[StudyPatient, ...]
    """The treated patients (the analysis population), for the report's figures; not in JSON."""
    resolution_by_day_28: ProportionEstimate | None
    cif_resolution: ResolutionIncidence | None
    overall_survival: SurvivalAnalysis | None
    organ_recovery: OrganRecovery
    major_bleeding: ProportionEstimate | None
    major_bleeding_definition: str
    adverse_events: tuple[AdverseEventRow, ...]
    baseline: Baseline
    centres: tuple[CentreSummary, ...]
    comparisons: Comparisons
    design: TrialDesign | None
    input_sha256: str
    suppression: Suppression
    warnings: tuple[str, ...]

    @property
    def n_treated(self) -> int:
        return len(self.cohort)

    def to_json(self) -> dict[str, Json]:
        document = _finite(self._document())
        assert isinstance(document, dict)
        return document

    def _document(self) -> dict[str, Json]:
        hide = self.suppression
        return {
            "rules": self.rules,
            "n_treated": hide.count(self.n_treated),
            "time_origin": self.time_origin,
            "flow": [_flow_json(s, hide) for s in self.flow],
            "resolution_by_day_28": hide.proportion(self.resolution_by_day_28),
            "overall_survival_6_months": _landmark_json(self.overall_survival),
            "organ_recovery": _organ_json(self.organ_recovery, hide),
            "major_bleeding": _bleeding_json(self, hide),
            "adverse_events": [_ae_json(r, hide) for r in self.adverse_events],
            "cif_resolution": _cif_json(self.cif_resolution),
            "overall_survival": _survival_json(self.overall_survival, hide),
            "baseline": _baseline_json(self.baseline, hide),
            "centres": [_centre_json(c, hide) for c in self.centres],
            "comparisons": _comparisons_json(self.comparisons),
            "design": _design_json(self.design),
            "input_sha256": self.input_sha256,
            "suppress_below": hide.below,
            "warnings": list(self.warnings),
        }


def _finite(value: Json) -> Json:
    """Infinite or NaN numbers (a Cox hazard ratio under separation) become null."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _flow_json(step: FlowStep, hide: Suppression) -> dict[str, Json]:
    return {"step": step.step, "n": hide.count(step.n),
            "excluded": [{"reason": e.reason, "n": hide.count(e.n)} for e in step.excluded]}


def _landmark_json(survival: SurvivalAnalysis | None) -> dict[str, Json] | None:
    if survival is None or survival.landmark is None:
        return None
    return survival.landmark.to_json()


def _organ_json(organ: OrganRecovery, hide: Suppression) -> dict[str, Json] | None:
    document = hide.proportion(organ.any_organ)
    if document is None:
        return None
    document["denominator"] = "all treated patients (renal or neurological recovery)"
    document["renal"] = hide.proportion(organ.renal)
    document["neurological"] = hide.proportion(organ.neurological)
    return document


def _bleeding_json(results: StudyResults, hide: Suppression) -> dict[str, Json] | None:
    document = hide.proportion(results.major_bleeding)
    if document is not None:
        document["definition"] = results.major_bleeding_definition
    return document


def _ae_json(row: AdverseEventRow, hide: Suppression) -> dict[str, Json]:
    document: dict[str, Json] = {"event": row.term, "grade": row.grade,
                                 "patients": hide.count(row.patients)}
    if hide.hides(row.patients):
        document["suppressed"] = True
    return document


def _cif_json(cif: ResolutionIncidence | None) -> dict[str, Json] | None:
    if cif is None:
        return None
    return {"estimate": cif.estimate.to_json(), "events": {"1": "resolution", "2": "death"},
            "day_28": _json_or_none(cif.landmark), "method": cif.estimate.method}


def _survival_json(survival: SurvivalAnalysis | None, hide: Suppression) -> dict[str, Json] | None:
    if survival is None:
        return None
    at_risk = [{"time": r.time, "at_risk": hide.count(r.at_risk),
                "events_so_far": hide.count(r.events_so_far),
                "censored_so_far": hide.count(r.censored_so_far)} for r in survival.at_risk]
    curve = survival.curve.to_json()
    if hide.below is not None:
        # Step-by-step counts give every small number back: left out when suppressing.
        curve.update(at_risk=None, events=None, censored=None)
    return {"curve": curve, "at_risk": at_risk,  # type: ignore[dict-item]
            "median": survival.median.to_json(), "landmark": _json_or_none(survival.landmark),
            "method": survival.curve.method}


def _baseline_json(baseline: Baseline, hide: Suppression) -> dict[str, Json]:
    def summary(s: object) -> Json:
        return _json_or_none(s)
    return {"n": hide.count(baseline.n), "age_years": summary(baseline.age_years),
            "sex": {k: hide.count(v) for k, v in baseline.sex.items()},
            "centres": baseline.centres,
            "days_hsct_to_diagnosis": summary(baseline.days_hsct_to_diagnosis),
            "days_diagnosis_to_treatment": summary(baseline.days_diagnosis_to_treatment),
            "high_risk": hide.count(baseline.high_risk),
            "renal_involvement": hide.count(baseline.renal_involvement),
            "neurological_involvement": hide.count(baseline.neurological_involvement)}


def _centre_json(centre: CentreSummary, hide: Suppression) -> dict[str, Json]:
    return {"centre": centre.centre, "treated": hide.count(centre.treated),
            "resolution_by_day_28": hide.proportion(centre.resolution_by_day_28),
            "deaths_by_6_months": hide.count(centre.deaths_by_landmark)}


def _comparisons_json(c: Comparisons) -> dict[str, Json]:
    return {"historical_control": {"source": c.control_source,
                                   "survival_6_months": c.control_survival_6_months},
            "resolution_vs_control": _json_or_none(c.resolution_vs_control),
            "survival_vs_control": _json_or_none(c.survival_vs_control),
            "survival_by_centre": _json_or_none(c.survival_by_centre),
            "cox": _json_or_none(c.cox)}


def _design_json(design: TrialDesign | None) -> dict[str, Json] | None:
    if design is None:
        return None
    return {"p0": design.p0, "p1": design.p1, "simon": _json_or_none(design.simon),
            "single_stage": _json_or_none(design.single_stage)}
