"""Blood-pressure readings answered without the height, and those that need it.

The embedded engine answers a child's reading from the table's lowest and highest limit for the
age and sex when it lies outside that band, and takes the height, its percentile and the
interpolated limit only inside it. Hypothesis places readings at, just inside and just outside
both ends of the band (and anywhere), for boys, girls and children of unrecorded sex, with no
height, a recent one or one too old to use, at ages below, inside and above the tables' span.
The hypertension criterion must equal the reference's on every day with a reading.
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
from thrombo.engines.query_plan import Plan
from thrombo.engines.reftables import bp_wide_rows
from thrombo.rules.registry import criteria_set

START = date(2026, 3, 1)
CRITERIA = criteria_set("harmonized-2023")
(LEAF, _), = Plan.of(CRITERIA).bp_leaves()
LIMITS = {
    (r["bp_sex"], r["bp_age"], r["bp_component"]): (float(r["h_least"]), float(r["h_greatest"]))  # type: ignore[arg-type]
    for r in bp_wide_rows()
    if r["bp_source"] == LEAF.child_limit.source and r["bp_pct"] == LEAF.child_limit.percentile
}


def _at(day: int, hour: int) -> datetime:
    return datetime.combine(START + timedelta(days=day), time(hour), tzinfo=UTC)


def _near_the_band(draw: Any, sex: str, years: int, analyte: str) -> float:
    """A reading at, just inside or just outside either end of the band, or anywhere."""
    ends = [LIMITS[(s, years, analyte)] for s in ("M", "F") if sex in (s, "U")
            if (s, years, analyte) in LIMITS]
    edges = sorted({e for pair in ends for e in pair})
    if not edges:
        return float(draw(st.integers(40, 160)))
    edge = draw(st.sampled_from(edges))
    anywhere = float(draw(st.integers(40, 160)))
    middle = (edges[0] + edges[-1]) / 2
    return float(draw(st.sampled_from((edge - 0.5, edge, edge + 0.5, middle, anywhere))))


@st.composite
def course(draw: Any, pid: str) -> tuple[PatientTimeline, set[date]]:
    sex = draw(st.sampled_from(("F", "M", "U")))
    birth = START - timedelta(days=draw(st.integers(200, 19 * 365)))
    observations, days = [], set()
    for i in range(draw(st.integers(1, 6))):
        day, hour = draw(st.integers(0, 10)), draw(st.sampled_from((8, 12, 16)))
        when = START + timedelta(days=day)
        years = when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))
        days.add(when)
        for analyte, kind in (("systolic_bp", "s"), ("diastolic_bp", "d")):
            value = _near_the_band(draw, sex, years, analyte)
            observations.append(Observation(f"{pid}-{kind}{i}", pid, analyte, _at(day, hour),
                                            quantity=Quantity(value, "mm[Hg]")))
    for i in range(draw(st.integers(0, 2))):
        when = _at(draw(st.sampled_from((-300, -100, -1, 0, 5))), 8)
        height = float(draw(st.integers(60, 190)))
        observations.append(Observation(f"{pid}-h{i}", pid, "height", when,
                                        quantity=Quantity(height, "cm")))
    patient = Patient(pid, birth, sex, hsct_date=START)
    return PatientTimeline.build(patient, observations), days


cohorts = st.integers(1, 5).flatmap(lambda n: st.tuples(*[course(f"B{i:02d}") for i in range(n)]))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohort=cohorts)
def test_hypertension_at_the_edges_of_the_limit_band_agrees_with_the_reference(
    cohort: tuple[tuple[PatientTimeline, set[date]], ...],
) -> None:
    assert_criterion_agrees_by_day(DuckDBEngine(), cohort, CRITERIA, "hypertension")
