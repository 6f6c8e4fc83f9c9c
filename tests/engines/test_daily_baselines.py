"""The haemoglobin median baseline over daily series: both of the batch engine's paths.

A patient whose haemoglobin is measured exactly once a day with no day missing takes the
engine's fixed-row window; any gap or second result the same day sends the patient to the
day-range window. Hypothesis builds daily series, then breaks some of them (a missing day, a
second result the same day, a result without a value), and the anaemia criterion is compared
with the reference on every day of the series.
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
from thrombo.rules.batch.duck import DuckDBEngine
from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

HSCT = date(2026, 1, 1)
VALUES = (7.5, 8.0, 8.5, 9.0, 9.3, 9.5, 10.0, 10.3, 11.0)
BREAKS = ("none", "none", "gap", "second-same-day", "no-value")


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
