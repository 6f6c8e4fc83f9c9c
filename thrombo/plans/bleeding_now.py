"""How a child with ITP is bleeding now: none, skin only, mucosal, severe, or ungraded.

Bleeding events carry a grade on "the scale the event names" (interface.md section 1); for ITP
the plan reads it as the Buchanan & Adix overall grade (clinical-reference.md C5 [S-2nd]):
0-2 skin only (petechiae, bruises; no mucosal bleeding), 3 overt mucosal bleeding not needing
immediate intervention, 4 severe, 5 life-threatening. An event named `major_bleeding` is severe
whatever its grade. An ungraded event is read from its note when the note names the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

from thrombo.domain.records import Event
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.evidence import Evidence
from thrombo.rules.itp.severity import BLEEDING_EVENTS

# C5 [S-2nd] Buchanan & Adix overall grades.
SKIN_ONLY_MAX_GRADE = 2
MUCOSAL_GRADE = 3
SEVERE_FROM_GRADE = 4
MAJOR_BLEEDING_EVENT = "major_bleeding"
# [Design] bleeding recorded in the 7 days up to as-of is the child's current bleeding.
CURRENT_BLEEDING_DAYS = 7
# Word stems matched at the start of a word in the event note.
SKIN_WORDS = re.compile(r"\b(skin|petechia|bruis|purpura|ecchymos)", re.IGNORECASE)
MUCOSAL_WORDS = re.compile(
    r"\b(epistaxis|nose|nasal|gum|oral|mouth|mucosa|menorrh|ha?ematuria|gi\b|gastro|mela?ena)",
    re.IGNORECASE,
)
SEVERE_WORDS = re.compile(r"\b(intracranial|ich\b|life.threatening)", re.IGNORECASE)
RULE = "current bleeding (Buchanan & Adix grade)"


class BleedingLevel(IntEnum):
    NONE = 0
    SKIN = 1
    UNGRADED = 2
    MUCOSAL = 3
    SEVERE = 4


LABELS = {
    BleedingLevel.NONE: "none",
    BleedingLevel.SKIN: "skin-only",
    BleedingLevel.UNGRADED: "ungraded",
    BleedingLevel.MUCOSAL: "mucosal",
    BleedingLevel.SEVERE: "severe",
}


@dataclass(frozen=True, slots=True)
class CurrentBleeding:
    level: BleedingLevel
    evidence: tuple[Evidence, ...]

    @property
    def label(self) -> str:
        return LABELS[self.level]


def _mentions(note: str | None, words: re.Pattern[str]) -> bool:
    return words.search(note or "") is not None


def level_of(event: Event) -> BleedingLevel:
    if event.event == MAJOR_BLEEDING_EVENT:
        return BleedingLevel.SEVERE
    if event.grade is not None:
        if event.grade >= SEVERE_FROM_GRADE:
            return BleedingLevel.SEVERE
        if event.grade >= MUCOSAL_GRADE:
            return BleedingLevel.MUCOSAL
        return BleedingLevel.SKIN if event.grade > 0 else BleedingLevel.NONE
    if _mentions(event.note, SEVERE_WORDS):
        return BleedingLevel.SEVERE
    if _mentions(event.note, MUCOSAL_WORDS):
        return BleedingLevel.MUCOSAL
    if _mentions(event.note, SKIN_WORDS):
        return BleedingLevel.SKIN
    return BleedingLevel.UNGRADED


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
