"""One patient's assessment (response and adverse events) and treatment plan.

The same compositions `thrombo assess` and `thrombo plan` print (interface.md `assess --json`,
`plan --json`); identified data, so every read goes through the audited `Service.patient`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from thrombo.api import clinical
from thrombo.api.answers import AssessmentAnswer, PlanAnswer
from thrombo.api.deps import AsOf, ClinicalUserDep, ServiceDep

router = APIRouter(prefix="/api/v1/patients", tags=["care"])



@router.get("/{patient_id}/assessment", response_model=AssessmentAnswer,
            response_model_exclude_unset=True)
def assessment(patient_id: str, service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None
               ) -> dict[str, Any]:
    """TA-TMA resolution or IWG ITP response of the latest treatment, with graded adverse
    events."""
    timeline = service.patient(user, patient_id, purpose="assessment")
    day = as_of or service.today()
    return {"as_of": day.isoformat(), "patient": clinical.assessment(timeline, day)}


@router.get("/{patient_id}/plan", response_model=PlanAnswer, response_model_exclude_unset=True)
def plan(patient_id: str, service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None
         ) -> dict[str, Any]:
    """The ITP treatment ladder or the TA-TMA protocol plan; `plan` is null (with a `note`)
    when the record shows neither condition."""
    timeline = service.patient(user, patient_id, purpose="plan")
    day = as_of or service.today()
    found, note = clinical.plan(timeline, day)
    return {"as_of": day.isoformat(), "plan": None if found is None else found.to_json(),
            "note": note}
