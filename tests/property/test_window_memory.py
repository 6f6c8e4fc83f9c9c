"""A criterion read day after day on one evaluator answers as it does read afresh on each day.

The reference evaluator reads each criterion's windows in one pass over the assessment days:
a leaf whose window holds the same records as on the day before gives back the answer it gave
then (thrombo.rules.day_plans, `remembered`), and an any-of / all-of whose parts answered as
before does the same. These properties compare that pass with the plain definition - a new
evaluator for every single question - on random courses (Hypothesis), for every criteria set,
both kinds of window (the whole window, and the fresh part after the previous time point), and
the days asked in order, in reverse and at random: every result, its evidence, warnings and
reason, must be equal.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.property.test_screening_properties import events, observations, patient
from thrombo.domain.records import Event, Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import all_sets
from thrombo.rules.screening import assessment_days
from thrombo.rules.screening_results import CriterionResult
from thrombo.rules.tma.options import ScreeningOptions

SETS = [*all_sets(), *all_sets(ScreeningOptions(absent_events="indeterminate"))]

Question = tuple[date, date | None]


def questions(days: list[date]) -> list[Question]:
    """Each assessment day's whole window, and its fresh part after the day before."""
    asked: list[Question] = [(d, None) for d in days]
    asked += [(d, p + timedelta(days=1)) for p, d in pairwise(days)]
    return asked


def afresh(timeline: PatientTimeline, criteria: CriteriaSet, asked: Question
           ) -> list[CriterionResult]:
    day, since = asked
    evaluator = PatientEvaluator.of(timeline, criteria)
    return [evaluator.named(n, day, since) for n in criteria.criteria]


def in_one_pass(timeline: PatientTimeline, criteria: CriteriaSet, asked: list[Question]
                ) -> list[list[CriterionResult]]:
    evaluator = PatientEvaluator.of(timeline, criteria)
    return [[evaluator.named(n, day, since) for n in criteria.criteria] for day, since in asked]


@settings(max_examples=40, deadline=None)
@given(observations(), events(), st.integers(0, 2 ** 16), st.sampled_from(range(len(SETS))))
def test_windows_read_in_one_pass_answer_as_read_afresh(
    obs: list[Observation], evs: list[Event], seed: int, which: int
) -> None:
    criteria = SETS[which]
    timeline = PatientTimeline.build(patient(), obs, events=evs)
    days = assessment_days(timeline, criteria)
    # Days with nothing measured too: their windows are empty or hold the days before.
    days = sorted({*days, *(d + timedelta(days=3) for d in days[:3])})
    ordered = sorted(questions(days), key=lambda q: (q[0], q[1] or date.min))
    shuffled = ordered.copy()
    random.Random(seed).shuffle(shuffled)
    for asked in (ordered, ordered[::-1], shuffled):
        got = in_one_pass(timeline, criteria, asked)
        assert got == [afresh(timeline, criteria, q) for q in asked]
