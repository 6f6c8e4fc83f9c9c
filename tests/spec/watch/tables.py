"""Helpers for the watch-list spec tests: the screening spec tables, plus medications.

A signal's outcome is asked of the reference evaluator and of every batch engine this machine
runs (`ENGINES`); all must give the same answer, so each spec test documents the rule and checks
the engines at once. The default patient is the screening tables' girl: 9 years old, transplant
on day 0 = 2026-01-01, neutrophil engraftment day +20, platelet engraftment day +25.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from tests.spec.screening.tables import day, parse, patient, timeline
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome
from thrombo.rules.watch import WatchOptions, WatchResult, watch_patient
from thrombo.rules.watch.medications import with_watch_events
from thrombo.rules.watch.signals import definition

__all__ = ["ADULT", "ENGINES", "INFANT", "day", "parse", "patient", "signal", "timeline",
           "watched", "with_medications"]

ADULT = patient(birth_date=date(2007, 6, 1))
"""18 years old in 2026: the adult blood-pressure limits (>= 140/90 mm Hg, A1) apply."""
INFANT = patient(birth_date=date(2025, 7, 1))
"""Six months old at the transplant: below the blood-pressure tables (from 1 year)."""

EngineOutcome = Callable[[PatientTimeline, str, date, CriteriaSet], Outcome]
ENGINES: dict[str, EngineOutcome] = {}
"""Batch engines asked beside the reference (name -> the signal's outcome on a day)."""


def with_medications(tl: PatientTimeline, table: str) -> PatientTimeline:
    """Medication courses from a pipe table: drug, start day, end day ('-' = still running)."""
    courses = [
        Medication(f"{tl.patient_id}-m{i}", tl.patient_id, row["drug"],
                   datetime.combine(day(row["start"]), time(9, 0), tzinfo=UTC),
                   None if row["end"] in ("", "-") else
                   datetime.combine(day(row["end"]), time(9, 0), tzinfo=UTC))
        for i, row in enumerate(parse(table))
    ]
    return PatientTimeline.build(tl.patient, tl.observations, courses, tl.events, tl.tz)


def reference_outcome(tl: PatientTimeline, name: str, on: date, watch: CriteriaSet) -> Outcome:
    """The reference evaluator's outcome of one signal on a day (derived events included)."""
    return PatientEvaluator.of(tl, watch).named(watch.criterion(name), on).outcome


def signal(
    tl: PatientTimeline, name: str, on_day: int, options: WatchOptions | None = None
) -> str:
    """One signal's outcome on a day (window ending that day): met / not_met / indeterminate."""
    watch = definition(options)
    known = with_watch_events(tl)
    want = reference_outcome(known, name, day(on_day), watch)
    for engine, ask in ENGINES.items():
        got = ask(known, name, day(on_day), watch)
        assert got == want, f"{engine}: {name} on day {on_day}: {got} != {want}"
    return want.value


def watched(tl: PatientTimeline, as_of: int, options: WatchOptions | None = None) -> WatchResult:
    found = watch_patient(tl, day(as_of), options)
    assert found is not None
    return found
