"""The clinical functions the service calls: the same ones the command line calls.

Kept in one place so that every router, page and CDS Hooks service uses one default criteria set
and one as-of convention, and so that the presentation layer computes nothing of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from thrombo.analytics.assessment import assess_patient
from thrombo.api.schemas import DoseRequest
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.inputs import Ancestry, DoseInputs, age_from_birth_date
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.registry import DRUGS, recommend
from thrombo.errors import ThromboUserError
from thrombo.physiology.body import BsaFormula
from thrombo.plans import NothingToPlanError, Plan, plan_for
from thrombo.response.itp_patient import ItpClassification, classify_itp
from thrombo.rules import registry
from thrombo.rules.compare import disagreements
from thrombo.rules.model import CriteriaSet
from thrombo.rules.results import ScreeningResult, SetResult
from thrombo.rules.screening import screen, screen_patient

DEFAULT_CRITERIA = registry.DEFAULT
ALL_CRITERIA = "all"


def criteria_set(name: str = DEFAULT_CRITERIA) -> CriteriaSet:
    return registry.criteria_set(name)


def criteria_names() -> list[str]:
    return [*registry.SETS, ALL_CRITERIA]


def chosen_sets(name: str) -> list[CriteriaSet]:
    """One named set, or every registered set for `all` (as `thrombo screen --criteria`)."""
    return registry.all_sets() if name == ALL_CRITERIA else [registry.criteria_set(name)]


def screen_one(timeline: PatientTimeline, as_of: date, criteria: str = DEFAULT_CRITERIA
               ) -> ScreeningResult:
    return screen_patient(timeline, criteria_set(criteria), as_of)


def screen_all(timelines: Sequence[PatientTimeline], as_of: date,
               criteria: str = DEFAULT_CRITERIA) -> SetResult:
    return screen(timelines, criteria_set(criteria), as_of)


def screening_document(timelines: Sequence[PatientTimeline], as_of: date, criteria: str
                       ) -> dict[str, Any]:
    """The `screen --json` document: one set's result, or every set side by side for `all`."""
    results = [screen(timelines, s, as_of) for s in chosen_sets(criteria)]
    if criteria != ALL_CRITERIA:
        return results[0].to_json()
    return {"results": [r.to_json() for r in results], "disagreements": disagreements(results)}


def patient_screening_document(timeline: PatientTimeline, as_of: date,
                               sets: Sequence[CriteriaSet], criteria: str) -> dict[str, Any]:
    """One patient under one set (`rules`, `as_of`, `patient`), or under each set for `all`."""
    results = [{"rules": s.rules_json(), "as_of": as_of.isoformat(),
                "patient": screen_patient(timeline, s, as_of).to_json()} for s in sets]
    if criteria != ALL_CRITERIA:
        return results[0]
    return {"as_of": as_of.isoformat(), "results": results}


def itp_status(timeline: PatientTimeline, as_of: date) -> ItpClassification | None:
    """ITP phase and refractoriness, for patients with an ITP diagnosis date only."""
    if timeline.patient.itp_diagnosis_date is None:
        return None
    return classify_itp(timeline, as_of)


def drug_names() -> list[str]:
    return sorted(DRUGS)


def drug_catalogue() -> list[dict[str, Any]]:
    return [
        {"drug": name, "regimens": list(e.regimens), "indications": list(e.indications),
         "needs": list(e.needs)}
        for name, e in sorted(DRUGS.items())
    ]


def dose(
    drug: str,
    *,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    age_years: float | None = None,
    sex: str | None = None,
    ancestry: str = "other",
    hb_g_dl: float | None = None,
    indication: str | None = None,
    regimen: str | None = None,
    recorded_weight_kg: float | None = None,
    confirm_weight: bool = False,
) -> DoseRecommendation:
    """The web form's dose (its fields are numbers and text); `dose_request` takes them all."""
    return dose_request(DoseRequest(
        drug=drug, weight_kg=weight_kg, height_cm=height_cm, age_years=age_years, sex=sex,
        ancestry=ancestry, hb_g_dl=hb_g_dl, indication=indication, regimen=regimen,
        recorded_weight_kg=recorded_weight_kg, confirm_weight=confirm_weight,
    ))  # fmt: skip


def dose_request(body: DoseRequest) -> DoseRecommendation:
    """`thrombo dose` for the API and the web form: the same inputs, the same weight check."""
    day = body.as_of or date.today()
    age_years = body.age_years
    if body.birth_date is not None:
        if age_years is not None:
            raise ThromboUserError("give age_years or birth_date, not both")
        age_years = age_from_birth_date(body.birth_date, day)
    inputs = DoseInputs(
        weight_kg=body.weight_kg, height_cm=body.height_cm, age_years=age_years, sex=body.sex,
        ancestry=_choice(Ancestry, body.ancestry, "ancestry"), hb_g_dl=body.hb_g_dl,
        indication=body.indication, regimen=body.regimen,
        hepatic_impairment=body.hepatic_impairment,
        bsa_formula=_choice(BsaFormula, body.bsa_formula, "bsa_formula"),
        recorded_weight_kg=body.recorded_weight_kg, weight_date=body.weight_date, as_of=day,
        confirm_weight=body.confirm_weight,
    )  # fmt: skip
    return recommend(body.drug, inputs)


Choice = TypeVar("Choice", bound=StrEnum)


def _choice(kind: type[Choice], value: str, name: str) -> Choice:
    try:
        return kind(value)
    except ValueError:
        raise ThromboUserError(
            f"unknown {name} {value!r}: choose one of {', '.join(k.value for k in kind)}"
        ) from None


def assessment(timeline: PatientTimeline, as_of: date) -> dict[str, Any]:
    """Response and graded adverse events (the `assess --json` patient document)."""
    return assess_patient(timeline, as_of)


def plan(timeline: PatientTimeline, as_of: date) -> tuple[Plan | None, str | None]:
    """The ITP ladder or TA-TMA protocol plan, or why there is none for this record."""
    try:
        return plan_for(timeline, as_of), None
    except NothingToPlanError as exc:
        return None, str(exc)
