"""ITP phase, severity and refractoriness of one patient (interface.md `itp --json`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from thrombo.api import clinical
from thrombo.api.answers import ItpAnswer
from thrombo.api.deps import AsOf, ClinicalUserDep, ServiceDep

router = APIRouter(prefix="/api/v1/patients", tags=["itp"])


@router.get("/{patient_id}/itp", response_model=ItpAnswer, response_model_exclude_unset=True)
def itp_status(
    patient_id: str,
    service: ServiceDep,
    user: ClinicalUserDep,
    as_of: AsOf = None,
) -> dict[str, Any]:
    timeline = service.patient(user, patient_id, purpose="itp")
    day = as_of or service.today()
    result = clinical.itp_status(timeline, day)
    return {"as_of": day.isoformat(), "patient": None if result is None else result.to_json()}
