"""The height a blood-pressure reading is judged with: the latest at or before it.

The embedded engine finds it two ways: a patient with one height time by a join and a time
test, a patient with several by an ASOF join. Hypothesis places heights before, between, at and
after the readings (none, one or several), and the hypertension criterion is compared with the
reference on every day with a reading.
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
from thrombo.rules.registry import criteria_set

START = date(2026, 3, 1)
# A 6-year-old's 99th-percentile limits run from about 114/76 (short) to 123/82 (tall).
SYSTOLIC = (110.0, 115.0, 118.0, 120.0, 122.0, 125.0, 130.0)
DIASTOLIC = (74.0, 77.0, 79.0, 81.0, 84.0)
HEIGHTS = (100.0, 110.0, 116.0, 122.0, 130.0)


def _at(day: int, hour: int) -> datetime:
    return datetime.combine(START + timedelta(days=day), time(hour), tzinfo=UTC)


@st.composite
def course(draw: Any, pid: str) -> tuple[PatientTimeline, set[date]]:
    observations, days = [], set()
    for i in range(draw(st.integers(1, 8))):
        day, hour = draw(st.integers(0, 20)), draw(st.sampled_from((8, 12, 16)))
        days.add(START + timedelta(days=day))
        observations += [
            Observation(f"{pid}-s{i}", pid, "systolic_bp", _at(day, hour),
                        quantity=Quantity(draw(st.sampled_from(SYSTOLIC)), "mm[Hg]")),
            Observation(f"{pid}-d{i}", pid, "diastolic_bp", _at(day, hour),
                        quantity=Quantity(draw(st.sampled_from(DIASTOLIC)), "mm[Hg]")),
        ]
    for i in range(draw(st.integers(0, 3))):
        when = _at(draw(st.integers(-5, 20)), draw(st.sampled_from((8, 12, 16))))
        observations.append(Observation(f"{pid}-h{i}", pid, "height", when,
                                        quantity=Quantity(draw(st.sampled_from(HEIGHTS)), "cm")))
    sex = draw(st.sampled_from(("F", "M")))
    patient = Patient(pid, START - timedelta(days=6 * 365 + 100), sex, hsct_date=START)
    return PatientTimeline.build(patient, observations), days


cohorts = st.integers(1, 5).flatmap(lambda n: st.tuples(*[course(f"H{i:02d}") for i in range(n)]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohort=cohorts)
def test_hypertension_agrees_with_the_reference_on_every_reading_day(
    cohort: tuple[tuple[PatientTimeline, set[date]], ...],
) -> None:
    criteria = criteria_set("harmonized-2023")
    assert_criterion_agrees_by_day(DuckDBEngine(), cohort, criteria, "hypertension")
