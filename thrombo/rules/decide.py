"""Deciding one observation against one test: yes, no or unknown (model.py's glossary).

Every decision is a pure function of the observation, the patient's fixed facts (birth date,
sex, transplant and engraftment dates) and the patient's own earlier observations (baselines,
height), so the SQL engine can reproduce it with window functions over one patient's rows.
The earlier observations are read through a `PatientIndex` (bisections over the patient's
series, built once per patient); a bare timeline is indexed for the one call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from operator import ge, gt, le, lt

from thrombo.domain.quantities import Comparator, Quantity, satisfies
from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import ChildAge, age_in_months, completed_years
from thrombo.rules import limits
from thrombo.rules.model import (
    AllTests,
    Anchor,
    Baseline,
    BaselineThreshold,
    BloodPressure,
    FallFromBaseline,
    Fixed,
    LabLLN,
    LabULN,
    Limit,
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
    at_low = satisfies(value, comparator, op, round(low, LIMIT_DECIMALS))
    # A limit known exactly (low == high, most of them) is compared once.
    at_high = at_low if high == low else satisfies(
        value, comparator, op, round(high, LIMIT_DECIMALS))
    if at_low is True and at_high is True:
        return Answer.YES
    if at_low is False and at_high is False:
        return Answer.NO
    return Answer.UNKNOWN


def anchor_date(timeline: PatientTimeline, anchor: Anchor) -> date | None:
    patient = timeline.patient
    return {
        "hsct": patient.hsct_date,
        "neutrophil_engraftment": patient.neutrophil_engraftment_date,
        "platelet_engraftment": patient.platelet_engraftment_date,
        "conditioning_start": patient.conditioning_start_date,
    }[anchor]


def baseline_value(source: Source, obs: Observation, rule: Baseline) -> float | None:
    """The baseline for `obs`: a statistic over earlier values of the same analyte."""
    index = indexed(source)
    timeline = index.timeline
    day = timeline.local_day(obs.time)
    first = day - timedelta(days=rule.lookback_days) if rule.lookback_days else date.min
    last = day
    if rule.anchor is not None:
        anchor = anchor_date(timeline, rule.anchor)
        if anchor is None:
            return None
        if rule.side == "after":
            first = max(first, anchor)
        else:
            last = min(last, anchor - timedelta(days=1))
    lo, hi = index.earlier(obs.analyte, obs.time, first, last)
    # Without a look-back the first day is the same for every observation (the anchor, or
    # none): a maximum from there is a running maximum.
    return index.statistic(obs.analyte, lo, hi, rule.statistic, not rule.lookback_days)


def _age(timeline: PatientTimeline, obs: Observation) -> ChildAge:
    """The child's age on the result's local day, as the age-banded tables read it."""
    return ChildAge.on(timeline.patient.birth_date, timeline.local_day(obs.time))


def _sex(timeline: PatientTimeline) -> str:
    return timeline.patient.sex


def limit_bound(
    timeline: PatientTimeline, obs: Observation, limit: Limit
) -> limits.Bound | None:
    """The limit for this observation, or None when it cannot be known."""
    quantity = obs.quantity
    unit = "" if quantity is None else quantity.unit
    match limit:
        case Fixed(value=value, unit=fixed_unit):
            return limits.Bound(value, value, f"{value:g} {fixed_unit}", (), limits.CRITERIA_SET)
        case LabULN(multiple=multiple, fallback=fallback):
            times = "" if multiple == 1 else f"{multiple:g} x "
            if obs.ref_high is not None:
                uln = obs.ref_high
                text = f"{times}ULN {uln:g} {unit} ({obs.ref_source or 'lab range'})"
                return limits.Bound(multiple * uln, multiple * uln, text, (), _range_source(obs))
            if fallback is None:
                return None
            table = limits.fallback_upper(fallback, _age(timeline, obs), _sex(timeline))
            if table is None:
                return None
            text = f"{times}ULN {table.value:g} {unit} ({table.source}, by age)"
            return limits.Bound(multiple * table.value, multiple * table.value, text,
                                table.warnings, limits.PUBLISHED_FALLBACK)
        case LabLLN(fallback=fallback):
            if obs.ref_low is not None:
                lln = obs.ref_low
                text = f"LLN {lln:g} {unit} ({obs.ref_source or 'lab range'})"
                return limits.Bound(lln, lln, text, (), _range_source(obs))
            if fallback is None:
                return None
            table = limits.fallback_lower(fallback, _age(timeline, obs), _sex(timeline))
            if table is None:
                return None
            text = f"LLN {table.value:g} {unit} ({table.source}, by age and sex)"
            return limits.Bound(table.value, table.value, text, table.warnings,
                                limits.PUBLISHED_FALLBACK)
    raise TypeError(f"not a limit: {limit!r}")


def _range_source(obs: Observation) -> str:
    """The result's own range, or the site's (normalize.labranges names it in `ref_source`)."""
    site = obs.ref_source is not None and obs.ref_source.startswith(limits.SITE_RANGE)
    return limits.SITE_RANGE if site else limits.OBSERVATION_RANGE


def _threshold(timeline: PatientTimeline, obs: Observation, test: Threshold) -> Decision:
    if obs.quantity is None or (test.unit is not None and obs.quantity.unit != test.unit):
        return NOT_APPLICABLE
    bound = limit_bound(timeline, obs, test.limit)
    if bound is None:
        return Decision(Answer.UNKNOWN, f"{test.op} limit unknown (no lab range)")
    answer = compare(obs.quantity.value, test.op, bound.low, bound.high, obs.quantity.comparator)
    exact = Quantity(bound.low, obs.quantity.unit) if bound.low == bound.high else None
    return Decision(answer, f"{test.op} {bound.text}", bound.warnings, exact, bound.source)


def _presence(obs: Observation, test: Presence) -> Decision:
    if obs.category is None:
        return NOT_APPLICABLE
    if obs.category in test.yes:
        return Decision(Answer.YES, f"one of {', '.join(test.yes)}")
    if obs.category in test.no:
        return Decision(Answer.NO, f"one of {', '.join(test.yes)}")
    return Decision(Answer.UNKNOWN, f"{obs.category!r} is not a recognised result")


def _baseline(timeline: Source, obs: Observation, baseline: Baseline
              ) -> tuple[Quantity, float] | Decision:
    """The result and the baseline a change is measured from, or the decision when there is
    nothing to compare: not applicable to a coded result; SKIP without a baseline (the result
    can only serve as one)."""
    if obs.quantity is None:
        return NOT_APPLICABLE
    base = baseline_value(timeline, obs, baseline)
    if base is None:
        return Decision(Answer.SKIP, f"no baseline ({described(baseline)})")
    return obs.quantity, base


def _against_baseline(quantity: Quantity, op: Op, limit: float, why: str,
                      baseline: Baseline) -> Decision:
    """The result compared with a limit derived from its baseline (`why` says how)."""
    text = f"{op} {round(limit, LIMIT_DECIMALS):g} {quantity.unit} ({why}: {described(baseline)})"
    return Decision(compare(quantity.value, op, limit, limit, quantity.comparator), text)


def _fall(timeline: Source, obs: Observation, test: FallFromBaseline) -> Decision:
    found = _baseline(timeline, obs, test.baseline)
    if isinstance(found, Decision):
        return found
    quantity, base = found
    candidates: list[tuple[float, str]] = []
    if test.fraction is not None:
        candidates.append((base * (1 - test.fraction), f"a fall of {test.fraction:.0%}"))
    if test.amount is not None:
        candidates.append((base - test.amount, f"a fall of {test.amount:g} {quantity.unit}"))
    limit, what = max(candidates)  # either fall qualifies: the higher limit is the easier one
    return _against_baseline(quantity, "<=", limit, f"{what} from baseline {base:g}",
                             test.baseline)


def _rise(timeline: Source, obs: Observation, test: RiseFromBaseline) -> Decision:
    found = _baseline(timeline, obs, test.baseline)
    if isinstance(found, Decision):
        return found
    quantity, base = found
    return _against_baseline(quantity, ">=", base * test.factor,
                             f"{test.factor:g} x baseline {base:g}", test.baseline)


def _baseline_threshold(timeline: Source, obs: Observation, test: BaselineThreshold) -> Decision:
    found = _baseline(timeline, obs, test.baseline)
    if isinstance(found, Decision):
        return found
    base, limit = found[1], test.limit
    text = f"{described(test.baseline)} {base:g} {test.op} {limit.value:g} {limit.unit}"
    return Decision(compare(base, test.op, limit.value, limit.value), text)


# model.AllTests: the first answer in this order decides the conjunction.
CONJUNCTION_ORDER = (Answer.NO, Answer.SKIP, Answer.UNKNOWN)


def _all_tests(timeline: Source, obs: Observation, test: AllTests) -> Decision:
    parts = [decide(timeline, obs, t) for t in test.tests]
    if any(p.answer is Answer.NOT_APPLICABLE for p in parts):
        return NOT_APPLICABLE
    warnings = tuple(sorted({w for p in parts for w in p.warnings}))
    for wanted in CONJUNCTION_ORDER:
        for p in parts:
            if p.answer is wanted:
                return Decision(wanted, p.threshold, warnings)
    return Decision(Answer.YES, " and ".join(p.threshold for p in parts), warnings)


def decide(source: Source, obs: Observation, test: ObservationTest) -> Decision:
    index = indexed(source)
    match test:
        case BaselineThreshold():
            return _baseline_threshold(index, obs, test)
        case AllTests():
            return _all_tests(index, obs, test)
        case Threshold():
            return _threshold(index.timeline, obs, test)
        case Presence():
            return _presence(obs, test)
        case FallFromBaseline():
            return _fall(index, obs, test)
        case RiseFromBaseline():
            return _rise(index, obs, test)
    raise TypeError(f"not an observation test: {test!r}")


def decide_all(source: Source, obs: Observation, tests: tuple[ObservationTest, ...]) -> Decision:
    """Yes if any applicable test says yes; no if every applicable test says no; skip if every
    one skips (no baseline); else unknown (including when no test applies)."""
    index = indexed(source)
    every = [decide(index, obs, t) for t in tests]
    decisions = [d for d in every if d.answer is not Answer.NOT_APPLICABLE]
    for wanted in (Answer.YES, Answer.UNKNOWN):
        for d in decisions:
            if d.answer is wanted:
                return d
    if not decisions:
        return Decision(Answer.UNKNOWN, "no test applies to this result")
    answered = [d for d in decisions if d.answer is Answer.NO]
    return answered[0] if answered else decisions[0]


def latest_height(source: Source, obs: Observation, lookback_days: int) -> float | None:
    """The last height measured on or before the reading (equal times included), within the
    look-back: the latest known height, unknown when that one is older than the look-back."""
    index = indexed(source)
    first = index.timeline.local_day(obs.time) - timedelta(days=lookback_days)
    return index.latest_height(obs.time, first)


def decide_blood_pressure(source: Source, obs: Observation, rule: BloodPressure) -> Decision:
    """One systolic or diastolic reading against the age-appropriate limit (see model)."""
    if obs.quantity is None:
        return NOT_APPLICABLE
    index = indexed(source)
    timeline = index.timeline
    patient = timeline.patient
    day = timeline.local_day(obs.time)
    value, censored = obs.quantity.value, obs.quantity.comparator
    years = completed_years(patient.birth_date, day)
    if years >= rule.adult_from_years:
        fixed = rule.adult_systolic if obs.analyte == "systolic_bp" else rule.adult_diastolic
        answer = compare(value, rule.adult_op, fixed.value, fixed.value, censored)
        return Decision(answer, f"{rule.adult_op} {fixed.value:g} {fixed.unit} (adult)")
    if years < rule.tables_from_years:
        return Decision(
            Answer.UNKNOWN, f"not assessable: under {rule.tables_from_years} y (option bp_infants)"
        )
    bound = _child_bound(index, obs, rule, day)
    if bound is None:
        return Decision(Answer.UNKNOWN, "no percentile table for this age")
    return Decision(compare(value, rule.child_op, bound.low, bound.high, censored),
                    f"{rule.child_op} {bound.text}", bound.warnings)


def _child_bound(
    index: PatientIndex, obs: Observation, rule: BloodPressure, day: date
) -> limits.Bound | None:
    """The reading's limit. Readings on one day with the same latest height share one look-up
    of both limits (the systolic and diastolic of a measurement; a monitor's hourly readings)."""
    height = latest_height(index, obs, rule.height_lookback_days)
    key = (id(rule), day, height)
    found = index.bp_limits.get(key)
    if found is None:
        found = _child_limits(index, rule, day, height)
        index.bp_limits[key] = found
    return found.get(obs.analyte)


def _child_limits(
    index: PatientIndex, rule: BloodPressure, day: date, height: float | None
) -> dict[str, limits.Bound]:
    """Both components' limits (none where the tables have no row)."""
    patient = index.timeline.patient
    pct: float | None = rule.default_height_percentile
    if height is not None and patient.sex in {"M", "F"}:
        months = age_in_months(patient.birth_date, day)
        measured = limits.child_height_percentile(height, months, patient.sex)
        pct = pct if measured is None else measured
    return limits.bp_limits(
        rule.child_limit.percentile,
        rule.child_limit.source,
        patient.sex,
        # Completed years, the same age that chose the paediatric branch above: decimal years
        # (days / 365.25) can already read 18.0 on the eve of an 18th birthday.
        float(completed_years(patient.birth_date, day)),
        pct,
    )


def observation_value(obs: Observation) -> Quantity | str:
    return obs.quantity if obs.quantity is not None else str(obs.category)
