"""Dose calculation: the same registry `thrombo dose` uses. No patient data is read here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from thrombo.api import clinical
from thrombo.api.answers import DoseAnswer, DrugEntry
from thrombo.api.deps import ServiceDep, UserDep
from thrombo.api.schemas import DoseRequest

router = APIRouter(prefix="/api/v1", tags=["dosing"])


@router.get("/drugs", response_model=list[DrugEntry])
def drugs(_user: UserDep) -> list[dict[str, Any]]:
    """Every drug with a calculator, its regimens, indications and the inputs it needs."""
    return clinical.drug_catalogue()


@router.post("/dose", response_model=DoseAnswer, response_model_exclude_unset=True)
def dose(body: DoseRequest, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """A dose for one patient's measurements (interface.md `dose --json`).

    The inputs are `thrombo dose`'s options; a weight the check questions is refused (422) until
    `confirm_weight` is true, and the dose then carries the warning first.
    """
    result = clinical.dose_request(body)
    service.record(user, "dose-calculated", {"drug": result.drug, "regimen": result.regimen})
    return result.to_json()
