"""The watch signals on the patient journey (issues 23 and 24): a mark on the day each early
TA-TMA signal started, from the transplant to the diagnosis (or as-of, when not diagnosed).

A signal "starts" on a day it is met (thrombo.rules.watch: met on the day when its rule holds in
the signal window ending that day) after a day it was not met, or on the transplant day itself;
a signal that lapses and returns starts again. After the diagnosis the watch no longer applies,
so no later start is drawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thrombo.domain.evidence import CriterionEvidence
from thrombo.domain.timeline import PatientTimeline
from thrombo.report.words import term
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.watch.signals import definition
from thrombo.rules.watch.watch import daily_signals, met_names, prepared

CODES = {"ldh_rising": "L", "new_proteinuria": "P", "new_hypertension": "H",
         "platelet_fall": "F", "sc5b9_rising": "C"}
"""One letter per signal (thrombo.rules.watch.signals.SIGNALS), drawn above its mark."""
LEGEND = ("Watch signals: a triangle on the day each early TA-TMA signal started, up to the "
          "diagnosis (" + ", ".join(f"{code} {term(name)}" for name, code in CODES.items())
          + "; [Design] signal rules).")


@dataclass(frozen=True, slots=True)
class SignalStart:
    signal: str
    day: date
    evidence: tuple[CriterionEvidence, ...]


def signal_starts(timeline: PatientTimeline, as_of: date, until: date | None
                  ) -> list[SignalStart]:
    """Each start of each signal, by day then signal name, over the records known by as-of;
    empty for a patient without an allogeneic transplant."""
    first = timeline.patient.hsct_date
    if not timeline.patient.had_allogeneic_hsct or first is None:
        return []
    known = prepared(timeline, as_of)
    # No signal can start after the last record (each needs a result or event in its window).
    recorded = [known.local_day(o.time) for o in known.observations] + [
        known.local_day(e.time) for e in known.events]
    if not recorded:
        return []
    last = min(as_of, max(recorded), *([] if until is None else [until]))
    watch = definition()
    evaluator = PatientEvaluator.of(known, watch)
    starts: list[SignalStart] = []
    before: frozenset[str] = frozenset()
    for day, results in daily_signals(evaluator, watch, first, last):
        met = met_names(results)
        starts += [SignalStart(name, day, results[name].evidence) for name in sorted(met - before)]
        before = met
    return starts
