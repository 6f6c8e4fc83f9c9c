"""How a child with ITP is bleeding now: none, skin only, mucosal, severe, or ungraded.

The level of each event (Buchanan & Adix grade, clinical-reference.md C5 [S-2nd]) is read by
thrombo.rules.itp.bleeding, which severe ITP shares; this module picks the worst recent one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from thrombo.domain.evidence import Evidence
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.bleeding import (
    LABELS,
    MAJOR_BLEEDING_EVENT,
    MUCOSAL_GRADE,
    SEVERE_FROM_GRADE,
    SKIN_ONLY_MAX_GRADE,
    BleedingLevel,
    level_of,
)
from thrombo.rules.itp.severity import BLEEDING_EVENTS

__all__ = [
    "CURRENT_BLEEDING_DAYS", "LABELS", "MAJOR_BLEEDING_EVENT", "MUCOSAL_GRADE",
    "SEVERE_FROM_GRADE", "SKIN_ONLY_MAX_GRADE", "BleedingLevel", "CurrentBleeding",
    "current_bleeding", "level_of",
]

# [Design] bleeding recorded in the 7 days up to as-of is the child's current bleeding.
CURRENT_BLEEDING_DAYS = 7
RULE = "current bleeding (Buchanan & Adix grade)"


@dataclass(frozen=True, slots=True)
class CurrentBleeding:
    level: BleedingLevel
    evidence: tuple[Evidence, ...]

    @property
    def label(self) -> str:
        return LABELS[self.level]


def current_bleeding(timeline: PatientTimeline, as_of: date) -> CurrentBleeding:
    """The worst bleeding event in the 7 days up to as-of (with every such event as evidence)."""
    first = as_of - timedelta(days=CURRENT_BLEEDING_DAYS - 1)
    events = timeline.events_between(BLEEDING_EVENTS, first, as_of)
    if not events:
        return CurrentBleeding(BleedingLevel.NONE, ())
    levels = [(level_of(e), e) for e in events]
    worst = max(level for level, _ in levels)
    evidence = tuple(
        Evidence(
            RULE,
            f"{e.event} grade {e.grade if e.grade is not None else 'not recorded'}"
            f"{': ' + e.note if e.note else ''} -> {LABELS[level]}",
            timeline.local_day(e.time),
            e.id,
        )
        for level, e in levels
    )
    return CurrentBleeding(worst, evidence)
