"""The haemoglobin median baseline over daily series: both of the batch engine's paths.

A patient whose haemoglobin is measured exactly once a day with no day missing takes the
engine's fixed-row window; any gap or second result the same day sends the patient to the
day-range window. Hypothesis builds daily series, then breaks some of them (a missing day, a
second result the same day, both at once, a result without a value), and the anaemia
criterion is compared with the reference on every day of the series.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engines.agreement import assert_criterion_agrees_by_day
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.engines.duck import DuckDBEngine
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

HSCT = date(2026, 1, 1)
VALUES = (7.5, 8.0, 8.5, 9.0, 9.3, 9.5, 10.0, 10.3, 11.0)
# "moved": a day missing and a second result on another day, so the row count still equals
# the span of days.
BREAKS = ("none", "none", "gap", "second-same-day", "moved", "no-value")


def _hb(pid: str, n: int, on: date, hour: int, value: float | None) -> Observation:
    when = datetime.combine(on, time(hour), tzinfo=UTC)
    if value is None:
        return Observation(f"{pid}-{n:03d}", pid, "hemoglobin", when, category="present")
    return Observation(f"{pid}-{n:03d}", pid, "hemoglobin", when,
                       quantity=Quantity(value, "g/dL"))


@st.composite
def daily_course(draw: Any, pid: str) -> tuple[PatientTimeline, list[date]]:
    start = HSCT + timedelta(days=draw(st.integers(-5, 10)))
    days = [start + timedelta(days=i) for i in range(draw(st.integers(1, 45)))]
    values: list[float | None] = [draw(st.sampled_from(VALUES)) for _ in days]
    broken = draw(st.sampled_from(BREAKS))
    at = draw(st.integers(0, len(days) - 1))
    extra: list[Observation] = []
    if broken == "gap" and 0 < at < len(days) - 1:
        del days[at], values[at]
    elif broken == "second-same-day":
        extra.append(_hb(pid, 999, days[at], 15, draw(st.sampled_from(VALUES))))
    elif broken == "moved" and 0 < at < len(days) - 1:
        twice = draw(st.sampled_from([d for i, d in enumerate(days) if i != at]))
        del days[at], values[at]
        extra.append(_hb(pid, 999, twice, 15, draw(st.sampled_from(VALUES))))
    elif broken == "no-value":
        values[at] = None
    observations = [_hb(pid, i, d, 8, v) for i, (d, v) in enumerate(zip(days, values, strict=True))]
    patient = Patient(pid, HSCT - timedelta(days=3000), "F", hsct_date=HSCT)
    return PatientTimeline.build(patient, [*observations, *extra]), days


cohorts = st.integers(1, 5).flatmap(
    lambda n: st.tuples(*[daily_course(f"D{i:02d}") for i in range(n)])
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohort=cohorts, lookback=st.sampled_from((3, 7, 28)))
def test_anaemia_agrees_with_the_reference_on_every_day(
    cohort: tuple[tuple[PatientTimeline, list[date]], ...], lookback: int
) -> None:
    criteria = criteria_set("harmonized-2023", ScreeningOptions(hb_baseline_lookback_days=lookback))
    assert_criterion_agrees_by_day(DuckDBEngine(), cohort, criteria, "anemia")


def test_a_missing_day_and_a_doubled_day_do_not_make_a_daily_series() -> None:
    """Six days of results over seven (day 3 missing), day 6 twice: as many rows as days, yet
    not one a day. On day 4 the 3-day baseline is the median of days 1-2 (11.25), so 10.2 is a
    fall of 1 g/dL; three rows back would reach day 0 (median 10.5) and miss it."""
    values = {0: 10.0, 1: 12.0, 2: 10.5, 4: 10.2, 5: 10.5, 6: 10.5}
    observations = [_hb("V1", d, HSCT + timedelta(days=d), 8, v) for d, v in values.items()]
    observations.append(_hb("V1", 99, HSCT + timedelta(days=6), 15, 10.5))
    patient = Patient("V1", HSCT - timedelta(days=3000), "F", hsct_date=HSCT)
    timeline = PatientTimeline.build(patient, observations)
    criteria = criteria_set("harmonized-2023", ScreeningOptions(hb_baseline_lookback_days=3))
    days = [HSCT + timedelta(days=d) for d in values]
    assert_criterion_agrees_by_day(DuckDBEngine(), [(timeline, days)], criteria, "anemia")
    evaluator = PatientEvaluator.of(timeline, criteria)
    assert evaluator.named(criteria.criterion("anemia"), days[3]).outcome.value == "met"
