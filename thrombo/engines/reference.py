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
from thrombo.engines.latest_sql import LatestResults, answered_here
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.latest_results import latest_result
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

    def latest(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> LatestResults:
        """(patient, day) -> criterion -> (observation id, limit) for the criteria the SQL
        engines answer too (latest_sql.answered_here) that are not met or undecided."""
        by_id = {t.patient_id: t for t in timelines}
        out: LatestResults = {}
        for pid, day in days:
            evaluator = PatientEvaluator.of(by_id[pid].as_of(as_of), criteria)
            row = out.setdefault((pid, day), {})
            for named in criteria.criteria:
                if not answered_here(named.criterion):
                    continue
                found = latest_result(evaluator, named.name, named.criterion, day)
                if found is not None and found.record_id is not None:
                    row[named.name] = (found.record_id,
                                       None if found.limit is None else found.limit.value)
        return out

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
