"""The TA-TMA watch list (issue 24; interface.md `watch --json`): every visible transplant
recipient's level, the signals behind it with their evidence, next tests and review date.

Identified data: clinicians and administrators only (a researcher sees study pages only), and
each view is audited as the patient list is."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from thrombo.api.answers import Answer, Object, Rules
from thrombo.api.deps import AsOf, ClinicalUserDep, ServiceDep
from thrombo.api.watch_memo import watched_list

router = APIRouter(prefix="/api/v1", tags=["watch"])


class WatchSignal(Answer):
    """One current signal: met on as-of and on every day since `since`."""

    signal: str
    since: str
    evidence: list[Object]


class WatchPatient(Answer):
    """One transplant recipient: `level` is null for a diagnosed patient (`diagnosed`)."""

    patient_id: str
    level: Literal["none", "watch", "alert"] | None
    since: str | None
    diagnosed: bool
    signals: list[WatchSignal]
    criteria_met: list[str]
    next_tests: list[str]
    review_by: str | None
    signals_indeterminate: dict[str, str]
    screening_status: str
    warnings: list[str]


class WatchAnswer(Answer):
    rules: Rules
    as_of: str
    patients: list[WatchPatient]
    warnings: list[str]


@router.get("/watch", response_model=WatchAnswer, response_model_exclude_unset=True)
def watch(service: ServiceDep, user: ClinicalUserDep, as_of: AsOf = None) -> dict[str, Any]:
    """The watch list of every transplant recipient visible to the user: alerts first, then
    watches, then the rest, then the diagnosed (no level: the diagnosis applies)."""
    version = service.store_version()
    timelines = service.patients(user, purpose="watch-list", version=version)
    return watched_list(service, timelines, as_of or service.today(), version).to_json()
