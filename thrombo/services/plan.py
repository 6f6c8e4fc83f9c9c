"""Use case `plan`: the ITP treatment ladder or the TA-TMA protocol plan for one patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from thrombo.domain.timeline import PatientTimeline
from thrombo.plans import DEFAULT_POLICY, NothingToPlanError, Plan, plan_for
from thrombo.rules.registry import DEFAULT as DEFAULT_CRITERIA
from thrombo.rules.screening_results import ScreeningResult


@dataclass(frozen=True)
class PlanRequest:
    as_of: date
    at: datetime | None = None
    """An instant on `as_of`: defibrotide holds are checked at that moment."""
    condition: str | None = None
    """itp or ta-tma; None: from the record."""
    policy: str = DEFAULT_POLICY
    criteria: str = DEFAULT_CRITERIA
    line_heparin_blocks: bool = False
    screening: ScreeningResult | None = None
    """The patient's screening under `criteria` as of `as_of`, when the caller already has it
    (the dashboard's stored result): the TA-TMA plan then does not screen again."""


def plan_one(timeline: PatientTimeline, request: PlanRequest) -> Plan:
    """The plan; NothingToPlanError when the record shows neither condition."""
    return plan_for(timeline, request.as_of, condition=request.condition,
                    policy=request.policy, criteria=request.criteria, at=request.at,
                    line_heparin_blocks=request.line_heparin_blocks,
                    screening=request.screening)


def plan_or_note(timeline: PatientTimeline, request: PlanRequest) -> tuple[Plan | None, str | None]:
    """The plan, or why there is none for this record (the API answers both)."""
    try:
        return plan_one(timeline, request), None
    except NothingToPlanError as exc:
        return None, str(exc)
