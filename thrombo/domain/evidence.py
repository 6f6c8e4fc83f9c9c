"""What a conclusion rests on: the facts it used (`Evidence`) and the rules it names (`RuleSet`).

Every result of thrombo cites its facts with one type. `Evidence` says which rule a fact served,
what it says in words, the day, the record and the value behind it: ITP classification, response,
safety and the treatment plans use it as it is. A TA-TMA screening criterion cites the observation
or event that met it as `CriterionEvidence`, the same fact with the criterion's name and the exact
time, whose note is the threshold the value passed. Each keeps the JSON shape interface.md gives it
(section 3 for plans, assessments and ITP; the `screen --json` evidence for criteria).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from thrombo.domain.quantities import Quantity

Value = Quantity | str
"""A measured amount, or a fact in words where there is no number (an event: "TMA grade 2")."""


def value_json(value: Value) -> object:
    return value.to_json() if isinstance(value, Quantity) else value


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact a result used: the rule it served, what it says, when, which record, the value."""

    rule: str
    note: str
    day: date | None = None
    record_id: str | None = None
    value: Value | None = None
    reported: Quantity | None = None
    """The value as the laboratory reported it (6.0 ukat/L), where it differs from `value`
    in the canonical unit (360 U/L)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "note": self.note}
        if self.day is not None:
            out["date"] = self.day.isoformat()
        if self.record_id is not None:
            out["record_id"] = self.record_id
        if self.value is not None:
            out["value"] = value_json(self.value)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionEvidence(Evidence):
    """A screening criterion's fact: the observation or event that made it met, at its exact time.

    `note` is the threshold it passed ("> ULN 280 U/L (lab range)"), `rule` the analyte or event
    the criterion read, `record_id` the observation's (or event's) id; `day` is the time's date.
    """

    criterion: str
    time: datetime
    limit: Quantity | None = None
    """The limit the value was compared with (a ULN, LLN or fixed threshold), where it is one
    number; set on the latest result of a criterion not met or indeterminate."""
    limit_source: str | None = None
    """Where `limit` came from: "observation range", "site range", "published fallback" or
    "criteria set"."""

    @classmethod
    def of(cls, criterion: str, observation_id: str, time: datetime, value: Value,
           threshold: str, rule: str, reported: Quantity | None = None) -> CriterionEvidence:
        """In the order the screening JSON lists them (interface.md, `screen --json`)."""
        return cls(rule=rule, note=threshold, day=time.date(), record_id=observation_id,
                   value=value, reported=reported, criterion=criterion, time=time)

    @property
    def observation_id(self) -> str:
        """The screening JSON's name for `record_id` (always given: `of` requires it)."""
        return self.record_id or ""

    @property
    def threshold(self) -> str:
        """The screening JSON's name for `note`: the threshold the value passed."""
        return self.note

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "observation_id": self.observation_id,
            "time": self.time.isoformat(),
            "value": None if self.value is None else value_json(self.value),
            "threshold": self.threshold,
            "rule": self.rule,
            # As text ("6 ukat/L"): JSON quantity objects are always canonical (interface.md).
            **({} if self.reported is None else {"reported": str(self.reported)}),
            **({} if self.limit is None else {"limit": self.limit.to_json()}),
            **({} if self.limit_source is None else {"limit_source": self.limit_source}),
        }


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules a result names: `{"name", "version", "options"}` (interface.md section 3)."""

    name: str
    version: str
    options: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "options": dict(self.options)}
