"""A leaf's tests are compiled once per patient and decide result after result; the texts and
decisions they keep for a repeated limit (a laboratory's range, a baseline) must be the ones a
fresh compile gives for each result alone, including when the range or baseline changes back
and forth, and for a baseline of zero (0.0 and -0.0 compare equal but print differently)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.decide import compile_tests
from thrombo.rules.model import (
    Baseline,
    FallFromBaseline,
    Fixed,
    LabULN,
    ObservationTest,
    RiseFromBaseline,
    Threshold,
)
from thrombo.rules.patient_index import PatientIndex

DAY0 = date(2024, 3, 1)
WHO = Patient("P", date(2016, 1, 1), "F", hsct_date=DAY0)


def _course(rows: list[tuple[float, float | None, str | None]]) -> PatientTimeline:
    """LDH results one a day: (value, the laboratory's upper limit, where it came from)."""
    obs = [Observation(f"o{d}", "P", "ldh",
                       datetime.combine(DAY0 + timedelta(days=d), time(8), tzinfo=UTC),
                       quantity=Quantity(value, "U/L"), ref_high=high, ref_source=source)
           for d, (value, high, source) in enumerate(rows, start=1)]
    return PatientTimeline.build(WHO, obs)


def _each_against_a_fresh_compile(timeline: PatientTimeline,
                                  tests: tuple[ObservationTest, ...]) -> None:
    index = PatientIndex(timeline)
    kept = compile_tests(tests)
    for obs in timeline.of("ldh"):
        day = timeline.local_day(obs.time)
        assert kept(index, obs, day) == compile_tests(tests)(index, obs, day), obs.id


ULN = (Threshold(">", LabULN()),)


def test_a_laboratory_range_that_changes_back_and_forth() -> None:
    course = _course([(300, 250, None), (300, 250, None), (300, 320, None), (200, 250, None),
                      (300, 250, "site range: ward"), (300, 250, None), (260, 250.0, None)])
    _each_against_a_fresh_compile(course, ULN)
    index = PatientIndex(course)
    kept = compile_tests(ULN)
    texts = [kept(index, o, course.local_day(o.time)).threshold for o in course.of("ldh")]
    assert texts[2] == "> ULN 320 U/L (lab range)"
    assert texts[4] == "> ULN 250 U/L (site range: ward)"


def test_a_fixed_limit_and_two_answers() -> None:
    course = _course([(300, None, None), (100, None, None), (300, None, None)])
    _each_against_a_fresh_compile(course, (Threshold(">", Fixed(250, "U/L")),))


@pytest.mark.parametrize("test", [
    FallFromBaseline(Baseline("max", "hsct"), fraction=0.25),
    FallFromBaseline(Baseline("median", "hsct", lookback_days=2), fraction=0.25, amount=50),
    RiseFromBaseline(Baseline("first", "hsct"), factor=1.5),
    RiseFromBaseline(Baseline("last", "hsct"), factor=2),
])
def test_change_limits_follow_their_baselines(test: ObservationTest) -> None:
    values = [400, 300, 400, 250, 600, 600, 0.0, -0.0, 0.0, 200, 400]
    _each_against_a_fresh_compile(_course([(v, None, None) for v in values]), (test,))
