"""Properties of the date parsers (normalize.values, limits from normalize.dates): any date text
is read as its date when plausible, refused with a reason (ValueProblem) otherwise, and no text
whatever makes them fail any other way."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from thrombo.normalize.dates import EARLIEST, FUTURE_SLACK, today
from thrombo.normalize.values import ValueProblem, parse_date, parse_moment

LATEST = today() + FUTURE_SLACK


@given(st.dates())
def test_a_date_is_read_exactly_when_it_lies_within_the_limits(day: date) -> None:
    plausible = EARLIEST <= day <= LATEST
    try:
        assert parse_date(day.isoformat(), "d") == day
        assert plausible
    except ValueProblem as problem:
        assert not plausible
        assert str(problem).startswith(f"d {day.isoformat()} is ")


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_moment_is_read_exactly_when_its_date_lies_within_the_limits(moment: datetime) -> None:
    plausible = EARLIEST <= moment.date() <= LATEST
    try:
        assert parse_moment(moment.isoformat(), "t", UTC) == moment
        assert plausible
    except ValueProblem:
        assert not plausible


@given(st.dates(min_value=EARLIEST, max_value=LATEST), st.integers(1, 40_000))
def test_nothing_is_read_before_birth(birth: date, days: int) -> None:
    before = birth - timedelta(days=days)
    if before < EARLIEST:
        return
    try:
        parse_moment(before.isoformat(), "t", UTC, birth=birth)
    except ValueProblem as problem:
        assert "before the patient's birth date" in str(problem)
    else:
        raise AssertionError("a moment before birth was read")


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_reason(text: str) -> None:
    with contextlib.suppress(ValueProblem):  # any other exception fails the test
        parse_date(text, "d")
    with contextlib.suppress(ValueProblem):
        parse_moment(text, "t", UTC)
