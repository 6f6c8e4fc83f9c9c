"""Major bleeding, flagged by a named definition.

clinical-reference.md F: the study's "major bleeding" maps to haemorrhage terms of CTCAE grade
>= 3 (or ISTH major bleeding; "pick one and state it"). The default here is the CTCAE reading
[Design choice among the reference's options]; ISTH is not offered because its criteria are not
in the reference. `recorded-major-bleeding` trusts the source's own `major_bleeding` events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from thrombo.domain.timeline import PatientTimeline
from thrombo.safety.ctcae import CTCAE_VERSION, check_grade

MajorBleedingDefinition = Literal["ctcae-hemorrhage-grade-3", "recorded-major-bleeding"]
DEFAULT_MAJOR_BLEEDING: MajorBleedingDefinition = "ctcae-hemorrhage-grade-3"
# clinical-reference.md F: major bleeding = haemorrhage terms grade >= 3.
MAJOR_BLEEDING_MIN_GRADE = 3


@dataclass(frozen=True, slots=True)
class MajorBleeding:
    definition: MajorBleedingDefinition
    major: bool
    first_date: date | None
    event_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition,
            "ctcae": CTCAE_VERSION,
            "major_bleeding": self.major,
            "first_date": None if self.first_date is None else self.first_date.isoformat(),
            "event_ids": list(self.event_ids),
        }


def _qualifies(event: str, grade: int | None, definition: MajorBleedingDefinition) -> bool:
    if definition == "recorded-major-bleeding":
        return event == "major_bleeding"
    return grade is not None and check_grade("hemorrhage", grade) >= MAJOR_BLEEDING_MIN_GRADE


def major_bleeding(
    timeline: PatientTimeline,
    start: date,
    end: date,
    definition: MajorBleedingDefinition = DEFAULT_MAJOR_BLEEDING,
) -> MajorBleeding:
    """Bleeding events from `start` to `end` (local days) that are major under `definition`."""
    hits = [
        e for e in timeline.events_between(("bleeding", "major_bleeding"), start, end)
        if _qualifies(e.event, e.grade, definition)
    ]
    first = timeline.local_day(hits[0].time) if hits else None
    return MajorBleeding(definition, bool(hits), first, tuple(e.id for e in hits))
