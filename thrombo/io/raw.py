"""Raw records as read from outside formats, before any clinical interpretation.

A reader turns each *source record* (one CSV data row, one NDJSON line, one Bundle entry) into one
`SourceRecord`: either the raw items it carries (usually one; a blood-pressure panel carries two
observations), or the reason it was skipped (a resource type or code thrombo does not use), or the
reason it was quarantined (malformed). Readers make no clinical decisions: units, codes and
plausibility are normalize's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from thrombo.domain.codes import Code
from thrombo.domain.records import Provenance

RawValue = str | float | int | bool | None
Moment = str | date | datetime


@dataclass(frozen=True, slots=True)
class RawPatient:
    patient_id: str
    fields: dict[str, str]
    """Column or element name -> text value (dates as written). Unknown columns are kept."""
    resource_version: str | None = None


@dataclass(frozen=True, slots=True)
class RawObservation:
    patient_id: str
    time: Moment
    code: Code | str
    """A Code (FHIR), or the text of the CSV `code` column (LOINC, analyte key or local code)."""
    value: RawValue
    unit: str | None = None
    ref_low: RawValue = None
    ref_high: RawValue = None
    resource_id: str | None = None
    resource_version: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    """Columns the format does not define, kept as attributes."""


@dataclass(frozen=True, slots=True)
class RawMedication:
    patient_id: str
    drug: str | tuple[Code, ...]
    """Generic name (CSV) or the medication's codings (FHIR); normalize maps either to a drug."""
    start: Moment
    end: Moment | None = None
    dose: RawValue = None
    dose_unit: str | None = None
    route: str | None = None
    intent: str | None = None
    drug_text: str | None = None
    resource_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    """Columns the format does not define, kept as attributes."""


@dataclass(frozen=True, slots=True)
class RawEvent:
    patient_id: str
    time: Moment
    event: str
    grade: RawValue = None
    note: str | None = None
    resource_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    """Columns the format does not define, kept as attributes."""


@dataclass(frozen=True, slots=True)
class RawProcedure:
    """A procedure (stem-cell transplant, splenectomy, biopsy) as coded by the source."""

    patient_id: str
    codes: tuple[Code, ...]
    text: str | None
    performed: Moment | None
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawCondition:
    """A diagnosis (e.g. immune thrombocytopenia) as coded by the source."""

    patient_id: str
    codes: tuple[Code, ...]
    text: str | None
    onset: Moment | None
    resource_id: str | None = None


RawItem = RawPatient | RawObservation | RawMedication | RawEvent | RawProcedure | RawCondition


@dataclass(frozen=True, slots=True)
class SourceRecord:
    provenance: Provenance
    items: tuple[RawItem, ...] = ()
    skipped: str | None = None
    quarantined: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def skip(cls, provenance: Provenance, reason: str) -> SourceRecord:
        return cls(provenance, skipped=reason)

    @classmethod
    def bad(cls, provenance: Provenance, reason: str) -> SourceRecord:
        return cls(provenance, quarantined=reason)
