"""The reference evaluator: criteria (model.py) over one patient's timeline, day by day.

This is the plain, obviously-correct interpreter the batch (SQL) engine is checked against; the
semantics are those of model.py's glossary. Decisions on single observations are cached per
patient because one observation lies in up to `window_days` windows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from thrombo.domain.records import Event, Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.decide import (
    Answer,
    Decision,
    anchor_date,
    decide_all,
    decide_blood_pressure,
    observation_value,
)
from thrombo.rules.model import (
    AllOf,
    AnyOf,
    BloodPressure,
    Criterion,
    EventOccurred,
    KOfN,
    Lab,
    Named,
)
from thrombo.rules.results import CriterionResult, Evidence, Outcome, count_outcome


@dataclass
class PatientEvaluator:
    """Evaluates criteria for one patient on any day; windows end on that day (inclusive)."""

    timeline: PatientTimeline
    window_days: int
    _decisions: dict[tuple[str, int, str], tuple[Decision, Evidence | None]] = field(
        default_factory=dict
    )
    _days: dict[str, list[date]] = field(default_factory=dict)
    _events: dict[str, tuple[list[date], list[Event]]] = field(default_factory=dict)

    def window(self, day: date) -> tuple[date, date]:
        return day - timedelta(days=self.window_days - 1), day

    def in_window(self, analyte: str, first: date, last: date) -> Sequence[Observation]:
        """Observations of an analyte on local days first..last (local days computed once)."""
        days = self._days.get(analyte)
        if days is None:
            days = [self.timeline.local_day(o.time) for o in self.timeline.of(analyte)]
            self._days[analyte] = days
        return self.timeline.of(analyte)[bisect_left(days, first):bisect_right(days, last)]

    def events_in_window(self, name: str, first: date, last: date) -> list[Event]:
        found = self._events.get(name)
        if found is None:
            named = list(self.timeline.events_named(name))
            found = ([self.timeline.local_day(e.time) for e in named], named)
            self._events[name] = found
        days, events = found
        return events[bisect_left(days, first):bisect_right(days, last)]

    def named(self, named: Named, day: date) -> CriterionResult:
        return self.criterion(named.name, named.criterion, day)

    def criterion(self, name: str, criterion: Criterion, day: date) -> CriterionResult:
        match criterion:
            case Lab():
                return self._observations(name, criterion, criterion.analyte, day)
            case BloodPressure():
                return self._observations(name, criterion, "systolic_bp", day, "diastolic_bp")
            case EventOccurred():
                return self._event(name, criterion, day)
            case AnyOf(children=children):
                return self._combine(name, 1, children, day)
            case AllOf(children=children):
                return self._combine(name, len(children), children, day)
        raise TypeError(f"not a criterion: {criterion!r}")

    def rule(self, rule: KOfN, results: dict[str, CriterionResult]) -> Outcome:
        """The diagnosis rule's outcome from the day's criterion results."""
        outcomes = [
            results[item].outcome if isinstance(item, str) else self.rule(item, results)
            for item in rule.of
        ]
        return count_outcome(rule.k, outcomes)

    def _decide(
        self, name: str, obs: Observation, criterion: Lab | BloodPressure
    ) -> tuple[Decision, Evidence | None]:
        key = (name, id(criterion), obs.id)
        cached = self._decisions.get(key)
        if cached is None:
            if isinstance(criterion, Lab):
                decision = decide_all(self.timeline, obs, criterion.tests)
            else:
                decision = decide_blood_pressure(self.timeline, obs, criterion)
            proof = (
                _evidence(name, obs, decision, criterion)
                if decision.answer is Answer.YES
                else None
            )
            cached = (decision, proof)
            self._decisions[key] = cached
        return cached

    def _observations(
        self, name: str, criterion: Lab | BloodPressure, analyte: str, day: date, *more: str
    ) -> CriterionResult:
        first, last = self.window(day)
        evidence: list[Evidence] = []
        warnings: set[str] = set()
        seen = unknown = False
        for key in (analyte, *more):
            for obs in self.in_window(key, first, last):
                decision, proof = self._decide(name, obs, criterion)
                warnings.update(decision.warnings)
                if proof is not None:
                    evidence.append(proof)
                elif decision.answer is Answer.NO:
                    seen = True
                elif decision.answer is Answer.UNKNOWN:
                    unknown = True
        outcome = (
            Outcome.MET if evidence
            else Outcome.INDETERMINATE if unknown or not seen
            else Outcome.NOT_MET
        )
        return CriterionResult(name, outcome, tuple(evidence), tuple(sorted(warnings)))

    def _event_answer(self, event: Event, rule: EventOccurred) -> Answer:
        if rule.min_grade is not None and (event.grade is None or event.grade < rule.min_grade):
            return Answer.UNKNOWN if event.grade is None else Answer.NO
        if rule.after is not None:
            anchor = anchor_date(self.timeline, rule.after)
            if anchor is None:
                return Answer.UNKNOWN
            if self.timeline.local_day(event.time) < anchor:
                return Answer.NO
        return Answer.YES

    def _event(self, name: str, rule: EventOccurred, day: date) -> CriterionResult:
        first, last = self.window(day)
        answers = [
            (e, self._event_answer(e, rule))
            for e in self.events_in_window(rule.event, first, last)
        ]
        evidence = tuple(
            Evidence(name, e.id, e.time, _event_text(e), _event_rule(rule), _event_rule(rule))
            for e, a in answers
            if a is Answer.YES
        )
        if evidence:
            return CriterionResult(name, Outcome.MET, evidence)
        if any(a is Answer.UNKNOWN for _, a in answers):
            return CriterionResult(name, Outcome.INDETERMINATE)
        absent = Outcome.NOT_MET if rule.absent == "not_met" else Outcome.INDETERMINATE
        return CriterionResult(name, absent if not answers else Outcome.NOT_MET)

    def _combine(
        self, name: str, k: int, children: tuple[Criterion, ...], day: date
    ) -> CriterionResult:
        results = [self.criterion(name, child, day) for child in children]
        outcome = count_outcome(k, [r.outcome for r in results])
        evidence = (
            tuple(e for r in results if r.outcome is Outcome.MET for e in r.evidence)
            if outcome is Outcome.MET
            else ()
        )
        warnings = tuple(sorted({w for r in results for w in r.warnings}))
        return CriterionResult(name, outcome, evidence, warnings)


def _evidence(
    name: str, obs: Observation, decision: Decision, criterion: Lab | BloodPressure
) -> Evidence:
    what = criterion.analyte if isinstance(criterion, Lab) else obs.analyte
    return Evidence(name, obs.id, obs.time, observation_value(obs), decision.threshold, what)


def _event_text(event: Event) -> str:
    return event.event if event.grade is None else f"{event.event} grade {event.grade}"


def _event_rule(rule: EventOccurred) -> str:
    grade = "" if rule.min_grade is None else f" grade >= {rule.min_grade}"
    after = "" if rule.after is None else f" on or after {rule.after.replace('_', ' ')}"
    return f"{rule.event}{grade}{after} in the window"
