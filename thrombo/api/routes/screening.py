"""TA-TMA screening results with their evidence (interface.md `screen --json`): under the
default set with its default options, the stored or remembered result (screening_memo)."""

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
from thrombo.api.screening_memo import patient_results, set_screening

router = APIRouter(prefix="/api/v1", tags=["screening"])

Criteria = Annotated[str, Query(description="A criteria set name, or `all` for every set side "
                                           "by side.")]


@router.get("/screening", response_model=SetScreening | ScreeningBySet,
            response_model_exclude_unset=True)
def screen_visible(service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
                   criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    """Screen every patient visible to the user."""
    sets = clinical.chosen_sets(criteria)  # an unknown name is refused before any is read
    version = service.store_version()
    timelines = service.patients(user, purpose="screening", version=version)
    day = as_of or service.today()
    return clinical.results_document(
        [set_screening(service, timelines, s, day, version) for s in sets], criteria)


@router.get("/patients/{patient_id}/screening",
            response_model=OnePatientScreening | OnePatientBySet, response_model_exclude_unset=True)
def screen_one(patient_id: str, service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None,
               criteria: Criteria = clinical.DEFAULT_CRITERIA) -> dict[str, Any]:
    """One patient under one criteria set, or under every set (`results`) for `all`."""
    sets = clinical.chosen_sets(criteria)
    version = service.store_version()  # read before the timeline (screening_memo)
    timeline = service.patient(user, patient_id, purpose="screening")
    day = as_of or service.today()
    return clinical.patient_screening_document(
        timeline, day, sets, criteria, patient_results(service, timeline, day, version))
