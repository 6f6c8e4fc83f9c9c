"""The clinical functions the service calls: the same ones the command line calls.

Kept in one place so that every router, page and CDS Hooks service uses one default criteria set
and one as-of convention, and so that the presentation layer computes nothing of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.inputs import Ancestry, DoseInputs
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.registry import DRUGS, recommend
from thrombo.errors import ThromboUserError
from thrombo.response.itp_patient import ItpClassification, classify_itp
from thrombo.rules.model import CriteriaSet
from thrombo.rules.results import ScreeningResult, SetResult
from thrombo.rules.screening import screen, screen_patient
from thrombo.rules.tma import harmonized_2023

DEFAULT_CRITERIA = harmonized_2023.NAME


def criteria_set(name: str = DEFAULT_CRITERIA) -> CriteriaSet:
    if name != DEFAULT_CRITERIA:
        raise ThromboUserError(f"unknown criteria set {name!r}; available: {DEFAULT_CRITERIA}")
    return harmonized_2023.definition()


def screen_one(timeline: PatientTimeline, as_of: date, criteria: str = DEFAULT_CRITERIA
               ) -> ScreeningResult:
    return screen_patient(timeline, criteria_set(criteria), as_of)


def screen_all(timelines: Sequence[PatientTimeline], as_of: date,
               criteria: str = DEFAULT_CRITERIA) -> SetResult:
    return screen(timelines, criteria_set(criteria), as_of)


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
) -> DoseRecommendation:
    try:
        group = Ancestry(ancestry)
    except ValueError:
        raise ThromboUserError(
            f"unknown ancestry {ancestry!r}: choose one of {', '.join(a.value for a in Ancestry)}"
        ) from None
    inputs = DoseInputs(weight_kg=weight_kg, height_cm=height_cm, age_years=age_years, sex=sex,
                        ancestry=group, hb_g_dl=hb_g_dl, indication=indication, regimen=regimen)
    return recommend(drug, inputs)
