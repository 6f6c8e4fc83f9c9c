"""Defibrotide holds and contraindications read from the patient's record.

The rules themselves are thrombo.dosing.defibrotide_holds (label B1 [S], engine [Design]); this
module finds their inputs in a PatientTimeline and keeps the records as evidence:
- anticoagulant or fibrinolytic medications running at the check, or stopped within their
  washout (the hold lasts until the washout after the last dose ends);
- open bleeding events (recorded in the 48 h up to the check) and their grade;
- active vasopressors;
- invasive procedures within 2 h after the check.

The check is made at an instant (`at`), or over a whole as-of day when no time is given: then
anything active at some time that day counts, and a procedure that day holds the dose due in the
2 h before it (a warning: the plan still stands).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from thrombo.domain.evidence import Evidence
from thrombo.domain.records import Event, Medication
from thrombo.domain.timeline import PatientTimeline, end_of_day, start_of_day
from thrombo.dosing.defibrotide_holds import (
    BLOCKING_BLEEDING_GRADE,
    HOURS_BEFORE_PROCEDURE,
    ActiveOrder,
    HoldAction,
    HoldFinding,
    antithrombotic_class,
    antithrombotic_finding,
    bleeding_findings,
    for_line,
    haemodynamic_findings,
    procedure_findings,
)
from thrombo.plans.result import PlanHold
from thrombo.rules.itp.severity import BLEEDING_EVENTS

RULE = "defibrotide holds"
VASOPRESSOR = "vasopressor"
INVASIVE_PROCEDURE = "invasive_procedure"
MAJOR_BLEEDING_EVENT = "major_bleeding"
DEFIBROTIDE = "defibrotide"
# [Design] events carry no end time: a bleeding event recorded in the 48 h up to the check is
# taken as still open.
OPEN_BLEEDING_HOURS = 48
# [Design] an ungraded `major_bleeding` event is read as the blocking grade (B1 engine: >= 3).
MAJOR_BLEEDING_DEFAULT_GRADE = BLOCKING_BLEEDING_GRADE
# [Design] "recurrent significant bleeding" (label: discontinue permanently): a second bleeding
# event of grade >= 3 since the current defibrotide course started.
RECURRENT_BLEEDING_EVENTS = 2


@dataclass(frozen=True, slots=True)
class CheckWindow:
    """When the hold rules are checked: an instant, or a whole local day."""

    first: datetime
    last: datetime
    instant: bool

    @classmethod
    def at(cls, moment: datetime) -> CheckWindow:
        return cls(moment, moment, True)

    @classmethod
    def day(cls, timeline: PatientTimeline, day: date) -> CheckWindow:
        return cls(start_of_day(day, timeline.tz), end_of_day(day, timeline.tz), False)

    def describe(self) -> str:
        if self.instant:
            return f"at {self.first.isoformat()}"
        return f"during {self.first.date().isoformat()} (no time given)"


def _active(med: Medication, window: CheckWindow) -> bool:
    return med.start <= window.last and (med.end is None or med.end >= window.first)


def _med_evidence(timeline: PatientTimeline, med: Medication, what: str) -> Evidence:
    intent = med.intent or "intent not recorded"
    end = "" if med.end is None else f" to {timeline.local_day(med.end).isoformat()}"
    note = f"{what}: {med.drug} ({intent}) from {timeline.local_day(med.start).isoformat()}{end}"
    return Evidence(RULE, note, timeline.local_day(med.start), med.id)


def _event_evidence(timeline: PatientTimeline, event: Event) -> Evidence:
    grade = "not recorded" if event.grade is None else str(event.grade)
    graded = event.event in BLEEDING_EVENTS or event.grade is not None
    note = f"{event.event}{f' grade {grade}' if graded else ''} at {event.time.isoformat()}"
    return Evidence(RULE, note, timeline.local_day(event.time), event.id)


def _stopped(
    timeline: PatientTimeline, med: Medication, administration: bool
) -> datetime | None:
    """When an antithrombotic record stopped; None when it is taken as still running."""
    if med.end is not None:
        if med.end.astimezone(timeline.tz).time() == time.min:
            # [Design] an end given as a date only may be any time that day: the washout counts
            # from the end of that day.
            return end_of_day(timeline.local_day(med.end), timeline.tz)
        return med.end
    # An end-less record is one administration when the drug is recorded as administrations
    # (more than one record without an end); a lone one is an order with no stop recorded, taken
    # as still running.
    return med.start if administration else None


def _latest_effect(
    timeline: PatientTimeline, meds: Sequence[Medication]
) -> tuple[Medication, datetime | None]:
    """The record whose effect lasts longest (a running one first), and its stop."""
    administrations = sum(1 for m in meds if m.end is None) > 1
    stops = [(m, _stopped(timeline, m, administrations)) for m in meds]
    running = [(m, s) for m, s in stops if s is None]
    if running:
        return running[-1]
    return max(stops, key=lambda pair: pair[1] or pair[0].start)


def antithrombotic_holds(
    timeline: PatientTimeline, window: CheckWindow, line_heparin_blocks: bool = False
) -> list[PlanHold]:
    """One hold per antithrombotic drug given up to the check, while it runs or its washout
    after the last dose lasts (thrombo.dosing.defibrotide_holds.CLASSES)."""
    grouped: dict[tuple[str, bool], list[Medication]] = {}
    for med in timeline.medications:
        if med.start <= window.last and antithrombotic_class(med.drug) is not None:
            key = (med.drug, for_line(med.drug, med.intent, med.route))
            grouped.setdefault(key, []).append(med)
    holds = []
    for meds in grouped.values():
        med, stopped = _latest_effect(timeline, meds)
        order = ActiveOrder(med.drug, med.intent, med.route, stopped)
        finding = antithrombotic_finding(order, window.first, line_heparin_blocks)
        if finding is not None:
            what = "running order" if stopped is None else "last record"
            holds.append(PlanHold(finding, (_med_evidence(timeline, med, what),)))
    return holds


def _bleeding_grade(event: Event) -> int | None:
    if event.grade is None and event.event == MAJOR_BLEEDING_EVENT:
        return MAJOR_BLEEDING_DEFAULT_GRADE
    return event.grade


def _defibrotide_start(timeline: PatientTimeline, window: CheckWindow) -> datetime | None:
    running = [m for m in timeline.medications_of(DEFIBROTIDE) if _active(m, window)]
    return min((m.start for m in running), default=None)


def bleeding_holds(timeline: PatientTimeline, window: CheckWindow) -> list[PlanHold]:
    since = window.last - timedelta(hours=OPEN_BLEEDING_HOURS)
    bleeds = [e for e in timeline.events_named(*BLEEDING_EVENTS) if since <= e.time <= window.last]
    graded = [(e, g) for e in bleeds if (g := _bleeding_grade(e)) is not None]
    ungraded = [e for e in bleeds if _bleeding_grade(e) is None]
    start = _defibrotide_start(timeline, window)
    significant = [
        e
        for e in timeline.events_named(*BLEEDING_EVENTS)
        if start is not None
        and start <= e.time <= window.last
        and (_bleeding_grade(e) or 0) >= BLOCKING_BLEEDING_GRADE
    ]
    recurrent = len(significant) >= RECURRENT_BLEEDING_EVENTS
    findings = bleeding_findings([g for _, g in graded], recurrent)
    holds = []
    for finding in findings:
        cited = significant if finding.rule == "recurrent-bleeding" else [e for e, _ in graded]
        holds.append(PlanHold(finding, tuple(_event_evidence(timeline, e) for e in cited)))
    if ungraded:
        finding = HoldFinding(
            "active-bleeding",
            HoldAction.WARN,
            "bleeding recorded without a grade: confirm it is not clinically significant",
        )
        holds.append(PlanHold(finding, tuple(_event_evidence(timeline, e) for e in ungraded)))
    return holds


def vasopressor_holds(timeline: PatientTimeline, window: CheckWindow) -> list[PlanHold]:
    running = [m for m in timeline.medications_of(VASOPRESSOR) if _active(m, window)]
    return [
        PlanHold(finding, tuple(_med_evidence(timeline, m, "vasopressor") for m in running))
        for finding in haemodynamic_findings(len(running))
    ]


def procedure_holds(timeline: PatientTimeline, window: CheckWindow) -> list[PlanHold]:
    procedures = timeline.events_named(INVASIVE_PROCEDURE)
    if window.instant:
        ahead = [e for e in procedures if e.time >= window.first]
        if not ahead:
            return []
        nearest = ahead[0]
        hours = round((nearest.time - window.first).total_seconds() / 3600, 2)
        return [
            PlanHold(f, (_event_evidence(timeline, nearest),)) for f in procedure_findings(hours)
        ]
    today = [e for e in procedures if window.first <= e.time <= window.last]
    return [
        PlanHold(
            HoldFinding(
                "invasive-procedure",
                HoldAction.WARN,
                f"invasive procedure at {e.time.isoformat()}: hold the dose due in the "
                f"{HOURS_BEFORE_PROCEDURE:g} h before it; restart once procedure-related bleeding "
                "risk has resolved",
            ),
            (_event_evidence(timeline, e),),
        )
        for e in today
    ]


def record_holds(
    timeline: PatientTimeline, window: CheckWindow, line_heparin_blocks: bool = False
) -> tuple[PlanHold, ...]:
    """Every hold or contraindication the record shows, blocking ones first."""
    holds: Sequence[PlanHold] = [
        *antithrombotic_holds(timeline, window, line_heparin_blocks),
        *bleeding_holds(timeline, window),
        *vasopressor_holds(timeline, window),
        *procedure_holds(timeline, window),
    ]
    return tuple(sorted(holds, key=lambda h: h.finding.action is HoldAction.WARN))
