"""Plausible dates: a date no record of a child's care can carry is quarantined at import.

A birth in year 1, a result dated 9999 or a platelet count taken before the child was born are
typing errors, placeholders or a wrong patient; stored, one of them makes every later
computation of age, time windows and study curves wrong or slow for everyone (issue 20, item 7).
Each is refused with a reason that names the field, the date and the limit, and is counted in
the import summary's quarantine like any other unusable value.

Limits (none is in clinical-reference.md; each is a [Design] choice, named in every reason):
- EARLIEST: no date before 1900-01-01 is read. Children's records start after their birth, and
  systems write 0001-01-01, 1800-01-01 or 1899-12-31 for "unknown": these must never be taken
  for real dates.
- the future: nothing later than the day of import (the as-of of an import) plus FUTURE_SLACK;
  a planned end of a medication course is the one exception (medications: `future_ok`).
- birth: no record of a patient is dated before her birth (the birth day itself is fine: a
  result from the first hours of life).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

EARLIEST = date(1900, 1, 1)
"""[Design] The earliest date read: see the module docstring."""
FUTURE_SLACK = timedelta(days=1)
"""[Design] A record dated up to a day after the import date is read: a result taken just after
midnight at a site east of UTC is dated tomorrow in UTC. Anything later is not yet real."""


def today() -> date:
    """The import's as-of: the day it runs, in UTC."""
    return datetime.now(UTC).date()


def date_problem(value: date, what: str, *, future_ok: bool = False,
                 as_of: date | None = None) -> str | None:
    """Why the date is not plausible (before 1900, or unless `future_ok` after the as-of plus a
    day), or None. values.py raises it as the quarantine reason."""
    if value < EARLIEST:
        return (f"{what} {value.isoformat()} is before {EARLIEST.isoformat()}: not a plausible "
                "date (a placeholder or a typing error)")
    latest = (as_of or today()) + FUTURE_SLACK
    if not future_ok and value > latest:
        return f"{what} {value.isoformat()} is in the future"  # later than the import + a day
    return None


def birth_problem(value: date, birth: date | None, what: str) -> str | None:
    """Why a patient's record cannot be dated so (before her birth), or None. An unknown birth
    date gives no problem: the patient's own record is checked when it comes."""
    if birth is not None and value < birth:
        return (f"{what} {value.isoformat()} is before the patient's birth date "
                f"{birth.isoformat()}")
    return None
