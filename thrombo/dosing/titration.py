"""What a titration rule returns: one next action with its reason."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from thrombo.errors import ImplausibleValueError

# [Design] a platelet count above 5000 x 10^9/L is not a plausible result.
PLATELETS_MAX_10E9_L = 5000.0


class TitrationStep(StrEnum):
    INCREASE = "increase"
    NO_CHANGE = "no-change"
    DECREASE = "decrease"
    HOLD = "hold"
    DISCONTINUE = "discontinue"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class TitrationAdvice:
    action: TitrationStep
    next_dose: float | None
    unit: str
    reason: str
    warnings: tuple[str, ...] = ()


def check_platelets(platelets_10e9_l: float) -> float:
    if not math.isfinite(platelets_10e9_l) or not 0 <= platelets_10e9_l <= PLATELETS_MAX_10E9_L:
        raise ImplausibleValueError(
            f"platelet count {platelets_10e9_l:g} x 10^9/L is implausible "
            f"(accepted: 0 to {PLATELETS_MAX_10E9_L:g})"
        )
    return platelets_10e9_l


def check_weeks(weeks: float, name: str) -> float:
    if not math.isfinite(weeks) or weeks < 0:
        raise ImplausibleValueError(f"{name} must be zero or more, got {weeks:g}")
    return weeks
