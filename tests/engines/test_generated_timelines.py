"""Hypothesis-built cohorts: every engine gives each patient the reference's verdict.

Values are drawn around the criteria's thresholds (ULN, 50% falls, 1 g/dL falls, the 99th
percentile blood pressures), several results may share a day, sex may be unknown and dates
such as platelet engraftment may be missing, so the awkward branches are exercised.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.engines.observations import words
from thrombo.engines.query_plan import Plan
from thrombo.rules.model import CriteriaSet, Fixed, Lab, LabULN, Named, Threshold
from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .agreement import Engine, assert_screens_agree

HSCT = date(2026, 1, 1)
AS_OF = HSCT + timedelta(days=70)
# (analyte, unit, values to draw from, lab ULN or None)
NUMERIC = (
    ("hemoglobin", "g/dL", (7.5, 8.0, 8.5, 9.0, 9.3, 9.5, 10.3, 11.0), None),
    ("platelets", "10*9/L", (20.0, 40.0, 49.0, 50.0, 60.0, 100.0, 120.0, 200.0), None),
    ("ldh", "U/L", (250.0, 300.0, 320.0, 321.0, 640.0, 700.0), 320.0),
    ("sc5b9", "ng/mL", (200.0, 243.0, 244.0, 300.0), 244.0),
    ("upcr", "mg/mg", (0.5, 0.99, 1.0, 2.0), None),
    ("systolic_bp", "mm[Hg]", (100.0, 118.0, 121.0, 124.0, 127.0, 135.0, 140.0), None),
    ("diastolic_bp", "mm[Hg]", (60.0, 80.0, 84.0, 90.0), None),
    ("height", "cm", (95.0, 120.0, 135.0, 150.0), None),
    ("schistocytes", "/[HPF]", (0.0, 1.0, 2.0, 9.0), None),
    ("creatinine", "mg/dL", (0.3, 0.4, 0.8, 1.2), None),
    ("haptoglobin", "g/L", (0.1, 0.3, 1.0), None),
    ("pt", "s", (11.0, 13.0, 15.0), 13.5),
    ("aptt", "s", (30.0, 40.0), 36.0),
    ("urine_protein", "mg/dL", (10.0, 30.0, 31.0), None),
)
CATEGORICAL = (
    ("schistocytes", ("present", "absent")),
    ("dat", ("present", "absent")),
    ("urine_protein", ("negative", "trace", "1+", "2+")),
)
EVENTS = (
    "rbc_transfusion",
    "platelet_transfusion",
    "platelet_transfusion_refractory",
    "tma_biopsy",
    "gvhd",
    "infection",
    "neurological_event",
    "dialysis",
)


@st.composite
def observation(draw: Any, pid: str, index: int) -> Observation:
    day = draw(st.integers(-12, 65))
    when = datetime.combine(
        HSCT + timedelta(days=day),
        time(draw(st.sampled_from((6, 8, 14))), draw(st.sampled_from((0, 30)))),
        tzinfo=UTC,
    )
    oid = f"{pid}-o{index:03d}"
    if draw(st.integers(0, 6)) == 0:
        analyte, values = draw(st.sampled_from(CATEGORICAL))
        return Observation(oid, pid, analyte, when, category=draw(st.sampled_from(values)))
    analyte, unit, values, uln = draw(st.sampled_from(NUMERIC))
    ref_high = uln if uln is not None and draw(st.booleans()) else None
    return Observation(
        oid,
        pid,
        analyte,
        when,
        quantity=Quantity(draw(st.sampled_from(values)), unit),
        ref_high=ref_high,
    )


def _maybe_day(draw: Any, low: int, high: int) -> date | None:
    n = draw(st.one_of(st.none(), st.integers(low, high)))
    return None if n is None else HSCT + timedelta(days=n)


def _birth(draw: Any) -> date:
    """Any age from 200 days to 17 years, or a birthday (first to 18th, a 29 February one
    among them) inside the observed days, where an age-indexed limit changes."""
    if draw(st.booleans()):
        return HSCT - timedelta(days=draw(st.integers(200, 17 * 365)))
    if draw(st.integers(0, 9)) == 0:  # 18th or 14th birthday on 1 March 2026 (day 59)
        return date(2008 + 4 * draw(st.integers(0, 1)), 2, 29)
    birthday = HSCT + timedelta(days=draw(st.integers(-12, 65)))
    return birthday.replace(year=birthday.year - draw(st.integers(1, 18)))


@st.composite
def timeline(draw: Any, pid: str) -> PatientTimeline:
    patient = Patient(
        pid,
        _birth(draw),
        draw(st.sampled_from(("F", "M", "U"))),
        hsct_date=HSCT if draw(st.integers(0, 9)) else None,
        hsct_type=draw(st.sampled_from((None, "allogeneic", "autologous")))
        if draw(st.integers(0, 4)) == 0
        else None,
        conditioning_start_date=_maybe_day(draw, -10, -5),
        neutrophil_engraftment_date=_maybe_day(draw, 10, 25),
        platelet_engraftment_date=_maybe_day(draw, 15, 35),
    )
    n = draw(st.integers(0, 40))
    observations = [draw(observation(pid, i)) for i in range(n)]
    events = [
        Event(
            f"{pid}-e{i}",
            pid,
            datetime.combine(HSCT + timedelta(days=draw(st.integers(-5, 65))), time(9), tzinfo=UTC),
            draw(st.sampled_from(EVENTS)),
            draw(st.one_of(st.none(), st.integers(1, 4))),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    return PatientTimeline.build(patient, observations, events=events)


cohorts = st.integers(2, 6).flatmap(lambda n: st.tuples(*[timeline(f"P{i:02d}") for i in range(n)]))
SETS = ("harmonized-2023", "jodele-2014", "bmtctn-2005", "iwg-2007")
OPTIONS = (
    ScreeningOptions(),
    ScreeningOptions(
        diagnosis_date="first-time-point", bp_missing_height=50.0, absent_events="indeterminate"
    ),
)
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(cohort=cohorts, which=st.sampled_from(SETS), options=st.sampled_from(OPTIONS))
def test_duckdb_agrees_with_the_reference(
    duckdb_engine: Engine, cohort: tuple[Any, ...], which: str, options: ScreeningOptions
) -> None:
    assert_screens_agree(duckdb_engine, list(cohort), criteria_set(which, options), AS_OF)


@pytest.mark.spark
@pytest.mark.slow
@settings(max_examples=1, deadline=None, suppress_health_check=SLOW)
@given(cohort=st.tuples(*[timeline(f"S{i:02d}") for i in range(16)]))
def test_spark_agrees_with_the_reference(spark_engine: Engine, cohort: tuple[Any, ...]) -> None:
    assert_screens_agree(spark_engine, list(cohort), criteria_set("harmonized-2023"), AS_OF)


def _wide(base: CriteriaSet) -> CriteriaSet:
    """harmonized-2023 with extra features, so that the leaves fill two mask words."""
    extra = tuple(
        Named(f"ldh_x{i}", Lab("ldh", (Threshold(">", LabULN(1.0 + i / 4, fallback="ldh")),)),
              "test feature")
        for i in range(1, 5)
    ) + tuple(
        Named(f"platelets_below_{n:g}", Lab("platelets", (Threshold("<", Fixed(n, "10*9/L")),)),
              "test feature")
        for n in (30.0, 45.0, 50.0, 70.0)
    )
    return replace(base, high_risk=(*(base.high_risk or ()), *extra))


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(cohort=cohorts)
def test_duckdb_agrees_when_the_leaves_fill_two_mask_words(
    duckdb_engine: Engine, cohort: tuple[Any, ...]
) -> None:
    wide = _wide(criteria_set("harmonized-2023"))
    assert words(Plan.of(wide)) == 2
    assert_screens_agree(duckdb_engine, list(cohort), wide, AS_OF)
