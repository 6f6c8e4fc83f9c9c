"""What `build_study` returns, and its `study --json` document (interface.md "study --json").

Small counts are suppressed on request (`suppress_below = N`) by the one disclosure-control
policy of `study_disclosure`: small and derivable counts hidden, no value of one patient.
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
from thrombo.analytics.exposure import DrugExposure
from thrombo.analytics.exposure_response import (
    ExposureResponse,
    exposure_json,
    exposure_response_json,
)
from thrombo.analytics.statistical_results import (
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
from thrombo.analytics.study_disclosure import Suppression, flow_json, hidden_proportion

__all__ = ["Comparisons", "ResolutionIncidence", "StudyResults", "Suppression",
           "SurvivalAnalysis", "TrialDesign"]


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
    exposure: tuple[DrugExposure, ...] = ()
    """One row per treated patient and drug (analytics.exposure), when the timelines were given."""
    exposure_response: ExposureResponse | None = None

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
            "flow": flow_json(self.flow, hide),
            "resolution_by_day_28": hide.proportion(self.resolution_by_day_28),
            "overall_survival_6_months": _landmark_json(self.overall_survival, hide),
            "organ_recovery": _organ_json(self.organ_recovery, hide),
            "major_bleeding": _bleeding_json(self, hide),
            "adverse_events": [_ae_json(r, hide) for r in self.adverse_events],
            "cif_resolution": _cif_json(self, hide),
            "overall_survival": _survival_json(self.overall_survival, hide),
            "baseline": _baseline_json(self.baseline, hide),
            "centres": _centres_json(self.centres, hide),
            "comparisons": _comparisons_json(self, hide),
            "design": None if self._resolution_hidden() else _design_json(self.design),
            "input_sha256": self.input_sha256,
            "suppress_below": hide.below,
            "warnings": [hide.warning(w) for w in self.warnings],
            "exposure": exposure_json(self.exposure, hide),
            "exposure_response": exposure_response_json(self.exposure_response, hide),
        }


    def _resolution_hidden(self) -> bool:
        document = self.suppression.proportion(self.resolution_by_day_28)
        return bool(document and document.get("suppressed"))


def _finite(value: Json) -> Json:
    """Infinite or NaN numbers (a Cox hazard ratio under separation) become null."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _landmark_json(survival: SurvivalAnalysis | None, hide: Suppression
                   ) -> dict[str, Json] | None:
    if survival is None or survival.landmark is None:
        return None
    if hide.on and _deaths_hidden(survival, hide):
        return {"time": survival.landmark.time, "estimate": None, "ci_low": None,
                "ci_high": None, "method": survival.landmark.method, "suppressed": True}
    return survival.landmark.to_json()


def _deaths_hidden(survival: SurvivalAnalysis, hide: Suppression) -> bool:
    """Survival at the landmark gives back the deaths before it (and those alive)."""
    if not survival.at_risk:
        return True
    first, last = survival.at_risk[0], survival.at_risk[-1]
    total = first.at_risk + first.events_so_far + first.censored_so_far
    return hide.part(last.events_so_far, total) is None


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


def _cif_json(results: StudyResults, hide: Suppression) -> dict[str, Json] | None:
    cif = results.cif_resolution
    if cif is None:
        return None
    if hide.on:  # the curve's steps are the days individual patients resolved or died
        hidden = results._resolution_hidden()
        return {"estimate": None, "events": {"1": "resolution", "2": "death"},
                "day_28": None if hidden else _json_or_none(cif.landmark),
                "method": cif.estimate.method, "suppressed": True}
    return {"estimate": cif.estimate.to_json(), "events": {"1": "resolution", "2": "death"},
            "day_28": _json_or_none(cif.landmark), "method": cif.estimate.method}


def _survival_json(survival: SurvivalAnalysis | None, hide: Suppression) -> dict[str, Json] | None:
    if survival is None:
        return None
    if hide.on:  # steps, at-risk rows and the median are days of single patients' deaths
        return {"curve": None, "at_risk": None, "median": None,
                "landmark": _landmark_json(survival, hide), "method": survival.curve.method,
                "suppressed": True}
    return {"curve": survival.curve.to_json(),
            "at_risk": [r.to_json() for r in survival.at_risk],  # type: ignore[dict-item]
            "median": survival.median.to_json(), "landmark": _json_or_none(survival.landmark),
            "method": survival.curve.method}


def _baseline_json(baseline: Baseline, hide: Suppression) -> dict[str, Json]:
    n = baseline.n
    sexes = list(baseline.sex)
    shown_sex = hide.group([baseline.sex[k] for k in sexes], hide.hides(n))
    return {"n": hide.count(n), "age_years": hide.summary(baseline.age_years),
            "sex": dict(zip(sexes, shown_sex, strict=True)),
            "centres": baseline.centres,
            "days_hsct_to_diagnosis": hide.summary(baseline.days_hsct_to_diagnosis),
            "days_diagnosis_to_treatment": hide.summary(baseline.days_diagnosis_to_treatment),
            "high_risk": hide.part(baseline.high_risk, n),
            "renal_involvement": hide.part(baseline.renal_involvement, n),
            "neurological_involvement": hide.part(baseline.neurological_involvement, n)}


def _centres_json(centres: tuple[CentreSummary, ...], hide: Suppression) -> list[Json]:
    treated = hide.group([c.treated for c in centres], hide.hides(sum(c.treated
                                                                       for c in centres)))
    return [{"centre": c.centre, "treated": shown,
             "resolution_by_day_28": (hide.proportion(c.resolution_by_day_28) if shown is not None
                                      else hidden_proportion(c.resolution_by_day_28)),
             "deaths_by_6_months": (None if shown is None
                                    else hide.part(c.deaths_by_landmark, c.treated))}
            for c, shown in zip(centres, treated, strict=True)]


def _comparisons_json(results: StudyResults, hide: Suppression) -> dict[str, Json]:
    c = results.comparisons
    resolution_hidden = results._resolution_hidden()
    by_centre = c.survival_by_centre
    if hide.on and by_centre is not None and not _groups_shown(by_centre, results, hide):
        by_centre = None
    survival_test = c.survival_vs_control
    if (hide.on and survival_test is not None and results.overall_survival is not None
            and _deaths_hidden(results.overall_survival, hide)):
        survival_test = None
    return {"historical_control": {"source": c.control_source,
                                   "survival_6_months": c.control_survival_6_months},
            "resolution_vs_control": (None if resolution_hidden
                                      else _json_or_none(c.resolution_vs_control)),
            "survival_vs_control": _json_or_none(survival_test),
            "survival_by_centre": _json_or_none(by_centre),
            "cox": None if hide.on and c.cox and hide.part(c.cox.events, c.cox.n) is None
            else _json_or_none(c.cox)}


def _groups_shown(test: LogRankTest, results: StudyResults, hide: Suppression) -> bool:
    """A between-centre test shows each centre's deaths: only when none is small."""
    sizes = {c.centre: c.treated for c in results.centres}
    return all(hide.part(int(o), sizes.get(g, 0)) is not None and not hide.hides(sizes.get(g, 0))
               for g, o in zip(test.groups, test.observed, strict=True))


def _design_json(design: TrialDesign | None) -> dict[str, Json] | None:
    if design is None:
        return None
    return {"p0": design.p0, "p1": design.p1, "simon": _json_or_none(design.simon),
            "single_stage": _json_or_none(design.single_stage)}
