"""TA-TMA screening results with their evidence (interface.md `screen --json`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from thrombo.api import clinical
from thrombo.api.answers import (
    OnePatientBySet,
    OnePatientScreening,
    ScreeningBySet,
    SetScreening,
)
from thrombo.api.deps import AsOf, ClinicalUserDep, ServiceDep

router = APIRouter(prefix="/api/v1", tags=["screening"])

Criteria = Annotated[str, Query(description="A criteria set name, or `all` for every set side "
                                           "by side.")]


@router.get("/screening", response_model=SetScreening | ScreeningBySet,
            response_model_exclude_unset=True)
def screen_visible(service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
                   criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    """Screen every patient visible to the user."""
    clinical.chosen_sets(criteria)  # an unknown name is refused before any patient is read
    timelines = service.patients(user, purpose="screening")
    return clinical.screening_document(timelines, as_of or service.today(), criteria)


@router.get("/patients/{patient_id}/screening",
            response_model=OnePatientScreening | OnePatientBySet, response_model_exclude_unset=True)
def screen_one(patient_id: str, service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
               criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    """One patient under one criteria set, or under every set (`results`) for `all`."""
    sets = clinical.chosen_sets(criteria)
    timeline = service.patient(user, patient_id, purpose="screening")
    day = as_of or service.today()
    return clinical.patient_screening_document(timeline, day, sets, criteria)
