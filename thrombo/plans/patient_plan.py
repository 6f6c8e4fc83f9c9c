"""One entry point: the plan for one patient, for the condition the record shows (or is named)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.plans.ladder import itp_ladder
from thrombo.plans.ladder_data import DEFAULT_POLICY
from thrombo.plans.plan_end import death_as_of, end_for_death
from thrombo.plans.result import Plan
from thrombo.plans.tma_protocol import tma_protocol
from thrombo.response.itp_patient import is_itp_patient
from thrombo.rules.registry import DEFAULT as DEFAULT_CRITERIA
from thrombo.rules.screening_results import ScreeningResult

CONDITIONS = ("itp", "ta-tma")


class NothingToPlanError(ThromboUserError):
    """The record shows neither ITP nor an allogeneic transplant, and no condition was named."""


def condition_of(timeline: PatientTimeline, as_of: date) -> str:
    """ITP when diagnosed or treated as ITP; TA-TMA planning after an allogeneic transplant."""
    known = timeline.as_of(as_of)
    if is_itp_patient(known):
        return "itp"
    if known.patient.had_allogeneic_hsct:
        return "ta-tma"
    raise NothingToPlanError(
        f"patient {timeline.patient_id}: no ITP diagnosis or ITP treatment and no allogeneic "
        "transplant recorded; name the condition with --condition itp|ta-tma"
    )


def plan_for(
    timeline: PatientTimeline,
    as_of: date,
    *,
    condition: str | None = None,
    policy: str = DEFAULT_POLICY,
    criteria: str = DEFAULT_CRITERIA,
    at: datetime | None = None,
    line_heparin_blocks: bool = False,
    screening: ScreeningResult | None = None,
) -> Plan:
    """The ITP ladder or the TA-TMA protocol plan, on what was known by the end of `as_of`.
    `screening`: the patient's under `criteria` as of `as_of` when the caller has it.

    A death recorded on or before as-of ends either plan: nothing is suggested (plan_end)."""
    chosen = condition or condition_of(timeline, as_of)
    if chosen == "itp":
        plan = itp_ladder(timeline, as_of, policy)
    elif chosen == "ta-tma":
        plan = tma_protocol(timeline, as_of, criteria, at, line_heparin_blocks, screening)
    else:
        raise NothingToPlanError(
            f"unknown condition {chosen!r} (known: {', '.join(CONDITIONS)})"
        )
    death = death_as_of(timeline, as_of)
    if death is not None:
        return end_for_death(plan, death)
    if "plan_state" in plan.summary:
        return plan
    return replace(plan, summary={"plan_state": "active", **plan.summary})
