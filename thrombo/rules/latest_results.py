"""The latest result behind a criterion that is not met or indeterminate, with its limit.

A met criterion cites the results that passed and the threshold each passed. A criterion not
met (or undecided) must show as much: the latest result the criterion compared in its window,
the threshold it was compared with and where that limit came from (the observation's own range,
the site's lab-ranges file, or the published fallback; interface.md 1.1 precedence), so that
"LDH 250 U/L, not above the ULN 280 U/L (observation range)" reads without opening the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from thrombo.domain.evidence import CriterionEvidence
from thrombo.domain.records import Observation
from thrombo.rules.decide import Decision, observation_value
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import AllOf, AnyOf, BloodPressure, CriteriaSet, Criterion, Lab
from thrombo.rules.screening_results import DayStatus, Outcome

UNDECIDED = (Outcome.NOT_MET, Outcome.INDETERMINATE)


def latest_results(
    evaluator: PatientEvaluator, criteria: CriteriaSet, report: DayStatus | None
) -> tuple[tuple[str, CriterionEvidence], ...]:
    """(outcome, evidence) for each criterion not met or indeterminate on the report's day that
    reads laboratory results or blood pressures: its latest compared result in the window."""
    if report is None:
        return ()
    found = []
    for result in report.criteria:
        if result.outcome not in UNDECIDED:
            continue
        latest = latest_result(evaluator, result.name,
                               criteria.criterion(result.name).criterion, report.day)
        if latest is not None:
            found.append((result.outcome.value, latest))
    return tuple(found)


def latest_result(
    evaluator: PatientEvaluator, name: str, criterion: Criterion, day: date
) -> CriterionEvidence | None:
    """The latest result any of the criterion's leaves compared in the window ending `day`."""
    first, last = evaluator.window(day)
    best: tuple[Observation, CriterionEvidence] | None = None
    for leaf, analyte in _leaves(criterion):
        series = evaluator.series(name, leaf, analyte)
        at = series.last_compared(first, last)
        if at is None:
            continue
        obs = series.records[at]
        # The timeline's order (time, analyte, id), as the SQL engines' `seq` numbers it.
        if best is None or (obs.time, obs.analyte, obs.id) > (
                best[0].time, best[0].analyte, best[0].id):
            best = obs, _evidence(name, obs, leaf, series.decision(at))
    return None if best is None else best[1]


def _leaves(criterion: Criterion) -> Iterator[tuple[Lab | BloodPressure, str]]:
    match criterion:
        case Lab():
            yield criterion, criterion.analyte
        case BloodPressure():
            yield criterion, "systolic_bp"
            yield criterion, "diastolic_bp"
        case AnyOf(children=children) | AllOf(children=children):
            for child in children:
                yield from _leaves(child)


def _evidence(name: str, obs: Observation, leaf: Lab | BloodPressure,
              decision: Decision) -> CriterionEvidence:
    what = leaf.analyte if isinstance(leaf, Lab) else obs.analyte
    reported = obs.reported if obs.reported != obs.quantity else None
    found = CriterionEvidence.of(name, obs.id, obs.time, observation_value(obs),
                                 decision.threshold, what, reported)
    return replace(found, limit=decision.limit, limit_source=decision.limit_source)
