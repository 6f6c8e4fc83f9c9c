"""The study document for the API and the study page.

Aggregates only: a researcher sees counts and estimates, never a patient. Until the analytics
layer's study builder lands this reports the screening flow (screened, diagnosed, treated), which
is counting only; the endpoints (resolution, survival) come from analytics when it is wired.
"""

from __future__ import annotations

from typing import Any

from thrombo.api import clinical
from thrombo.api.service import Service
from thrombo.store.users import User

TREATMENT = "defibrotide"


def study_document(service: Service, user: User) -> dict[str, Any]:
    timelines = service.cohort_for_study(user)
    result = clinical.screen_all(timelines, service.today())
    by_id = {t.patient_id: t for t in timelines}
    screened = [p for p in result.patients if p.status != "not-applicable"]
    diagnosed = [p for p in screened if p.status == "ta-tma"]
    treated = [p for p in diagnosed if by_id[p.patient_id].medications_of(TREATMENT)]
    service.record(user, "study-view", {"patients": len(timelines),
                                        "scope": user.centre if user.role == "clinician"
                                        else "all centres"})
    return {
        "rules": result.rules,
        "as_of": result.as_of.isoformat(),
        "n_treated": len(treated),
        "time_origin": "treatment-start",
        "flow": [{"step": "screened", "n": len(screened)},
                 {"step": "diagnosed", "n": len(diagnosed)},
                 {"step": "treated", "n": len(treated)}],
        "warnings": list(result.warnings),
    }
