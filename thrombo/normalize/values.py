"""Parsing of text values: numbers, dates, moments, coded results.

Each parser raises `ValueProblem` with a message that becomes the quarantine reason.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, tzinfo
from functools import cache

from thrombo.domain.quantities import Comparator, parse_censored
from thrombo.io.answer_codes import spellings
from thrombo.io.raw import Moment, RawValue
from thrombo.normalize.dates import birth_problem, date_problem


class ValueProblem(ValueError):
    """A value that cannot be used; the message is the quarantine reason."""


def parse_number(raw: RawValue, what: str) -> float:
    if isinstance(raw, bool) or raw is None:
        raise ValueProblem(f"{what} missing or not a number")
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = raw.strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueProblem(f"{what} {text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueProblem(f"{what} {raw!r} is not a finite number")
    return number


def parse_bound(raw: RawValue, what: str) -> tuple[Comparator | None, float]:
    """A number, or a censored one ('<10', '<=10', '>2500', '>= 2500'): its comparator and
    bound, kept as a bound (interface.md section 1), never read as the number itself."""
    if isinstance(raw, str):
        comparator, rest = parse_censored(raw)
        if comparator is not None:
            return comparator, parse_number(rest, f"{what} {raw.strip()!r}: bound")
    return None, parse_number(raw, what)


def parse_date(raw: Moment | None, what: str, *, future_ok: bool = False) -> date:
    """A date (a date-time gives its date), plausible (normalize.dates): not before 1900, not
    after the import unless `future_ok`."""
    return plausible(_parse_date(raw, what), what, future_ok=future_ok)


def _parse_date(raw: Moment | None, what: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not raw or not raw.strip():
        raise ValueProblem(f"{what} missing")
    text = raw.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueProblem(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def parse_optional_date(raw: Moment | None, what: str) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_date(raw, what)


def parse_moment(raw: Moment | None, what: str, tz: tzinfo, *, future_ok: bool = False,
                 birth: date | None = None) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is the site's local time `tz`.

    A date alone is taken as the start of that local day. Its date must be plausible
    (normalize.dates), as `parse_date`'s, and not before the patient's `birth` when known.
    """
    moment = _parse_moment(raw, what, tz)
    day = moment.date()  # as written: no overflow converting a year-1 moment
    plausible(day, what, future_ok=future_ok)
    after_birth(day, birth, what)
    return moment


def _parse_moment(raw: Moment | None, what: str, tz: tzinfo) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo is not None else raw.replace(tzinfo=tz)
    if isinstance(raw, date):
        return datetime.combine(raw, time.min, tzinfo=tz)
    if not raw or not raw.strip():
        raise ValueProblem(f"{what} missing")
    text = raw.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=tz)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueProblem(f"{what} {text!r} is not an ISO 8601 date or date-time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def plausible(value: date, what: str, *, future_ok: bool = False) -> date:
    """The date, or `ValueProblem` naming the limit it breaks (normalize.dates)."""
    problem = date_problem(value, what, future_ok=future_ok)
    if problem is not None:
        raise ValueProblem(problem)
    return value


def after_birth(value: date, birth: date | None, what: str) -> None:
    """`ValueProblem` when a patient's record is dated before her birth."""
    problem = birth_problem(value, birth, what)
    if problem is not None:
        raise ValueProblem(problem)


# Accepted spellings of coded results. Anything else is quarantined, never guessed.
PRESENCE_SYNONYMS: dict[str, str] = {
    "present": "present",
    "positive": "present",
    "pos": "present",
    "detected": "present",
    "absent": "absent",
    "negative": "absent",
    "neg": "absent",
    "not detected": "absent",
    "none seen": "absent",
}
DIPSTICK_SYNONYMS: dict[str, str] = {
    "negative": "negative",
    "neg": "negative",
    "trace": "trace",
    **{f"{n}+": f"{n}+" for n in range(1, 5)},
    **{f"+{n}": f"{n}+" for n in range(1, 5)},
}


def parse_category(raw: RawValue, categories: tuple[str, ...]) -> str | None:
    """The coded value for a presence or dipstick analyte, or None when the text is not one.

    The text is a word (`present`, `2+`) or a coded answer from the one value-set table
    (io.answer_codes: `LA9633-4`, `http://snomed.info/sct|167275009`, or its display, as an OMOP
    value concept's name gives it)."""
    if not isinstance(raw, str):
        return None
    return category_spellings(categories).get(raw.strip().lower())


@cache
def answer_spellings() -> frozenset[str]:
    """Every lower-case text that is a coded answer for some analyte (a word or a code of the
    value-set table): such a text is refused as an answer the analyte does not take, never as
    "not a number"."""
    return frozenset({*PRESENCE_SYNONYMS, *DIPSTICK_SYNONYMS, *spellings()})


def is_answer(raw: RawValue) -> bool:
    """A coded answer: a word or code of the value-set table, or any `system|code` (a coded
    result whose code the table does not hold is still no number)."""
    return isinstance(raw, str) and (raw.strip().lower() in answer_spellings() or "|" in raw)


@cache
def category_spellings(categories: tuple[str, ...]) -> dict[str, str]:
    """Every accepted lower-case spelling of an analyte's coded results -> its category: the
    words, and each answer code and display that reads as one of them."""
    table = DIPSTICK_SYNONYMS if "trace" in categories else PRESENCE_SYNONYMS
    found = {text: value for text, value in table.items() if value in categories}
    for text, answer in spellings().items():
        value = table.get(answer)
        if value in categories:
            found.setdefault(text, value)
    return found
