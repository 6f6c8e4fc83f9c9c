"""Death ends every plan: nothing is suggested, no dose is given, and the header says so.

Applied to any plan (the ITP ladder and the TA-TMA protocol alike) when the record shows a death
date on or before the plan's as-of day. Options already decided (tried, not suitable) keep their
status as history; every option that would still be offered becomes `ended`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from thrombo.domain.timeline import PatientTimeline
from thrombo.plans.result import OptionStatus, Plan, PlanOption, Reason

OFFERED = frozenset(
    {
        OptionStatus.SUGGESTED,
        OptionStatus.SHORT_TERM_ONLY,
        OptionStatus.IN_PROGRESS,
        OptionStatus.BLOCKED,
        OptionStatus.NOT_YET,
    }
)
DEATH_SOURCE = "patients.csv death_date"


def death_as_of(timeline: PatientTimeline, as_of: date) -> date | None:
    """The death date when it is known by the end of `as_of` (a later one is not yet known)."""
    death = timeline.patient.death_date
    return death if death is not None and death <= as_of else None


def death_text(death: date) -> str:
    return f"patient died on {death.isoformat()} ({DEATH_SOURCE}): the plan ended"


def _ended(option: PlanOption, death: date) -> PlanOption:
    if option.status not in OFFERED:
        return replace(option, is_next=False, dose=None)
    reason = Reason(f"{death_text(death)}; nothing is suggested")
    return replace(option, status=OptionStatus.ENDED, reasons=(reason, *option.reasons),
                   is_next=False, dose=None, dose_missing=None)  # fmt: skip


def end_for_death(plan: Plan, death: date) -> Plan:
    """The plan as history only: no suggestion, no dose, no hold; the summary says why."""
    summary = {
        **plan.summary,
        "plan_state": "ended",
        "plan_state_reason": death_text(death),
        "death_date": death.isoformat(),
    }
    warning = f"{death_text(death)}: nothing is suggested"
    return replace(
        plan,
        options=tuple(_ended(o, death) for o in plan.options),
        summary=summary,
        holds=(),
        monitoring=(),
        warnings=tuple(dict.fromkeys((warning, *plan.warnings))),
    )
