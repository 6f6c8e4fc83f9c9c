"""What a classification or response rests on: which counts, which dates, which rule.

ITP classification, response, safety and the treatment plans cite their facts with this type. A
TA-TMA criterion cites the observation that met it with its threshold instead
(thrombo.rules.results.Evidence, the screening result's shape in interface.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from thrombo.domain.quantities import Quantity


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact a result used: the rule it served, the date, the record and value behind it."""

    rule: str
    note: str
    day: date | None = None
    record_id: str | None = None
    value: Quantity | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "note": self.note}
        if self.day is not None:
            out["date"] = self.day.isoformat()
        if self.record_id is not None:
            out["record_id"] = self.record_id
        if self.value is not None:
            out["value"] = self.value.to_json()
        return out


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules a result names: `{"name", "version", "options"}` (interface.md section 3)."""

    name: str
    version: str
    options: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "options": dict(self.options)}
