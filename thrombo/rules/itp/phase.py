"""ITP phase by time since diagnosis (IWG 2009, Rodeghiero et al. Blood 2009;113:2386).

IWG 2009 defines the phases in months (clinical-reference.md C1 [S]): newly diagnosed within 3
months, persistent 3-12 months, chronic beyond 12 months. The day cut-offs below are the
project's reading of those months (C1 "Implementation" [Design]) and are configurable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from thrombo.errors import ImplausibleValueError

Phase = Literal["newly-diagnosed", "persistent", "chronic"]

# clinical-reference.md C1 [Design]: < 91 days newly diagnosed (IWG "within 3 months" [S]).
NEWLY_DIAGNOSED_BEFORE_DAY = 91
# clinical-reference.md C1 [Design]: 91-365 days persistent, > 365 days chronic (IWG "3-12
# months" and "lasting > 12 months" [S]).
CHRONIC_AFTER_DAY = 365
# Mean month length for the months_since_diagnosis figure (365.25 / 12 days) [Design].
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class PhaseCutoffs:
    """Day cut-offs: newly diagnosed below `persistent_from`, chronic above `chronic_after`."""

    persistent_from: int = NEWLY_DIAGNOSED_BEFORE_DAY
    chronic_after: int = CHRONIC_AFTER_DAY

    def __post_init__(self) -> None:
        if not 0 < self.persistent_from <= self.chronic_after:
            raise ImplausibleValueError(
                f"ITP phase cut-offs must satisfy 0 < {self.persistent_from} <= "
                f"{self.chronic_after} days"
            )

    def options(self) -> dict[str, int]:
        return {
            "persistent_from_day": self.persistent_from,
            "chronic_after_day": self.chronic_after,
        }


def phase_for_days(days_since_diagnosis: int, cutoffs: PhaseCutoffs | None = None) -> Phase:
    """The IWG phase `days_since_diagnosis` days after diagnosis (day 0 = diagnosis day)."""
    if days_since_diagnosis < 0:
        raise ImplausibleValueError("an ITP phase needs a date on or after the diagnosis date")
    cutoffs = cutoffs or PhaseCutoffs()
    if days_since_diagnosis < cutoffs.persistent_from:
        return "newly-diagnosed"
    if days_since_diagnosis <= cutoffs.chronic_after:
        return "persistent"
    return "chronic"


def phase_on(
    diagnosis: date | None, on: date, cutoffs: PhaseCutoffs | None = None
) -> Phase | None:
    """Phase on a date; None when no diagnosis date is known or `on` precedes the diagnosis."""
    if diagnosis is None or on < diagnosis:
        return None
    return phase_for_days((on - diagnosis).days, cutoffs)


def months_since(diagnosis: date, on: date) -> float:
    """Months from diagnosis to `on`, to one decimal (days / 30.44)."""
    return round((on - diagnosis).days / DAYS_PER_MONTH, 1)


def completed_months(start: date, on: date) -> int:
    """Whole calendar months from `start` to `on` (6 on the same day number 6 months later)."""
    months = (on.year - start.year) * 12 + on.month - start.month
    return months - (1 if on.day < start.day else 0)
