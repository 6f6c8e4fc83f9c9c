"""What screening returns: three-valued outcomes with their evidence, per day and per patient.

`ScreeningResult.to_json()` and `SetResult.to_json()` produce the `screen --json` shape of
interface.md exactly (plus the documented extras `assessed_on` and `warnings`). A criterion's
evidence is thrombo.domain.evidence.CriterionEvidence, the one evidence type every result uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from thrombo.domain.evidence import CriterionEvidence

Status = Literal["ta-tma", "no-ta-tma", "insufficient-data", "not-applicable"]
JsonValue = object


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    INDETERMINATE = "indeterminate"


def count_outcome(k: int, outcomes: list[Outcome]) -> Outcome:
    """At least k met: MET; fewer than k even counting every indeterminate: NOT_MET."""
    met = outcomes.count(Outcome.MET)
    if met >= k:
        return Outcome.MET
    if met + outcomes.count(Outcome.INDETERMINATE) < k:
        return Outcome.NOT_MET
    return Outcome.INDETERMINATE


@dataclass(frozen=True, slots=True)
class CriterionResult:
    name: str
    outcome: Outcome
    evidence: tuple[CriterionEvidence, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    """Why the criterion is indeterminate (reasons.py), None otherwise."""


@dataclass(frozen=True, slots=True)
class DayStatus:
    """One assessment day: every criterion's result and the diagnosis rule's outcome."""

    day: date
    criteria: tuple[CriterionResult, ...]
    rule: Outcome
    confirm: Outcome | None = None
    """As the second of two consecutive time points: the rule over the fresh window (model.py
    glossary, `confirmation = "re-measured"`); None: the same as `rule`."""

    @property
    def confirms(self) -> Outcome:
        return self.rule if self.confirm is None else self.confirm

    def named(self, outcome: Outcome) -> list[str]:
        return [c.name for c in self.criteria if c.outcome is outcome]

    @property
    def met_count(self) -> int:
        return len(self.named(Outcome.MET))


@dataclass(frozen=True)
class ScreeningResult:
    patient_id: str
    status: Status
    first_met: date | None
    active: bool
    criteria_met: tuple[str, ...]
    criteria_indeterminate: tuple[str, ...]
    high_risk: bool | None
    high_risk_features: tuple[str, ...]
    evidence: tuple[CriterionEvidence, ...]
    assessed_on: date | None
    """The day `criteria_met` describes: `first_met`, or the day with the most criteria met."""
    days: tuple[DayStatus, ...] = ()
    warnings: tuple[str, ...] = ()
    indeterminate_reasons: tuple[tuple[str, str], ...] = ()
    """Why each of `criteria_indeterminate` is (criterion, reason); the reference only."""
    latest_results: tuple[tuple[str, CriterionEvidence], ...] = ()
    """(outcome, evidence) for each criterion not met or indeterminate on `assessed_on`: the
    latest result it compared, the threshold and the limit with its source (latest_results.py)."""

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "patient_id": self.patient_id,
            "status": self.status,
            "first_met": None if self.first_met is None else self.first_met.isoformat(),
            "active": self.active,
            "criteria_met": list(self.criteria_met),
            "criteria_indeterminate": list(self.criteria_indeterminate),
            "high_risk": self.high_risk,
            "high_risk_features": list(self.high_risk_features),
            "evidence": [e.to_json() for e in self.evidence],
            "assessed_on": None if self.assessed_on is None else self.assessed_on.isoformat(),
            "indeterminate_reasons": dict(self.indeterminate_reasons),
            "latest_results": [{**e.to_json(), "outcome": outcome}
                               for outcome, e in self.latest_results],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class SetResult:
    """One criteria set applied to every patient of a source."""

    rules: dict[str, JsonValue]
    as_of: date
    patients: tuple[ScreeningResult, ...]
    warnings: tuple[str, ...]

    def by_patient(self) -> dict[str, ScreeningResult]:
        return {p.patient_id: p for p in self.patients}

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "rules": self.rules,
            "as_of": self.as_of.isoformat(),
            "patients": [p.to_json() for p in self.patients],
            "warnings": list(self.warnings),
        }
