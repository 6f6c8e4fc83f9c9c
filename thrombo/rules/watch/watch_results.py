"""What the watch list returns: `watch --json` of interface.md (1.1), plus documented extras.

Extras beyond the contract's example: `signals_indeterminate` (each signal that could not be
decided on as-of, with the reason: missing data is said, never read as "no signal"),
`screening_status` (the default criteria set's status) and `warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from thrombo.domain.evidence import CriterionEvidence

Level = Literal["none", "watch", "alert"]
LEVELS: tuple[Level, ...] = ("none", "watch", "alert")


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@dataclass(frozen=True, slots=True)
class SignalResult:
    """One current signal: met on as-of and on every day since `since`."""

    signal: str
    since: date
    evidence: tuple[CriterionEvidence, ...]

    def to_json(self) -> dict[str, object]:
        return {"signal": self.signal, "since": self.since.isoformat(),
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class WatchResult:
    """One transplant recipient on the watch list as of a day.

    `level` is None for a patient the default criteria set has diagnosed (`diagnosed`): that
    patient needs the diagnosis's plan, not a watch."""

    patient_id: str
    level: Level | None
    since: date | None
    diagnosed: bool
    signals: tuple[SignalResult, ...]
    criteria_met: tuple[str, ...]
    next_tests: tuple[str, ...]
    review_by: date | None
    signals_indeterminate: tuple[tuple[str, str], ...] = ()
    screening_status: str = ""
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "patient_id": self.patient_id,
            "level": self.level,
            "since": _iso(self.since),
            "diagnosed": self.diagnosed,
            "signals": [s.to_json() for s in self.signals],
            "criteria_met": list(self.criteria_met),
            "next_tests": list(self.next_tests),
            "review_by": _iso(self.review_by),
            "signals_indeterminate": dict(self.signals_indeterminate),
            "screening_status": self.screening_status,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class WatchList:
    """Every transplant recipient of a source, as of one day."""

    rules: dict[str, object]
    as_of: date
    patients: tuple[WatchResult, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "rules": self.rules,
            "as_of": self.as_of.isoformat(),
            "patients": [p.to_json() for p in self.patients],
            "warnings": list(self.warnings),
        }
