"""Why defibrotide was interrupted, where the record says: the reason a medication row gives, or
a bleed, an invasive procedure or an anticoagulant around the first missed dose.

The label's reasons to hold defibrotide (clinical-reference.md B1 and I1 [S]): significant
bleeding (withhold, resume when it has stopped), an invasive procedure (stop at least 2 h before,
resume when its bleeding risk has resolved), and systemic anticoagulant or fibrinolytic therapy
(contraindicated). The record's own words come first; the rest is read from events.csv and
medications.csv and every reason names the rows it rests on. Nothing found: "not recorded".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from thrombo.analytics.endpoints import is_bleeding
from thrombo.analytics.statistical_results import Json
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.defibrotide_holds import antithrombotic_class, for_line

# [Design] an event up to 24 h before the first missed dose can explain the hold (a bleed or a
# procedure is noticed, then the next dose is not given); the procedure rule's 2 h (B1 [S]) is
# inside this.
LOOKBACK_HOURS = 24
REASON_WARNING = (f"interruption reasons: an event up to {LOOKBACK_HOURS} h before the first "
                  "missed dose is taken as its reason (a design choice, not from the clinical "
                  "reference); it is an association in the record, not a documented decision")

PROCEDURE_EVENTS = frozenset({"invasive_procedure", "tma_biopsy"})
# Extra medications.csv columns that may carry the reason a course was held [Design].
REASON_COLUMNS = ("interruption_reason", "hold_reason", "stop_reason", "reason")
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Interruption:
    """Doses not given from `start` (the first missed dose was due) to `end` (dosing resumed)."""

    start: datetime
    end: datetime
    missed_doses: int
    reason: str
    evidence: tuple[str, ...]
    start_day: str
    end_day: str

    @property
    def hours(self) -> float:
        return (self.end - self.start) / timedelta(hours=1)

    def to_json(self) -> dict[str, Json]:
        return {"start": self.start_day, "end": self.end_day, "hours": round(self.hours, 1),
                "missed_doses": self.missed_doses, "reason": self.reason,
                "evidence": list(self.evidence)}


def _recorded(rows: Sequence[Medication]) -> list[str]:
    for med in rows:
        for column in REASON_COLUMNS:
            text = (med.attributes.get(column) or "").strip()
            if text:
                return [f"{text} (medication row {med.id}, column {column})"]
    return []


def _events(timeline: PatientTimeline, first: datetime, last: datetime) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in timeline.events:
        if not first <= event.time <= last:
            continue
        when = timeline.local_day(event.time).isoformat()
        if event.event in PROCEDURE_EVENTS:
            found.setdefault("procedure", []).append(f"{event.event} on {when} ({event.id})")
        elif is_bleeding(event.event):
            grade = "" if event.grade is None else f" grade {event.grade}"
            found.setdefault("bleeding", []).append(f"{event.event}{grade} on {when} "
                                                    f"({event.id})")
    return found


def _anticoagulants(timeline: PatientTimeline, first: datetime, last: datetime) -> list[str]:
    found = []
    for med in timeline.medications:
        klass = antithrombotic_class(med.drug)
        if klass is None or for_line(med.drug, med.intent, med.route):
            continue
        stop = med.end if med.end is not None else med.start
        if med.start <= last and stop >= first:
            found.append(f"{med.drug} ({klass.name}) from "
                         f"{timeline.local_day(med.start).isoformat()} ({med.id})")
    return found


def interruption_reason(timeline: PatientTimeline, due: datetime, resumed: datetime,
                        missed: int, rows: Sequence[Medication]) -> Interruption:
    """The interruption from the missed dose `due` to `resumed`, with its reason."""
    first = due - timedelta(hours=LOOKBACK_HOURS)
    recorded = _recorded(rows)
    evidence: list[str]
    if recorded:
        reason, evidence = recorded[0].split(" (medication row")[0], recorded
    else:
        found = _events(timeline, first, resumed)
        anticoagulants = _anticoagulants(timeline, first, resumed)
        if anticoagulants:
            found["anticoagulant"] = anticoagulants
        reason = ", ".join(sorted(found)) or NOT_RECORDED
        evidence = [item for key in sorted(found) for item in found[key]]
    return Interruption(due, resumed, missed, reason, tuple(evidence),
                        timeline.local_day(due).isoformat(),
                        timeline.local_day(resumed).isoformat())
