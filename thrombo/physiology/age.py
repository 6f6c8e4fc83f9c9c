"""Exact age from a birth date and a date of interest.

Written by hand because the standard library gives day counts but no age arithmetic, and a
dependency (dateutil) for three functions is not worth it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from thrombo.errors import ImplausibleValueError

# Mean Gregorian year length; decimal ages in the CKiD and CDC tables are days / 365.25.
DAYS_PER_YEAR = 365.25
MONTHS_PER_YEAR = 12


def age_in_days(birth_date: date, on_date: date) -> int:
    """Whole days from birth to `on_date` (0 on the day of birth); refuses dates before birth."""
    days = (on_date - birth_date).days
    if days < 0:
        raise ImplausibleValueError(f"date {on_date.isoformat()} is before birth ({birth_date})")
    return days


def completed_years(birth_date: date, on_date: date) -> int:
    """Age in completed years (the age a child states), as the BP tables index it."""
    age_in_days(birth_date, on_date)
    had_birthday = (on_date.month, on_date.day) >= (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - (0 if had_birthday else 1)


def completed_months(birth_date: date, on_date: date) -> int:
    """Age in completed months: a month is complete on the day of the month the child was born
    (as `completed_years`: a child born on the 31st completes a 30-day month on the 1st)."""
    age_in_days(birth_date, on_date)
    months = (on_date.year - birth_date.year) * MONTHS_PER_YEAR + on_date.month - birth_date.month
    return months - (1 if on_date.day < birth_date.day else 0)


def age_in_years(birth_date: date, on_date: date) -> float:
    """Decimal age in years (days / 365.25), as the eGFR equations use it."""
    return age_in_days(birth_date, on_date) / DAYS_PER_YEAR


def age_in_months(birth_date: date, on_date: date) -> float:
    """Decimal age in months (days / 30.4375), as the CDC growth tables index it."""
    return age_in_years(birth_date, on_date) * MONTHS_PER_YEAR




AgeUnit = Literal["days", "months"]
AgeBound = tuple[int, AgeUnit]
"""An edge of an age band: (15, "days") is reached on day 15 of life, (120, "months") on the
10th birthday (completed months, as `completed_months` counts them)."""


@dataclass(frozen=True, slots=True)
class ChildAge:
    """A child's age on a day as age-banded laboratory tables read it: whole days of life and
    completed months. Bands "1-9 years", "5-11 years" are completed ages, so a child enters
    the next band on the birthday itself; days / 365.25 reads a tenth birthday after two leap
    days as 9.9986 years and would keep the child in the younger band for a day."""

    days: int
    months: int

    @classmethod
    def on(cls, birth_date: date, on_date: date) -> ChildAge:
        return cls(age_in_days(birth_date, on_date), completed_months(birth_date, on_date))

    def reached(self, bound: AgeBound) -> bool:
        """Whether the child has reached the band edge `bound` (the band starting there)."""
        amount, unit = bound
        return (self.days if unit == "days" else self.months) >= amount

    def within(self, start: AgeBound, end: AgeBound | None) -> bool:
        """In the band from `start` (inclusive) to `end` (exclusive; None: no upper edge)."""
        return self.reached(start) and (end is None or not self.reached(end))
