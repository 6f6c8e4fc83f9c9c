"""TA-TMA screening results with their evidence (interface.md `screen --json`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from thrombo.api import clinical
from thrombo.api.deps import ClinicalUserDep, ServiceDep

router = APIRouter(prefix="/api/v1", tags=["screening"])

AsOf = Annotated[date | None, Query(description="Use only what was known by this day.")]
Criteria = Annotated[str, Query(description="Criteria set name.")]


@router.get("/screening")
def screen_visible(service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
                   criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    """Screen every patient visible to the user."""
    timelines = service.patients(user, purpose="screening")
    return clinical.screen_all(timelines, as_of or service.today(), criteria).to_json()


@router.get("/patients/{patient_id}/screening")
def screen_one(patient_id: str, service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
               criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    timeline = service.patient(user, patient_id, purpose="screening")
    criteria_set = clinical.criteria_set(criteria)
    result = clinical.screen_one(timeline, as_of or service.today(), criteria)
    return {"rules": criteria_set.rules_json(), "as_of": (as_of or service.today()).isoformat(),
            "patient": result.to_json()}
