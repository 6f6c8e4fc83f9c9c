"""Study endpoints: cohort flow and endpoints, aggregated (no identified data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from thrombo.api.answers import StudyAnswer
from thrombo.api.deps import ServiceDep, UserDep
from thrombo.api.study_document import study_document

router = APIRouter(prefix="/api/v1", tags=["study"])


@router.get("/study", response_model=StudyAnswer, response_model_exclude_unset=True)
def study(service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """The study document (interface.md `study --json`) over the patients the user may count."""
    return study_document(service, user)
