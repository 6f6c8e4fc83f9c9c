"""Incremental screening equals a full re-screen, whatever arrives and in whatever order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.incremental import PatientScreen, full_rescreen
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient

from .test_generated_timelines import AS_OF, HSCT, OPTIONS, SETS, observation, timeline


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    tl=timeline("P01"),
    extra=st.lists(st.integers(0, 10**6), min_size=1, max_size=4),
    which=st.sampled_from(SETS),
    options=st.sampled_from(OPTIONS),
    data=st.data(),
)
def test_each_new_observation_gives_the_full_rescreen(
    tl: Any, extra: list[int], which: str, options: Any, data: Any
) -> None:
    criteria = criteria_set(which, options)
    screen = PatientScreen(tl, criteria, AS_OF)
    assert screen.result == screen_patient(tl, criteria, AS_OF)
    for i, _ in enumerate(extra):
        new = data.draw(observation("P01", 900 + i))
        later = data.draw(st.sampled_from((None, AS_OF, AS_OF + timedelta(days=5))))
        got = screen.add(new, later)
        assert got == full_rescreen(screen)


def test_updates_on_a_long_course_equal_a_full_rescreen() -> None:
    """A simulated course (daily labs over 60 days) grown by 20 LDH results, one at a time: the
    incremental screen equals a full re-screen after every update. (Its latency, target < 5 ms
    an update, is measured by benchmarks/screen_incremental.py.)"""
    pid = "T01"
    obs = []
    for day in range(20, 80):
        for analyte, unit, value in (("hemoglobin", "g/dL", 9.5), ("platelets", "10*9/L", 80.0),
                                     ("ldh", "U/L", 400.0), ("upcr", "mg/mg", 0.3),
                                     ("sc5b9", "ng/mL", 200.0), ("systolic_bp", "mm[Hg]", 110.0),
                                     ("diastolic_bp", "mm[Hg]", 70.0)):
            when = _at(HSCT + timedelta(days=day))
            obs.append(Observation(f"{analyte}-{day}", pid, analyte, when,
                                   quantity=Quantity(value, unit), ref_high=320.0))
    patient = Patient(pid, HSCT - timedelta(days=3000), "F", hsct_date=HSCT)
    tl = PatientTimeline.build(patient, obs)
    criteria = criteria_set("harmonized-2023")
    as_of = HSCT + timedelta(days=100)
    screen = PatientScreen(tl, criteria, as_of)
    for i in range(20):
        new = Observation(f"new-{i}", pid, "ldh", _at(HSCT + timedelta(days=80 + i // 4)),
                          quantity=Quantity(700.0, "U/L"), ref_high=320.0)
        assert screen.add(new) == full_rescreen(screen)


def _at(day: date) -> datetime:
    return datetime.combine(day, clock(8), tzinfo=UTC)


def test_a_count_that_completes_derived_engraftment_re_decides_earlier_days() -> None:
    """No platelet engraftment recorded: counts 10 (day +8), 60, 25 (days +18, +19) and a
    platelet transfusion on day +30. The count of day +20 completes the run of three (I4), so
    engraftment is derived on day +18 and the day +30 transfusion becomes a transfusion need
    after engraftment: days decided before day +20 change, and the incremental screen must
    re-decide them to equal a full re-screen (day +19's 25 becomes a 58% fall from 60)."""
    pid = "E01"
    patient = Patient(pid, HSCT - timedelta(days=3000), "F", hsct_date=HSCT)
    counts = [(8, 10.0), (18, 60.0), (19, 25.0), (30, 40.0), (31, 42.0)]
    obs = [Observation(f"p{d}", pid, "platelets", _at(HSCT + timedelta(days=d)),
                       quantity=Quantity(v, "10*9/L")) for d, v in counts]
    transfusion = Event("t30", pid, _at(HSCT + timedelta(days=30)), "platelet_transfusion")
    tl = PatientTimeline.build(patient, obs, events=[transfusion])
    criteria = criteria_set("harmonized-2023")
    screen = PatientScreen(tl, criteria, HSCT + timedelta(days=40))
    third = Observation("p20", pid, "platelets", _at(HSCT + timedelta(days=20)),
                        quantity=Quantity(35.0, "10*9/L"))
    assert screen.add(third) == full_rescreen(screen)
    assert screen._evaluator.engraftment.platelet.derived == HSCT + timedelta(days=18)
