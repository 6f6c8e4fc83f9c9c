"""A measured amount with its UCUM unit, exact or censored ('<10', '>2500')."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from operator import ge, gt, le, lt
from typing import Any, Literal

Comparator = Literal["<", "<=", ">", ">="]
COMPARATORS: tuple[Comparator, ...] = ("<=", ">=", "<", ">")
"""Longest first, so that a text prefix is read whole ('<=' before '<')."""
_OPS = {"<": lt, "<=": le, ">": gt, ">=": ge}
_NEGATION = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


@dataclass(frozen=True, slots=True)
class Quantity:
    """A finite number with a UCUM unit code (e.g. `Quantity(45.0, "10*9/L")`).

    `comparator` marks a censored result: `Quantity(10, "10*9/L", "<")` is "below 10", a bound
    and not a value (FHIR valueQuantity.comparator, OMOP operator_concept_id)."""

    value: float
    unit: str
    comparator: Comparator | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"quantity value must be finite, got {self.value!r}")
        if self.comparator is not None and self.comparator not in _OPS:
            raise ValueError(f"not a comparator: {self.comparator!r}")

    @property
    def exact(self) -> bool:
        return self.comparator is None

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Quantity:
        """The inverse of `to_json`."""
        return cls(float(doc["value"]), str(doc["unit"]), doc.get("comparator"))

    def to_json(self) -> dict[str, float | str]:
        out: dict[str, float | str] = {"value": self.value, "unit": self.unit}
        if self.comparator is not None:
            out["comparator"] = self.comparator
        return out

    def __str__(self) -> str:
        return f"{self.comparator or ''}{self.value:g} {self.unit}"


def _always(value: float, comparator: Comparator | None, op: str, limit: float) -> bool:
    """Whether every true value a (possibly censored) result allows satisfies `x op limit`."""
    if comparator is None:
        return bool(_OPS[op](value, limit))
    upper = comparator in ("<", "<=")
    if upper != (op in ("<", "<=")):
        return False  # unbounded on the side the test needs
    if comparator in ("<", ">"):  # the bound itself is not a possible value
        return value <= limit if upper else value >= limit
    return bool(_OPS[op](value, limit))


def satisfies(value: float, comparator: Comparator | None, op: str, limit: float) -> bool | None:
    """`x op limit` for the true value x of a result by interval logic: True when every value
    the result allows passes, False when none does, None when it cannot be told ('<10' is
    below 50: True; '<10' against 5: None; '>2500' above 320: True)."""
    if _always(value, comparator, op, limit):
        return True
    if _always(value, comparator, _NEGATION[op], limit):
        return False
    return None


def parse_censored(text: str) -> tuple[Comparator | None, str]:
    """('<', '10') for '<10' or '< 10'; (None, text) for a text without a comparator."""
    stripped = text.strip()
    for comparator in COMPARATORS:
        if stripped.startswith(comparator):
            return comparator, stripped[len(comparator):].strip()
    return None, stripped
