"""Safety from a treatment start: CTCAE-graded adverse events and the major-bleeding flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.safety.adverse_events import AdverseEvent, grade_adverse_events
from thrombo.safety.bleeding import (
    DEFAULT_MAJOR_BLEEDING,
    MajorBleeding,
    MajorBleedingDefinition,
    major_bleeding,
)
from thrombo.safety.ctcae import CTCAE_VERSION


@dataclass(frozen=True)
class SafetySummary:
    adverse_events: tuple[AdverseEvent, ...]
    major_bleeding: MajorBleeding

    def to_json(self) -> dict[str, Any]:
        warnings = sorted({w for ae in self.adverse_events for w in ae.warnings})
        return {
            "adverse_events": [ae.to_json() for ae in self.adverse_events],
            "major_bleeding": self.major_bleeding.to_json(),
            "safety_rules": {"name": "ctcae", "version": CTCAE_VERSION, "options": {
                "lab_events": "treatment-emergent: worse than the grade at treatment start",
                "major_bleeding": self.major_bleeding.definition,
            }},
            "safety_warnings": warnings,
        }


def safety_since(
    timeline: PatientTimeline,
    start: date,
    as_of: date,
    definition: MajorBleedingDefinition = DEFAULT_MAJOR_BLEEDING,
) -> SafetySummary:
    """Events from the treatment start to as-of (or death), on what was known by as-of."""
    known = timeline.as_of(as_of)
    death = known.patient.death_date
    end = as_of if death is None else min(as_of, death)
    return SafetySummary(
        grade_adverse_events(known, start, end), major_bleeding(known, start, end, definition)
    )
