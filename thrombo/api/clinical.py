"""The use cases as the service's routes, pages and CDS Hooks services call them.

A thin facade over `thrombo.services` (the same functions the command line calls), so that every
router, page and hook uses one default criteria set and one as-of convention, and computes
nothing of its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.plans import Plan
from thrombo.response.itp_patient import ItpClassification
from thrombo.rules.screening_results import ScreeningResult
from thrombo.services.assess import AssessRequest, assess_one
from thrombo.services.dose import DoseRequest, drug_catalogue, drug_names
from thrombo.services.dose import dose as dose_request
from thrombo.services.itp import ItpRequest, itp_one
from thrombo.services.plan import PlanRequest, plan_or_note
from thrombo.services.screen import (
    ALL_CRITERIA,
    DEFAULT_CRITERIA,
    chosen_sets,
    criteria_names,
    criteria_set,
    patient_screening_document,
    results_document,
    screen_all,
    screen_one,
)

__all__ = [
    "ALL_CRITERIA", "DEFAULT_CRITERIA", "assessment", "chosen_sets", "criteria_names",
    "criteria_set", "dose", "dose_request", "drug_catalogue", "drug_names", "itp_status",
    "patient_screening_document", "plan", "results_document", "screen_all", "screen_one",
]


def dose(drug: str, **fields: Any) -> DoseRecommendation:
    """The web form's and the order-sign hook's dose: `DoseRequest`'s fields by name."""
    return dose_request(DoseRequest(drug=drug, **fields))


def itp_status(timeline: PatientTimeline, as_of: date) -> ItpClassification | None:
    """ITP phase and refractoriness, for ITP patients only (None for anyone else)."""
    return itp_one(timeline, ItpRequest(as_of))


def assessment(timeline: PatientTimeline, as_of: date) -> dict[str, Any]:
    """Response and graded adverse events (the `assess --json` patient entry)."""
    return assess_one(timeline, AssessRequest(as_of))


def plan(timeline: PatientTimeline, as_of: date, screening: ScreeningResult | None = None
         ) -> tuple[Plan | None, str | None]:
    """The ITP ladder or TA-TMA protocol plan, or why there is none for this record.
    `screening`: the patient's under the default set as of `as_of`, when the caller has it."""
    return plan_or_note(timeline, PlanRequest(as_of, screening=screening))
