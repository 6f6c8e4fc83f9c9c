"""Deciding one observation against one test: yes, no or unknown (model.py's glossary).

Every decision is a pure function of the observation, the patient's fixed facts (birth date,
sex, transplant and engraftment dates) and the patient's own earlier observations (baselines,
height), so the SQL engine can reproduce it with window functions over one patient's rows.
The earlier observations are read through a `PatientIndex` (bisections over the patient's
series, built once per patient); a bare timeline is indexed for the one call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from operator import ge, gt, le, lt

from thrombo.domain.quantities import Comparator, Quantity, satisfies
from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules import limits
from thrombo.rules.decide_limits import bound_reader
from thrombo.rules.model import (
    AllTests,
    Anchor,
    Baseline,
    BaselineThreshold,
    FallFromBaseline,
    ObservationTest,
    Op,
    Presence,
    RiseFromBaseline,
    Threshold,
)
from thrombo.rules.patient_index import PatientIndex

COMPARE = {">": gt, ">=": ge, "<": lt, "<=": le}
# [Design] Limits derived by arithmetic (2 x ULN, 50% of a baseline, baseline - 1 g/dL) are
# rounded to 9 decimal places so that a value exactly at the boundary counts as at it, not a
# binary rounding error away (10.3 - 1.0 != 9.3 in floating point). SQL: ROUND(limit, 9).
LIMIT_DECIMALS = 9


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not-applicable"
    SKIP = "skip"
    """A change test on an observation with no baseline: it can only serve as a baseline."""


@dataclass(frozen=True, slots=True)
class Decision:
    answer: Answer
    threshold: str = ""
    warnings: tuple[str, ...] = ()
    limit: Quantity | None = None
    """The limit the result was compared with, where it is one number (a lab threshold)."""
    limit_source: str | None = None
    """Where `limit` came from: limits.OBSERVATION_RANGE, SITE_RANGE, PUBLISHED_FALLBACK or
    CRITERIA_SET."""


NOT_APPLICABLE = Decision(Answer.NOT_APPLICABLE)
Source = PatientTimeline | PatientIndex


@functools.cache
def described(baseline: Baseline) -> str:
    """`Baseline.describe()`, written once per baseline (it is in every change decision's text)."""
    return baseline.describe()


def indexed(source: Source) -> PatientIndex:
    return source if isinstance(source, PatientIndex) else PatientIndex(source)


def compare(
    value: float, op: Op, low: float, high: float, comparator: Comparator | None = None
) -> Answer:
    """Against a bounded limit: yes if the value passes at both bounds, no if at neither. A
    censored value ('<10': `comparator`) passes or fails by interval logic, or cannot tell."""
    if comparator is None and high == low:
        # An exact value against an exact limit (most decisions): `satisfies` reduces to the
        # comparison itself (values are finite: `Quantity`).
        return Answer.YES if COMPARE[op](value, round(low, LIMIT_DECIMALS)) else Answer.NO
    at_low = satisfies(value, comparator, op, round(low, LIMIT_DECIMALS))
    # A limit known exactly (low == high, most of them) is compared once.
    at_high = at_low if high == low else satisfies(
        value, comparator, op, round(high, LIMIT_DECIMALS))
    if at_low is True and at_high is True:
        return Answer.YES
    if at_low is False and at_high is False:
        return Answer.NO
    return Answer.UNKNOWN


ANCHOR_FIELDS = {
    "hsct": "hsct_date",
    "neutrophil_engraftment": "neutrophil_engraftment_date",
    "platelet_engraftment": "platelet_engraftment_date",
    "conditioning_start": "conditioning_start_date",
}


def anchor_date(timeline: PatientTimeline, anchor: Anchor) -> date | None:
    found: date | None = getattr(timeline.patient, ANCHOR_FIELDS[anchor])
    return found


# --- compiled tests -------------------------------------------------------------------------
# Each test is turned once (per leaf of a criteria set) into a function of the patient's index,
# the observation and its local day, with everything that depends on the test alone (texts,
# fixed limits, look-backs) worked out beforehand: a course of a thousand results is decided
# result by result, and the public functions below are these same functions called once.

Decider = Callable[[PatientIndex, Observation, date], Decision]
BaselineReader = Callable[[PatientIndex, Observation, date], "float | None"]
NO_TEST_APPLIES = Decision(Answer.UNKNOWN, "no test applies to this result")


def _baseline_reader(rule: Baseline) -> BaselineReader:
    """The baseline for an observation: a statistic over earlier values of the same analyte."""
    back = timedelta(days=rule.lookback_days) if rule.lookback_days else None
    anchor, after, statistic = rule.anchor, rule.side == "after", rule.statistic
    field_name = None if anchor is None else ANCHOR_FIELDS[anchor]
    # Without a look-back the first day is the same for every observation (the anchor, or
    # none): a maximum from there is a running maximum.
    fixed_start = not rule.lookback_days

    def read(index: PatientIndex, obs: Observation, day: date) -> float | None:
        first = date.min if back is None else day - back
        last = day
        if field_name is not None:
            found: date | None = getattr(index.timeline.patient, field_name)
            if found is None:
                return None
            if after:
                first = max(first, found)
            else:
                last = min(last, found - ONE_DAY)
        lo, hi = index.earlier(obs.analyte, obs.time, first, last)
        return index.statistic(obs.analyte, lo, hi, statistic, fixed_start)

    return read


ONE_DAY = timedelta(days=1)


def baseline_value(source: Source, obs: Observation, rule: Baseline) -> float | None:
    """The baseline for `obs`: a statistic over earlier values of the same analyte."""
    index = indexed(source)
    return _baseline_reader(rule)(index, obs, index.timeline.local_day(obs.time))



def _threshold(test: Threshold) -> Decider:
    op, unit, bound_of = test.op, test.unit, bound_reader(test.limit)
    unknown = Decision(Answer.UNKNOWN, f"{op} limit unknown (no lab range)")
    # Results against the same limit (a fixed one; one laboratory's range) with the same
    # answer share one decision (decisions are immutable), made once.
    last: tuple[limits.Bound | None, str, dict[Answer, Decision]] = (None, "", {})

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        nonlocal last
        quantity = obs.quantity
        if quantity is None or (unit is not None and quantity.unit != unit):
            return NOT_APPLICABLE
        bound = bound_of(index.timeline, obs, day)
        if bound is None:
            return unknown
        low = bound.low
        answer = compare(quantity.value, op, low, bound.high, quantity.comparator)
        if bound is not last[0] or quantity.unit != last[1]:
            last = (bound, quantity.unit, {})
        made = last[2].get(answer)
        if made is None:
            exact = Quantity(low, quantity.unit) if low == bound.high else None
            made = Decision(answer, f"{op} {bound.text}", bound.warnings, exact, bound.source)
            last[2][answer] = made
        return made

    return decide


def _presence(test: Presence) -> Decider:
    yes = Decision(Answer.YES, f"one of {', '.join(test.yes)}")
    no = Decision(Answer.NO, yes.threshold)

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        category = obs.category
        if category is None:
            return NOT_APPLICABLE
        if category in test.yes:
            return yes
        if category in test.no:
            return no
        return Decision(Answer.UNKNOWN, f"{category!r} is not a recognised result")

    return decide


Compared = Callable[[PatientIndex, Observation, date], "tuple[Quantity, float] | Decision"]


def _with_baseline(baseline: Baseline) -> Compared:
    """The result and the baseline a change is measured from, or the decision when there is
    nothing to compare: not applicable to a coded result; SKIP without a baseline (the result
    can only serve as one)."""
    read = _baseline_reader(baseline)
    skip = Decision(Answer.SKIP, f"no baseline ({described(baseline)})")

    def found(
        index: PatientIndex, obs: Observation, day: date
    ) -> tuple[Quantity, float] | Decision:
        quantity = obs.quantity
        if quantity is None:
            return NOT_APPLICABLE
        base = read(index, obs, day)
        if base is None:
            return skip
        return quantity, base

    return found


ChangeLimit = Callable[[float, str], "tuple[float, str]"]
Made = tuple[float, str, dict[Answer, Decision]]


def _by_baseline(limit_of: ChangeLimit) -> Callable[[float, str], Made]:
    """`limit_of(baseline, unit)` (the limit and the decision's text), worked out once per
    baseline, with the decisions made against it by answer (decisions are immutable): a running
    maximum, or a median over a few days, stays the same for result after result. Zero stays
    out (0.0 and -0.0 are one key but not one text)."""
    found: dict[tuple[float, str], Made] = {}

    def read(base: float, unit: str) -> Made:
        known = found.get((base, unit))
        if known is None:
            known = (*limit_of(base, unit), {})
            if base != 0:
                found[(base, unit)] = known
        return known

    return read


def _change_text(op: Op, limit: float, unit: str, why: str, baseline: str) -> str:
    """A limit derived from a baseline (`why` says how; `baseline` describes it)."""
    return f"{op} {round(limit, LIMIT_DECIMALS):g} {unit} ({why}: {baseline})"


def _against_baseline(compared: Compared, op: Op, limit_of: ChangeLimit) -> Decider:
    """The result compared with the limit derived from its baseline."""
    made_for = _by_baseline(limit_of)

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        found = compared(index, obs, day)
        if isinstance(found, Decision):
            return found
        quantity, base = found
        limit, text, made = made_for(base, quantity.unit)
        answer = compare(quantity.value, op, limit, limit, quantity.comparator)
        decision = made.get(answer)
        if decision is None:
            decision = made[answer] = Decision(answer, text)
        return decision

    return decide


def _fall(test: FallFromBaseline) -> Decider:
    fraction, amount = test.fraction, test.amount
    by_fraction = None if fraction is None else f"a fall of {fraction:.0%}"
    baseline = described(test.baseline)

    def limit_of(base: float, unit: str) -> tuple[float, str]:
        candidates: list[tuple[float, str]] = []
        if by_fraction is not None:
            candidates.append((base * (1 - fraction), by_fraction))  # type: ignore[operator]
        if amount is not None:
            candidates.append((base - amount, f"a fall of {amount:g} {unit}"))
        limit, what = max(candidates)  # either fall qualifies: the higher limit is the easier one
        return limit, _change_text("<=", limit, unit, f"{what} from baseline {base:g}", baseline)

    return _against_baseline(_with_baseline(test.baseline), "<=", limit_of)


def _rise(test: RiseFromBaseline) -> Decider:
    factor, baseline = test.factor, described(test.baseline)

    def limit_of(base: float, unit: str) -> tuple[float, str]:
        limit = base * factor
        return limit, _change_text(">=", limit, unit, f"{factor:g} x baseline {base:g}", baseline)

    return _against_baseline(_with_baseline(test.baseline), ">=", limit_of)


def _baseline_threshold(test: BaselineThreshold) -> Decider:
    compared, op, limit = _with_baseline(test.baseline), test.op, test.limit
    what = described(test.baseline)

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        found = compared(index, obs, day)
        if isinstance(found, Decision):
            return found
        base = found[1]
        text = f"{what} {base:g} {op} {limit.value:g} {limit.unit}"
        return Decision(compare(base, op, limit.value, limit.value), text)

    return decide


# model.AllTests: the first answer in this order decides the conjunction.
CONJUNCTION_ORDER = (Answer.NO, Answer.SKIP, Answer.UNKNOWN)


def _all_tests(test: AllTests) -> Decider:
    deciders = tuple(compile_test(t) for t in test.tests)

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        parts = [d(index, obs, day) for d in deciders]
        if any(p.answer is Answer.NOT_APPLICABLE for p in parts):
            return NOT_APPLICABLE
        warnings = tuple(sorted({w for p in parts for w in p.warnings}))
        for wanted in CONJUNCTION_ORDER:
            for p in parts:
                if p.answer is wanted:
                    return Decision(wanted, p.threshold, warnings)
        return Decision(Answer.YES, " and ".join(p.threshold for p in parts), warnings)

    return decide


def compile_test(test: ObservationTest) -> Decider:
    """One observation test as a function of (index, observation, its local day)."""
    match test:
        case BaselineThreshold():
            return _baseline_threshold(test)
        case AllTests():
            return _all_tests(test)
        case Threshold():
            return _threshold(test)
        case Presence():
            return _presence(test)
        case FallFromBaseline():
            return _fall(test)
        case RiseFromBaseline():
            return _rise(test)
    raise TypeError(f"not an observation test: {test!r}")


def decide(source: Source, obs: Observation, test: ObservationTest) -> Decision:
    index = indexed(source)
    return compile_test(test)(index, obs, index.timeline.local_day(obs.time))


def compile_tests(tests: tuple[ObservationTest, ...]) -> Decider:
    """A leaf's tests together: yes if any applicable test says yes; no if every applicable
    test says no; skip if every one skips (no baseline); else unknown (including when no test
    applies)."""
    deciders = tuple(compile_test(t) for t in tests)
    if len(deciders) == 1:
        only = deciders[0]

        def one(index: PatientIndex, obs: Observation, day: date) -> Decision:
            found = only(index, obs, day)
            return NO_TEST_APPLIES if found.answer is Answer.NOT_APPLICABLE else found

        return one

    def every(index: PatientIndex, obs: Observation, day: date) -> Decision:
        decisions = [found for d in deciders
                     if (found := d(index, obs, day)).answer is not Answer.NOT_APPLICABLE]
        for wanted in (Answer.YES, Answer.UNKNOWN):
            for found in decisions:
                if found.answer is wanted:
                    return found
        if not decisions:
            return NO_TEST_APPLIES
        answered = [found for found in decisions if found.answer is Answer.NO]
        return answered[0] if answered else decisions[0]

    return every


def decide_all(source: Source, obs: Observation, tests: tuple[ObservationTest, ...]) -> Decision:
    """Yes if any applicable test says yes; no if every applicable test says no; skip if every
    one skips (no baseline); else unknown (including when no test applies)."""
    index = indexed(source)
    return compile_tests(tests)(index, obs, index.timeline.local_day(obs.time))


def observation_value(obs: Observation) -> Quantity | str:
    return obs.quantity if obs.quantity is not None else str(obs.category)
