"""A criterion read day after day: each assessment day asks what it says over the window
ending that day (or from a confirmation's first fresh day on). A leaf's plan reads the records
its window holds; a combination's plan combines its parts' answers. Both answer as the day
before, without working anything out again, when nothing they read has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from thrombo.rules.screening_results import CriterionResult, Outcome, count_outcome

Plan = Callable[[date, "date | None"], CriterionResult]
"""A criterion's answer on a day (the window ending that day), from a day on (`since`) or over
the whole window (None)."""

Span = TypeVar("Span")


def remembered(
    span: timedelta,
    records: Callable[[date, date], Span],
    answer: Callable[[date, date, Span], tuple[CriterionResult, bool]],
) -> Plan:
    """A leaf read window by window (the `span` before the day, or from `since` on): a window
    holding the same records (`records`: their positions) as the one before gives the same
    answer, unless the answer names the window's dates; so a day whose sliding window neither
    gained nor lost a record costs two bisections."""
    last_at: Span | None = None
    last: CriterionResult | None = None

    def plan(day: date, since: date | None) -> CriterionResult:
        nonlocal last_at, last
        first = day - span
        if since is not None and since > first:
            first = since
        at = records(first, day)
        if last is not None and at == last_at:
            return last
        last, dated = answer(first, day, at)
        last_at = None if dated else at
        return last

    return plan


def combined(name: str, k: int, parts: tuple[Plan, ...]) -> Plan:
    """Any-of / all-of over the parts; the same part results as the day before give the same
    answer."""
    before: list[CriterionResult] = []
    last: CriterionResult | None = None

    def plan(day: date, since: date | None) -> CriterionResult:
        nonlocal before, last
        results = [p(day, since) for p in parts]
        if last is not None and all(a is b for a, b in zip(results, before, strict=True)):
            return last
        before, last = results, _combine(name, k, results)
        return last

    return plan


def _combine(name: str, k: int, results: list[CriterionResult]) -> CriterionResult:
    outcome = count_outcome(k, [r.outcome for r in results])
    evidence = (
        tuple(e for r in results if r.outcome is Outcome.MET for e in r.evidence)
        if outcome is Outcome.MET
        else ()
    )
    warnings = tuple(sorted({w for r in results for w in r.warnings}))
    reason = None if outcome is not Outcome.INDETERMINATE else "; ".join(
        r.reason for r in results if r.outcome is Outcome.INDETERMINATE and r.reason)
    return CriterionResult(name, outcome, evidence, warnings, reason or None)
