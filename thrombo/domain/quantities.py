"""A measured amount with its UCUM unit."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quantity:
    """A finite number with a UCUM unit code (e.g. `Quantity(45.0, "10*9/L")`)."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"quantity value must be finite, got {self.value!r}")

    def to_json(self) -> dict[str, float | str]:
        return {"value": self.value, "unit": self.unit}

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"
