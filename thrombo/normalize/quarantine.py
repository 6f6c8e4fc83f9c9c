"""Accounting for every source record: stored, duplicate, skipped or quarantined.

For each source, `records == stored + duplicates + skipped + quarantined` (interface.md, import).
Quarantined records keep their location and reason; skipped ones are grouped by reason with a
count and one example location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    source: str
    location: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "location": self.location, "reason": self.reason}


@dataclass
class SkipGroup:
    reason: str
    count: int
    example: str

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "count": self.count, "example": self.example}


@dataclass
class SourceSummary:
    path: str
    format: str
    records: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    quarantined: int = 0
    ignored_files: list[str] = field(default_factory=list)
    """Files of the source not read. A bare name is a file of another kind (a README); one
    given with its reason (`log.ndjson: the Bulk Data export's log ...`, `Observation.ndjson:
    empty, 0 records`) is a file the user may have meant as data, and is also a warning."""

    @property
    def warnings(self) -> list[str]:
        return [f"{self.path}: not read: {entry}" for entry in self.ignored_files
                if ": " in entry]

    @property
    def balanced(self) -> bool:
        return self.records == self.stored + self.duplicates + self.skipped + self.quarantined

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "records": self.records,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "quarantined": self.quarantined,
        }
        if self.ignored_files:
            out["ignored_files"] = self.ignored_files
        return out


@dataclass
class ImportSummary:
    """The read summary of one or more sources (the `import --json` document)."""

    sources: list[SourceSummary] = field(default_factory=list)
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    skipped: dict[str, SkipGroup] = field(default_factory=dict)
    unverified: dict[str, int] = field(default_factory=dict)
    """Records read per code mapping (`code -> concept`: a LOINC code, a drug, procedure or
    condition code or name) that clinical-reference.md or thrombo.normalize.concepts marks
    from memory, unverified."""

    notes: list[str] = field(default_factory=list)
    """Warnings about the import as a whole (e.g. patient records held back as identity
    conflicts, normalize.identity)."""

    screening: dict[str, Any] | None = None
    """After an import into the store: the patients it touched, screened and their results
    stored (thrombo.services.stored_screening); None when nothing was screened."""

    def add_unverified(self, mapping: str) -> None:
        self.unverified[mapping] = self.unverified.get(mapping, 0) + 1

    @property
    def warnings(self) -> list[str]:
        files = [warning for source in self.sources for warning in source.warnings]
        return files + self.notes + [
            f"{count} record{'s' if count > 1 else ''} read through the mapping {mapping}, "
            "which is from memory, unverified: check it"
            for mapping, count in sorted(self.unverified.items())
        ]

    def add_skip(self, reason: str, example: str) -> None:
        group = self.skipped.get(reason)
        if group is None:
            self.skipped[reason] = SkipGroup(reason, 1, example)
        else:
            group.count += 1

    @property
    def total_quarantined(self) -> int:
        return sum(s.quarantined for s in self.sources)

    def to_json(self) -> dict[str, Any]:
        return {
            "sources": [s.to_json() for s in self.sources],
            "quarantine": [q.to_json() for q in self.quarantine],
            "skipped": [g.to_json() for g in self.skipped.values()],
            "warnings": self.warnings,
            **({} if self.screening is None else {"screening": self.screening}),
        }
