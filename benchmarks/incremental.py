"""Incremental screening: one new observation updates one patient's result in milliseconds.

A full re-screen (`screening.screen_patient`) decides every assessment day again (10-16 ms for a
typical post-transplant course). A new observation on local day d cannot change anything decided
before d: windows end on their day, baselines and the latest height look only at earlier
results. So `PatientScreen.add` keeps the day statuses before d and re-decides only day d,
the later assessment days and as-of (a fresh evaluator decides each observation once, as the
windows of those days reach it). The result must equal a full re-screen of the grown timeline
(property-tested).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta

from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet, analytes_of
from thrombo.rules.screening import (
    alone_diagnosis,
    build_result,
    clinical_diagnosis,
    day_statuses,
    not_applicable,
    screen_patient,
)
from thrombo.rules.screening_results import DayStatus, ScreeningResult


@dataclass
class PatientScreen:
    """One patient's screening state under one criteria set, kept between observations."""

    timeline: PatientTimeline
    criteria: CriteriaSet
    as_of: date
    result: ScreeningResult = field(init=False)
    _evaluator: PatientEvaluator = field(init=False)
    _days: list[DayStatus] = field(init=False)

    def __post_init__(self) -> None:
        named = self.criteria.criteria
        self._used = frozenset().union(*(analytes_of(n.criterion) for n in named))
        known = self.timeline.as_of(self.as_of)
        self._evaluator = PatientEvaluator.of(known, self.criteria)
        self._days = self._decide_from(None)
        self.result = self._assemble()

    def add(self, observation: Observation, as_of: date | None = None) -> ScreeningResult:
        """The patient's result once `observation` is known (as-of may only move forward)."""
        new_as_of = max(self.as_of, as_of or self.as_of)
        grown = PatientTimeline.build(
            self.timeline.patient,
            (*self.timeline.observations, observation),
            self.timeline.medications,
            self.timeline.events,
            self.timeline.tz,
        )
        first = self.timeline.local_day(observation.time)
        if new_as_of > self.as_of:
            first = min(first, self.as_of + timedelta(days=1))
        self.timeline, self.as_of = grown, new_as_of
        before = self._evaluator.engraftment
        # A fresh evaluator: it decides each observation once as windows reach it (the
        # reference's one pass), so only the days from `first` on cost anything.
        self._evaluator = PatientEvaluator.of(self.timeline.as_of(self.as_of), self.criteria)
        if self._evaluator.engraftment != before:
            # A derived engraftment date moved: every anchored decision may change.
            known = self.timeline.as_of(self.as_of)
            self._evaluator = PatientEvaluator.of(known, self.criteria)
            self._days = self._decide_from(None)
        else:
            kept = [d for d in self._days if d.day < first]
            self._days = kept + self._decide_from(first)
        self.result = self._assemble()
        return self.result

    def _decide_from(self, first: date | None) -> list[DayStatus]:
        known = self._evaluator.timeline
        day0 = known.patient.hsct_date
        days = known.observation_days(self._used)
        start = 0 if first is None else bisect_left(days, first)
        wanted = [d for d in days[start:] if day0 is None or d >= day0]
        kept = [] if first is None else [d for d in self._days if d.day < first]
        previous = kept[-1] if kept else None
        return day_statuses(self._evaluator, self.criteria, wanted, previous)

    def _assemble(self) -> ScreeningResult:
        """`screening.screen_patient` from the kept day statuses (evidence and warnings too)."""
        criteria, evaluator, days = self.criteria, self._evaluator, self._days
        if not self.timeline.patient.had_allogeneic_hsct:
            return not_applicable(self.timeline, criteria)
        alone = alone_diagnosis(evaluator, criteria, self.as_of)
        diagnosed = [d for d in (clinical_diagnosis(days, criteria), alone) if d is not None]
        return build_result(
            self.timeline.patient_id, evaluator, criteria, list(days), diagnosed, self.as_of
        )


def full_rescreen(screen: PatientScreen) -> ScreeningResult:
    """What `add` must equal: the reference evaluator over the whole grown timeline."""
    return screen_patient(screen.timeline, screen.criteria, screen.as_of)
