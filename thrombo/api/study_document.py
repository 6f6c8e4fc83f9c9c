"""The study document for the API and the dashboard's study page (thrombo.web.study_page).

The same composition `thrombo study` runs (`study_input` then `build_study`), over the patients
the user may count: a clinician's centre, or every centre. Researchers see aggregates only, with
small patient counts suppressed and no individual-level figure (swimmer plot, trajectories).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from thrombo.analytics.cohort import Exclusion
from thrombo.analytics.exposure import DrugExposure, study_exposure
from thrombo.analytics.from_timelines import StudyInput, study_input
from thrombo.analytics.study import StudyOptions, build_study
from thrombo.analytics.study_disclosure import without_identifiers
from thrombo.analytics.study_results import StudyResults
from thrombo.api import clinical
from thrombo.api.service import Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.store.users import User

RESEARCHER_SUPPRESS_BELOW = 5
"""[Design] Patient counts from 1 to 4 are hidden from researchers (roles that see de-identified
data only): the small-cell rule of disclosure control for health statistics (thresholds of 5 to
11 are in use; clinical-reference.md gives none), since in a paediatric cohort a count of 1-4
can point at a child. The rest of the policy (complementary suppression, no single patient's
value) is `analytics.study_disclosure`; this module removes identifiers from its text."""
UNANALYSABLE = "record cannot be analysed (an implausible date or value)"
log = logging.getLogger("thrombo.api")


def scope(user: User) -> str:
    return f"centre {user.centre}" if user.role == "clinician" else "all centres"


def suppress_below(user: User) -> int | None:
    return None if user.sees_identified_data else RESEARCHER_SUPPRESS_BELOW


def compute_study(service: Service, user: User, as_of: date) -> StudyResults:
    cohort, exposure, excluded = analysable_input(service.cohort_for_study(user), as_of)
    options = StudyOptions(criteria_set=cohort.criteria_name,
                           criteria_version=cohort.criteria_version,
                           suppress_below=suppress_below(user),
                           upstream_warnings=cohort.warnings,
                           excluded=excluded)
    return build_study(cohort.patients, options, exposure)


StudyData = tuple[StudyInput, Sequence[DrugExposure]]


def _study_data(timelines: Sequence[PatientTimeline], as_of: date) -> StudyData:
    cohort = study_input(timelines, clinical.DEFAULT_CRITERIA, as_of=as_of)
    return cohort, study_exposure(timelines, cohort.patients, as_of)


def analysable_input(timelines: Sequence[PatientTimeline], as_of: date
                     ) -> tuple[StudyInput, Sequence[DrugExposure], tuple[Exclusion, ...]]:
    """The study's input without the patients whose records cannot be analysed (one child
    born in year 1 must not take the study away from everyone): each patient is tried on its
    own only when the cohort as a whole is refused, and left out with a reason, never its id."""
    try:
        return (*_study_data(timelines, as_of), ())
    except ThromboUserError:
        pass
    kept = [t for t in timelines if _analysable(t, as_of)]
    excluded = Exclusion(UNANALYSABLE, len(timelines) - len(kept))
    return (*_study_data(kept, as_of), (excluded,))


def _analysable(timeline: PatientTimeline, as_of: date) -> bool:
    try:
        _study_data([timeline], as_of)
    except ThromboUserError as exc:
        log.warning("a patient left out of the study: %s", type(exc).__name__)
        return False
    return True


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
