"""How bad one bleeding event is: none, skin only, mucosal, severe, or ungraded.

Bleeding events carry a grade on "the scale the event names" (interface.md section 1); for ITP
it is read as the Buchanan & Adix overall grade (clinical-reference.md C5 [S-2nd]): 0-2 skin only
(petechiae, bruises; no mucosal bleeding), 3 overt mucosal bleeding not needing immediate
intervention, 4 severe, 5 life-threatening. An event named `major_bleeding` is severe whatever its
grade. An ungraded event is read from its note when the note names the site.

Shared by severe ITP (thrombo.rules.itp.severity) and the ladder's current bleeding.
"""

from __future__ import annotations

import re
from enum import IntEnum

from thrombo.domain.records import Event

# C5 [S-2nd] Buchanan & Adix overall grades: 0-2 skin only, 3 mucosal, 4-5 severe. Mucosal
# bleeding starts at the first grade beyond the skin, so the boundary is written once.
SKIN_ONLY_MAX_GRADE = 2
MUCOSAL_GRADE = SKIN_ONLY_MAX_GRADE + 1
SEVERE_FROM_GRADE = 4
MAJOR_BLEEDING_EVENT = "major_bleeding"
# Word stems matched at the start of a word in the event note.
SKIN_WORDS = re.compile(r"\b(skin|petechia|bruis|purpura|ecchymos)", re.IGNORECASE)
MUCOSAL_WORDS = re.compile(
    r"\b(epistaxis|nose|nasal|gum|oral|mouth|mucosa|menorrh|ha?ematuria|gi\b|gastro|mela?ena)",
    re.IGNORECASE,
)
SEVERE_WORDS = re.compile(r"\b(intracranial|ich\b|life.threatening)", re.IGNORECASE)


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


def _mentions(note: str | None, words: re.Pattern[str]) -> bool:
    return words.search(note or "") is not None


def level_of(event: Event) -> BleedingLevel:
    """The Buchanan & Adix level of one bleeding event (by grade, else by the note's site)."""
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
