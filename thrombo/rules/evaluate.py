"""The reference evaluator: criteria (model.py) over one patient's timeline, day by day.

This is the plain interpreter the batch (SQL) engines are checked against; the semantics are
those of model.py's glossary. It makes one pass per patient: each observation is decided once
against each leaf that reads it (baselines and heights by bisection: `PatientIndex`), filed by
its answer (`windows.DecidedSeries`), and a leaf's outcome over any window is then read by
bisection rather than by walking the window's observations again for every day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from thrombo.domain.evidence import CriterionEvidence
from thrombo.domain.records import Event, Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules import reasons
from thrombo.rules.day_plans import Plan, combined, remembered
from thrombo.rules.decide import (
    Answer,
    Decision,
    anchor_date,
    compile_tests,
    observation_value,
)
from thrombo.rules.decide_bp import compile_blood_pressure
from thrombo.rules.engraftment import Derivation, Engraftment, derive_all, with_derived_dates
from thrombo.rules.model import (
    AllOf,
    AnyOf,
    BloodPressure,
    CriteriaSet,
    Criterion,
    EngraftmentRule,
    EventOccurred,
    KOfN,
    Lab,
    Named,
    NotEngrafted,
)
from thrombo.rules.patient_index import PatientIndex
from thrombo.rules.screening_results import CriterionResult, Outcome, count_outcome
from thrombo.rules.windows import Decided, DecidedSeries

"""One named criterion (or a part of it) compiled for this patient: (day, since) -> result."""


@dataclass
class PatientEvaluator:
    """Evaluates criteria for one patient on any day; windows end on that day (inclusive).

    Engraftment dates the record lacks are derived from the timeline's counts first
    (`engraftment_rule`, thrombo.rules.engraftment), so anchors read them like recorded ones;
    the timeline is the one known by as-of, so the derivation uses nothing later."""

    timeline: PatientTimeline
    window_days: int
    engraftment_rule: EngraftmentRule = field(default_factory=EngraftmentRule)
    engraftment: Engraftment = field(init=False)
    index: PatientIndex = field(init=False)
    _span: timedelta = field(init=False)
    _series: dict[tuple[str, int, str], DecidedSeries[Observation]] = field(default_factory=dict)
    _events: dict[tuple[str, int], DecidedSeries[Event]] = field(default_factory=dict)
    _plans: dict[tuple[str, int], Plan] = field(default_factory=dict)
    _named_plans: dict[int, tuple[tuple[Named, ...], list[tuple[str, Plan]]]] = field(
        default_factory=dict)
    _plain: dict[tuple[str, Outcome, str | None], CriterionResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.engraftment = derive_all(self.timeline, self.engraftment_rule)
        self.timeline = with_derived_dates(self.timeline, self.engraftment)
        self.index = PatientIndex(self.timeline)
        self._span = timedelta(days=self.window_days - 1)

    @classmethod
    def of(cls, timeline: PatientTimeline, criteria: CriteriaSet) -> PatientEvaluator:
        return cls(timeline, criteria.window_days, criteria.engraftment)

    def window(self, day: date, since: date | None = None) -> tuple[date, date]:
        """The window ending on `day`; with `since`, only its days from `since` on (the days
        after the previous time point, for a confirmation that must re-measure)."""
        first = day - self._span
        return (first if since is None else max(first, since)), day

    def named(self, named: Named, day: date, since: date | None = None) -> CriterionResult:
        return self.criterion(named.name, named.criterion, day, since)

    def criterion(
        self, name: str, criterion: Criterion, day: date, since: date | None = None
    ) -> CriterionResult:
        return self.plan(name, criterion)(day, since)

    def plans(self, named: tuple[Named, ...]) -> list[tuple[str, Plan]]:
        """Each named criterion's plan, looked up once for a run of days."""
        kept = self._named_plans.get(id(named))
        if kept is None:
            # The tuple is kept with its plans, so that its id cannot be reused meanwhile.
            kept = named, [(n.name, self.plan(n.name, n.criterion)) for n in named]
            self._named_plans[id(named)] = kept
        return kept[1]

    def plan(self, name: str, criterion: Criterion) -> Plan:
        """The criterion compiled once for this patient: its series looked up and its tree
        walked once, so that each assessment day only reads windows."""
        key = (name, id(criterion))
        found = self._plans.get(key)
        if found is None:
            found = self._compile(name, criterion)
            self._plans[key] = found
        return found

    def _compile(self, name: str, criterion: Criterion) -> Plan:
        span = self._span
        match criterion:
            case Lab():
                one = self.series(name, criterion, criterion.analyte)
                return remembered(span, one.span, lambda first, last, at: self._lab(
                    name, criterion, first, last, one, at))
            case BloodPressure():
                analytes = ("systolic_bp", "diastolic_bp")
                sbp, dbp = (self.series(name, criterion, a) for a in analytes)
                return remembered(
                    span, lambda first, last: (sbp.span(first, last), dbp.span(first, last)),
                    lambda first, last, spans: self._observations(
                        name, criterion, first, last, (sbp, dbp), spans, analytes))
            case EventOccurred():
                events = self._event_series(name, criterion)
                return remembered(span, events.span, lambda first, last, at: self._event(
                    name, criterion, first, last, events, at))
            case NotEngrafted():
                return lambda day, since: self._not_engrafted(name, criterion, day)
            case AnyOf(children=children) | AllOf(children=children):
                k = 1 if isinstance(criterion, AnyOf) else len(children)
                return combined(name, k, tuple(self.plan(name, child) for child in children))
        raise TypeError(f"not a criterion: {criterion!r}")

    def rule(self, rule: KOfN, results: dict[str, CriterionResult]) -> Outcome:
        """The diagnosis rule's outcome from the day's criterion results."""
        outcomes = [
            results[item].outcome if isinstance(item, str) else self.rule(item, results)
            for item in rule.of
        ]
        return count_outcome(rule.k, outcomes)

    def series(
        self, name: str, criterion: Lab | BloodPressure, analyte: str
    ) -> DecidedSeries[Observation]:
        """The analyte's observations as this leaf of this named criterion decides them."""
        key = (name, id(criterion), analyte)
        found = self._series.get(key)
        if found is None:
            found = DecidedSeries(self.timeline.of(analyte), self.timeline.days_of(analyte),
                                  self._decider(name, criterion))
            self._series[key] = found
        return found

    def _decider(
        self, name: str, criterion: Lab | BloodPressure
    ) -> Callable[[Observation, date], Decided]:
        """The leaf's tests compiled once: each observation's decision and, for a yes, its
        evidence."""
        index = self.index
        decide = (compile_tests(criterion.tests) if isinstance(criterion, Lab)
                  else compile_blood_pressure(criterion))

        def decided(obs: Observation, day: date) -> Decided:
            decision = decide(index, obs, day)
            if decision.answer is Answer.YES:
                return decision, _evidence(name, obs, decision, criterion)
            return decision, None

        return decided

    def _observations(
        self, name: str, criterion: Lab | BloodPressure, first: date, last: date,
        leaves: tuple[DecidedSeries[Observation], ...], spans: tuple[tuple[int, int], ...],
        analytes: tuple[str, ...],
    ) -> tuple[CriterionResult, bool]:
        """The leaf over the window (its records at `spans`): met with every yes-result as
        evidence; not met when a result says no and none is undecidable; else indeterminate,
        with the first undecidable result's reason (analytes in order, then time), or why
        nothing could be decided. With whether the answer names the window's dates."""
        evidence: list[CriterionEvidence] = []
        warnings: set[str] = set()
        seen = skipped = False
        unknown: tuple[DecidedSeries[Observation], int] | None = None
        for series, (lo, hi) in zip(leaves, spans, strict=True):
            if lo >= hi:
                continue
            proofs, warned, no, skip, at = series.look_at(lo, hi)
            evidence.extend(proofs)
            warnings.update(warned)
            seen, skipped = seen or no, skipped or skip
            if unknown is None and at is not None:
                unknown = (series, at)
        if evidence:
            return CriterionResult(name, Outcome.MET, tuple(evidence),
                                   tuple(sorted(warnings))), False
        if unknown is None and seen:
            return CriterionResult(name, Outcome.NOT_MET, (), tuple(sorted(warnings))), False
        if unknown is not None:
            series, at = unknown
            reason = reasons.unknown(series.records[at], series.decision(at), criterion)
        else:
            reason = (reasons.no_baseline(analytes, first, last) if skipped
                      else reasons.not_measured(analytes, first, last))
        return CriterionResult(name, Outcome.INDETERMINATE, (), tuple(sorted(warnings)),
                               reason), unknown is None

    def _lab(
        self, name: str, criterion: Lab, first: date, last: date,
        series: DecidedSeries[Observation], at: tuple[int, int],
    ) -> tuple[CriterionResult, bool]:
        """`_observations` for a leaf reading one analyte (most of them), in fewer steps."""
        lo, hi = at
        if lo >= hi:
            return self._observations(name, criterion, first, last, (series,), (at,),
                                      (criterion.analyte,))
        proofs, warned, no, skip, unknown = series.look_at(lo, hi)
        warnings = tuple(sorted(set(warned))) if warned else ()
        if proofs:
            return CriterionResult(name, Outcome.MET, tuple(proofs), warnings), False
        if unknown is not None:
            reason = reasons.unknown(series.records[unknown], series.decision(unknown), criterion)
            return CriterionResult(name, Outcome.INDETERMINATE, (), warnings, reason), False
        if no:
            return CriterionResult(name, Outcome.NOT_MET, (), warnings), False
        reason = (reasons.no_baseline if skip else reasons.not_measured)(
            (criterion.analyte,), first, last)
        return CriterionResult(name, Outcome.INDETERMINATE, (), warnings, reason), True

    def _event_answer(self, event: Event, day: date, rule: EventOccurred) -> Answer:
        if rule.min_grade is not None and (event.grade is None or event.grade < rule.min_grade):
            return Answer.UNKNOWN if event.grade is None else Answer.NO
        if rule.after is not None:
            anchor = anchor_date(self.timeline, rule.after)
            if anchor is None:
                return Answer.UNKNOWN
            if day < anchor:
                return Answer.NO
        return Answer.YES

    def _event_series(self, name: str, rule: EventOccurred) -> DecidedSeries[Event]:
        """The events of the rule's name, each decided once (evidence for a yes)."""
        found = self._events.get((name, id(rule)))
        if found is None:
            events = self.timeline.events_named(rule.event)
            days = [self.timeline.local_day(e.time) for e in events]
            text = _event_rule(rule)

            def decide(e: Event, day: date) -> Decided:
                answer = self._event_answer(e, day, rule)
                proof = (CriterionEvidence.of(name, e.id, e.time, _event_text(e), text, text)
                         if answer is Answer.YES else None)
                return Decision(answer), proof

            found = DecidedSeries(events, days, decide)
            self._events[(name, id(rule))] = found
        return found

    def _event(
        self, name: str, rule: EventOccurred, first: date, last: date,
        events: DecidedSeries[Event], at: tuple[int, int],
    ) -> tuple[CriterionResult, bool]:
        """The event leaf over the window (its events at `at`), and whether the answer names
        the window's dates."""
        found = events.look_at(*at) if at[0] < at[1] else None
        if found is not None and found[0]:
            return CriterionResult(name, Outcome.MET, tuple(found[0])), False
        what = rule.event.replace("_", " ")
        if found is not None and found[4] is not None:
            missing = (f"no {rule.after.replace('_', ' ')} date (not recorded, not derivable "
                       "from counts)" if rule.after else "no grade recorded")
            return CriterionResult(name, Outcome.INDETERMINATE,
                                   reason=f"{what} from {first} to {last}: {missing}"), True
        if found is not None or rule.absent == "not_met":
            return CriterionResult(name, Outcome.NOT_MET), False
        return CriterionResult(name, Outcome.INDETERMINATE, reason=(
            f"no {what} recorded from {first} to {last}, and option absent_events = "
            "indeterminate")), True

    def derivation(self, anchor: str) -> Derivation:
        found = self.engraftment
        return found.platelet if anchor == "platelet_engraftment" else found.neutrophil

    def _not_engrafted(self, name: str, rule: NotEngrafted, day: date) -> CriterionResult:
        """model.NotEngrafted, with the derivation as evidence."""
        d = self.derivation(rule.anchor)
        day0 = self.timeline.patient.hsct_date
        if day0 is None:
            return self._plain_result(name, Outcome.INDETERMINATE, "no transplant date")
        engrafted = d.date is not None and d.date <= day
        if (day - day0).days < rule.from_day or engrafted:
            return self._plain_result(name, Outcome.NOT_MET)
        if d.recorded is not None or (d.nadir is not None and d.nadir <= day):
            text = self._derivation_text(rule.anchor, d)
            when = datetime.combine(day, time(), tzinfo=self.timeline.tz)
            limit = f"no {rule.anchor.replace('_', ' ')} by day +{rule.from_day}"
            proof = CriterionEvidence.of(name, f"{rule.anchor}:{day}", when, text, limit,
                                         rule.anchor)
            return CriterionResult(name, Outcome.MET, (proof,))
        if d.first_count is not None and d.first_count <= day:
            return self._plain_result(name, Outcome.NOT_MET)  # counts never fell below
        return self._plain_result(name, Outcome.INDETERMINATE,
                                  self._derivation_text(rule.anchor, d))

    def _plain_result(self, name: str, outcome: Outcome, reason: str | None = None
                      ) -> CriterionResult:
        """One result per (name, outcome, reason) without evidence: a day answering as the
        day before gives the same object, which a criterion combining it takes as unchanged."""
        key = (name, outcome, reason)
        found = self._plain.get(key)
        if found is None:
            found = self._plain[key] = CriterionResult(name, outcome, reason=reason)
        return found

    def _derivation_text(self, anchor: str, d: Derivation) -> str:
        rule = self.engraftment_rule
        if anchor == "platelet_engraftment":
            return d.note("platelets", rule.platelet_threshold, rule.platelet_run)
        return d.note("anc", rule.anc_threshold, rule.anc_run)

    def derived_evidence(self) -> tuple[CriterionEvidence, ...]:
        """One evidence item per engraftment date derived from counts (none when recorded)."""
        found = []
        for anchor in ("neutrophil_engraftment", "platelet_engraftment"):
            d = self.derivation(anchor)
            if d.recorded is None and d.derived is not None and d.first_obs is not None:
                obs = d.first_obs
                found.append(CriterionEvidence.of(
                    anchor, obs.id, obs.time, observation_value(obs),
                    self._derivation_text(anchor, d), "derived from counts"))
        return tuple(found)

def _evidence(
    name: str, obs: Observation, decision: Decision, criterion: Lab | BloodPressure
) -> CriterionEvidence:
    what = criterion.analyte if isinstance(criterion, Lab) else obs.analyte
    reported = obs.reported if obs.reported != obs.quantity else None
    return CriterionEvidence.of(name, obs.id, obs.time, observation_value(obs),
                                decision.threshold, what, reported)


def _event_text(event: Event) -> str:
    return event.event if event.grade is None else f"{event.event} grade {event.grade}"


def _event_rule(rule: EventOccurred) -> str:
    grade = "" if rule.min_grade is None else f" grade >= {rule.min_grade}"
    after = "" if rule.after is None else f" on or after {rule.after.replace('_', ' ')}"
    return f"{rule.event}{grade}{after} in the window"
