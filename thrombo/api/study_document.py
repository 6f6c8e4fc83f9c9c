"""The study document for the API and the dashboard's study page (thrombo.web.study_page).

The study use case `thrombo study` runs (thrombo.services.study), over the patients the user may
count: a clinician's centre, or every centre. Researchers see aggregates only, with
small patient counts suppressed and no individual-level figure (swimmer plot, trajectories).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from thrombo.analytics.study_disclosure import without_identifiers
from thrombo.analytics.study_results import StudyResults
from thrombo.api.service import Service
from thrombo.services.study import UNANALYSABLE, StudyRequest, run_study
from thrombo.store.users import User

RESEARCHER_SUPPRESS_BELOW = 5
"""[Design] Patient counts from 1 to 4 are hidden from researchers (roles that see de-identified
data only): the small-cell rule of disclosure control for health statistics (thresholds of 5 to
11 are in use; clinical-reference.md gives none), since in a paediatric cohort a count of 1-4
can point at a child. The rest of the policy (complementary suppression, no single patient's
value) is `analytics.study_disclosure`; this module removes identifiers from its text."""
__all__ = ["RESEARCHER_SUPPRESS_BELOW", "UNANALYSABLE", "compute_study", "scope",
           "study_document", "study_results", "suppress_below"]


def scope(user: User) -> str:
    return f"centre {user.centre}" if user.role == "clinician" else "all centres"


def suppress_below(user: User) -> int | None:
    return None if user.sees_identified_data else RESEARCHER_SUPPRESS_BELOW


def compute_study(service: Service, user: User, as_of: date) -> StudyResults:
    """The study use case over the patients this user may count, records that cannot be
    analysed left out with a reason."""
    request = StudyRequest(as_of=as_of, suppress_below=suppress_below(user))
    return run_study(service.cohort_for_study(user), request).results


def study_results(service: Service, user: User) -> StudyResults:
    """Computed once per scope, suppression, day and store version (an import starts anew)."""
    day = service.today()
    key = ("study", scope(user), suppress_below(user), day, service.store_version())
    results: StudyResults = service.memo(key, lambda: compute_study(service, user, day))
    return results


def study_document(service: Service, user: User) -> dict[str, Any]:
    """The `study --json` document over the patients this user may count (audited)."""
    results = study_results(service, user)
    service.record(user, "study-view", {"scope": scope(user)})
    document: dict[str, Any] = dict(results.to_json())
    document["as_of"] = service.today().isoformat()
    document["scope"] = scope(user)
    if suppress_below(user) is not None:
        document = without_identifiers(document, service.all_patient_ids())
    return document
