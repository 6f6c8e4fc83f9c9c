"""The result every dose calculator returns, and the rounding helpers they share.

`DoseRecommendation.to_json()` produces the interface.md "dose --json" document. Keys of the
interface example are always present (null when they do not apply); thrombo adds `per_m2`,
`range`, `counselling`, `calculation`, `inputs` and `rules`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from thrombo.errors import ThromboUserError

RULES_VERSION = "1"
# interface.md: `dose` is the calculated amount rounded only to 0.1 of its unit.
DOSE_DECIMALS = 1
UNVERIFIED = "from memory, unverified"


class DoseRefusedError(ThromboUserError):
    """The drug must not be given, or has no labelled dose, for this patient's inputs."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A dose amount with its unit (`g`, `mg`, `mcg`, `mg/kg`, `IU`, ...)."""

    value: float
    unit: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


@dataclass(frozen=True, slots=True)
class DoseRange:
    low: float
    high: float
    unit: str

    def to_json(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase of a multi-phase regimen; `count` None means until reassessed."""

    phase: str
    dose: Amount
    every_days: float
    count: int | None
    start_day: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "dose": self.dose.to_json(),
            "every_days": self.every_days,
            "count": self.count,
            "start_day": self.start_day,
        }


@dataclass(frozen=True, slots=True)
class DoseRecommendation:
    drug: str
    indication: str
    regimen: str
    dose: Amount
    route: str
    sources: tuple[str, ...]
    inputs: dict[str, Any]
    per_kg: Amount | None = None
    per_m2: Amount | None = None
    interval_hours: float | None = None
    per_day: Amount | None = None
    infusion_minutes: float | None = None
    course: str = ""
    practical: dict[str, Any] = field(default_factory=dict)
    schedule: tuple[Phase, ...] = ()
    range: DoseRange | None = None
    capped: bool = False
    warnings: tuple[str, ...] = ()
    counselling: tuple[str, ...] = ()
    calculation: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def opt(value: Amount | DoseRange | None) -> dict[str, Any] | None:
            return None if value is None else value.to_json()

        return {
            "drug": self.drug,
            "indication": self.indication,
            "regimen": self.regimen,
            "dose": self.dose.to_json(),
            "per_kg": opt(self.per_kg),
            "per_m2": opt(self.per_m2),
            "interval_hours": self.interval_hours,
            "per_day": opt(self.per_day),
            "route": self.route,
            "infusion_minutes": self.infusion_minutes,
            "course": self.course,
            "practical": self.practical,
            "schedule": [phase.to_json() for phase in self.schedule],
            "range": opt(self.range),
            "capped": self.capped,
            "warnings": list(self.warnings),
            "counselling": list(self.counselling),
            "calculation": list(self.calculation),
            "sources": list(self.sources),
            "inputs": self.inputs,
            "rules": {
                "name": f"{self.drug}-{self.regimen}",
                "version": RULES_VERSION,
                "options": self.options,
            },
        }


def round_half_up(value: float, decimals: int = DOSE_DECIMALS) -> float:
    """Round as a pharmacist does (0.05 -> 0.1), not as binary floats do (banker's)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def round_down(value: float, decimals: int) -> float:
    """Round towards zero at `decimals`; used where rounding up would cross a limit."""
    factor = 10.0**decimals
    return math.floor(round(value * factor, 9)) / factor


def round_up(value: float, decimals: int) -> float:
    factor = 10.0**decimals
    return math.ceil(round(value * factor, 9)) / factor


def capped_dose(
    calculated: float, cap: float | None, decimals: int = DOSE_DECIMALS
) -> tuple[float, bool]:
    """Round the calculated dose to 0.1, never above the cap; `capped` when the cap bit.

    The cap "bites" when the calculated dose exceeds it (clinical-reference.md D: caps are
    applied after calculation). A dose exactly at the cap (0.6 mg/kg x 66.67 kg = 40.0 mg) is
    the calculated dose, not a capped one; nor is a dose that only rounds up to the cap value
    (39.96 -> 40.0 mg).
    """
    if cap is not None and calculated > cap:
        return cap, True
    rounded = round_half_up(calculated, decimals)
    return (min(rounded, cap), False) if cap is not None else (rounded, False)


def round_to_step(value: float, step: float) -> float:
    """Nearest multiple of `step` (half up), e.g. 12.5 mg tablets."""
    steps = Decimal(repr(value / step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return round_half_up(step * float(steps), 4)
