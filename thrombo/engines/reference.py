"""The reference evaluator (`thrombo.rules.screening`, `thrombo.rules.evaluate`) as an engine.

A thin adapter: the evaluator itself lives in `thrombo.rules`, where the criteria are defined;
here it answers the `Engine` questions the SQL engines answer, so that one test (or one
`--engine` switch) can ask any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import DayOutcomes
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult

NAME = "reference"


class ReferenceEngine:
    name = NAME

    def screen(
        self, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]:
        return [screen_patient(t, criteria, as_of) for t in timelines]

    def outcomes(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> DayOutcomes:
        """Each criterion's and feature's outcome on the asked days, from what was known by the
        end of `as_of` (as the SQL engines' outcomes query reads it)."""
        by_id = {t.patient_id: t for t in timelines}
        named = (*criteria.criteria, *(criteria.high_risk or ()))
        evaluators: dict[str, PatientEvaluator] = {}
        out: DayOutcomes = {}
        for pid, day in days:
            if pid not in evaluators:
                evaluators[pid] = PatientEvaluator.of(by_id[pid].as_of(as_of), criteria)
            out[(pid, day)] = {n.name: evaluators[pid].named(n, day).outcome for n in named}
        return out
