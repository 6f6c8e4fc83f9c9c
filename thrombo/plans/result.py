"""The plan for one patient: options in order, each with its status, reasons, dose and talk points.

One result type serves both conditions: the ITP treatment ladder and the TA-TMA protocol plan.
`Plan.to_json()` is the `plan --json` document (interface.md section 3 conventions: dates as
YYYY-MM-DD, `rules` naming the rule set, version and options, `warnings` for anything resting on
an unverified source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from thrombo.domain.evidence import Evidence, RuleSet
from thrombo.domain.quantities import Comparator
from thrombo.dosing.defibrotide_holds import HoldFinding
from thrombo.dosing.recommendation import DoseRecommendation


class OptionStatus(StrEnum):
    SUGGESTED = "suggested"
    TRIED_FAILED = "tried-failed"
    TRIED_RESPONDED = "tried-responded"
    TRIED_NOT_EVALUABLE = "tried-not-evaluable"
    SHORT_TERM_ONLY = "short-term-only"
    """A first-line agent not yet tried once first line has failed: for bleeding or a procedure,
    not as the next disease-modifying step."""
    NOT_YET = "not-yet"
    NOT_SUITABLE = "not-suitable"
    BLOCKED = "blocked"
    """Suitable, but a hold or contraindication in the record stops it now."""
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    """A course that was given and has ended (its last administration is in the past)."""
    ENDED = "ended"
    """The plan ended (the patient died): nothing is suggested."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an option has its status, with the records it rests on."""

    text: str
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True, slots=True)
class PlanOption:
    drug: str
    drug_class: str
    step: int
    step_name: str
    status: OptionStatus
    reasons: tuple[Reason, ...]
    dose: DoseRecommendation | None = None
    dose_missing: str | None = None
    """Why no dose is given (a missing input), when `dose` is None for a dosed drug."""
    discussion: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    is_next: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "class": self.drug_class,
            "step": self.step,
            "step_name": self.step_name,
            "status": self.status.value,
            "next": self.is_next,
            "reasons": [r.to_json() for r in self.reasons],
            "dose": None if self.dose is None else self.dose.to_json(),
            "dose_missing": self.dose_missing,
            "discussion": list(self.discussion),
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class PlanHold:
    """A defibrotide hold or contraindication found in the record, with its evidence."""

    finding: HoldFinding
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.finding.rule,
            "action": self.finding.action.value,
            "reason": self.finding.reason,
            "source": self.finding.source,
            "until": None if self.finding.until is None else self.finding.until.isoformat(),
            "washout_hours": self.finding.washout_hours,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class BodyInput:
    """A body measure the doses used: the value, when it was measured and which record."""

    name: str
    value: float
    unit: str
    day: date
    record_id: str
    basis: str = "latest on or before as-of"
    comparator: Comparator | None = None
    """A censored result ('<7 g/dL'): `value` is its bound, never a number to dose with."""

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "date": self.day.isoformat(),
            "observation_id": self.record_id,
            "basis": self.basis,
            **({} if self.comparator is None else {"comparator": self.comparator}),
        }


@dataclass(frozen=True)
class Plan:
    condition: str
    patient_id: str
    as_of: date
    rules: RuleSet
    options: tuple[PlanOption, ...]
    summary: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, BodyInput | float | str | None] = field(default_factory=dict)
    holds: tuple[PlanHold, ...] = ()
    course: dict[str, Any] = field(default_factory=dict)
    monitoring: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def next_options(self) -> tuple[PlanOption, ...]:
        return tuple(o for o in self.options if o.is_next)

    @property
    def blocked(self) -> bool:
        return any(h.finding.action.value != "warn" for h in self.holds)

    def option(self, drug: str) -> PlanOption:
        """The option for `drug` (for callers and tests); KeyError when the plan has none."""
        for candidate in self.options:
            if candidate.drug == drug:
                return candidate
        raise KeyError(drug)

    def doses(self) -> list[dict[str, Any]]:
        return [o.dose.to_json() for o in self.options if o.dose is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "condition": self.condition,
            "as_of": self.as_of.isoformat(),
            "rules": self.rules.to_json(),
            "summary": self.summary,
            "inputs": {
                k: v.to_json() if isinstance(v, BodyInput) else v for k, v in self.inputs.items()
            },
            "next": [o.drug for o in self.next_options],
            "options": [o.to_json() for o in self.options],
            "doses": self.doses(),
            "holds": [h.to_json() for h in self.holds],
            "blocked": self.blocked,
            "course": self.course,
            "monitoring": list(self.monitoring),
            "warnings": list(self.warnings),
            "sources": list(self.sources),
        }
