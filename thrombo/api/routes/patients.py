"""Patients: search and the timeline of one patient (identified data: every view is audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from thrombo.api.answers import PatientRecord, Timeline
from thrombo.api.deps import ClinicalUserDep, ServiceDep
from thrombo.api.schemas import patient_json, timeline_json

router = APIRouter(prefix="/api/v1/patients", tags=["patients"])


@router.get("", response_model=list[PatientRecord])
def search(
    service: ServiceDep,
    user: ClinicalUserDep,
    q: Annotated[str | None, Query(description="Part of a patient id or centre name.")] = None,
) -> list[dict[str, Any]]:
    """Patients visible to the user (a clinician: their own centre)."""
    return [patient_json(t.patient) for t in service.patients(user, q, purpose="patient-search")]


@router.get("/{patient_id}/timeline", response_model=Timeline)
def timeline(patient_id: str, service: ServiceDep, user: ClinicalUserDep) -> dict[str, Any]:
    """Every stored observation, medication and event of one patient, in time order."""
    return timeline_json(service.patient(user, patient_id, purpose="timeline"))
