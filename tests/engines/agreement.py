"""Comparing a batch engine with the reference evaluator, patient by patient."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines.input_tables import InputTables
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import Outcome, ScreeningResult


class Engine(Protocol):
    name: str

    def screen(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]: ...

    def outcomes(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> dict[tuple[str, date], dict[str, Outcome]]: ...


def verdict(r: ScreeningResult) -> dict[str, object]:
    """What every engine must reproduce exactly (evidence stays with the reference)."""
    return {
        "status": r.status,
        "first_met": r.first_met,
        "active": r.active,
        "criteria_met": r.criteria_met,
        "criteria_indeterminate": r.criteria_indeterminate,
        "high_risk": r.high_risk,
        "high_risk_features": r.high_risk_features,
        "assessed_on": r.assessed_on,
    }


def assert_screens_agree(
    engine: Engine, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
) -> list[ScreeningResult]:
    expected = {t.patient_id: verdict(screen_patient(t, criteria, as_of)) for t in timelines}
    got = {
        r.patient_id: verdict(r)
        for r in engine.screen(InputTables.from_timelines(timelines), criteria, as_of)
    }
    for pid, want in expected.items():
        assert got.get(pid) == want, f"{engine.name} disagrees for {pid}: {got.get(pid)} != {want}"
    assert set(got) == set(expected)
    return [screen_patient(t, criteria, as_of) for t in timelines]


def engine_outcome(
    engine: Engine, tl: PatientTimeline, name: str, on: date, criteria: CriteriaSet
) -> Outcome:
    tables = InputTables.from_timelines([tl], [(tl.patient_id, on)])
    return engine.outcomes(tables, criteria, date.max.replace(year=2200))[(tl.patient_id, on)][name]


def assert_criterion_agrees_by_day(
    engine: Engine,
    cohort: Iterable[tuple[PatientTimeline, Iterable[date]]],
    criteria: CriteriaSet,
    name: str,
) -> None:
    """The engine's outcome of criterion `name` equals the reference's on each asked day."""
    asked = [(tl, sorted(set(days))) for tl, days in cohort]
    got = engine.outcomes(
        InputTables.from_timelines(
            [tl for tl, _ in asked], [(tl.patient_id, d) for tl, days in asked for d in days]
        ),
        criteria,
        date(2200, 1, 1),
    )
    criterion = criteria.criterion(name)
    for tl, days in asked:
        evaluator = PatientEvaluator.of(tl, criteria)
        for d in days:
            want = evaluator.named(criterion, d).outcome
            assert got[(tl.patient_id, d)][name] == want, (engine.name, tl.patient_id, d)
