"""From source records to an accounted set of canonical records.

Every source record ends as exactly one of: accepted (its canonical records), duplicate (all of
its records already seen in this import), skipped (with the reason) or quarantined (with the
reason and location). References to patients are resolved against the patients of the same
import and the ids already known (in the store): a record for an unknown patient is quarantined.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import tzinfo
from typing import Any

from thrombo.domain.records import Event, Medication, Observation, Patient, Provenance
from thrombo.domain.timeline import PatientTimeline
from thrombo.io.raw import SourceRecord
from thrombo.normalize.canonical_records import Canonical, Context, PatientFact, normalize_record
from thrombo.normalize.identity import Identities, hold
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SourceSummary
from thrombo.normalize.row_checks import Skip
from thrombo.normalize.values import ValueProblem


def patient_content(patient: Patient) -> dict[str, Any]:
    """A patient's fields as stored (every column but provenance)."""
    return {k: v for k, v in asdict(patient).items() if k != "provenance"}


def content_digest(content: dict[str, Any]) -> str:
    """The same digest for the same field values, whether read from a source or the store."""
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def record_key(record: Canonical) -> tuple[str, ...]:
    """The identity used to recognise a duplicate of a record. A patient is a duplicate only
    when every field is the same: a later export that adds a death date is new information."""
    match record:
        case Patient():
            return ("patient", record.patient_id, content_digest(patient_content(record)))
        case PatientFact():
            return ("fact", record.patient_id, record.field, record.value.isoformat())
        case Observation():
            return ("observation", record.id)
        case Medication():
            return ("medication", record.id)
        case Event():
            return ("event", record.id)
    raise TypeError(record)


@dataclass
class Accepted:
    provenance: Provenance
    records: list[Canonical]


@dataclass
class Dataset:
    """Canonical records of one import, with the read summary that accounts for them."""

    summary: ImportSummary = field(default_factory=ImportSummary)
    accepted: list[tuple[SourceSummary, Accepted]] = field(default_factory=list)

    def records(self) -> Iterable[Canonical]:
        for _, item in self.accepted:
            yield from item.records


def assemble(
    sources: Iterable[tuple[str, str, Iterable[SourceRecord], list[str]]],
    ctx: Context,
    known_patients: frozenset[str] = frozenset(),
    identities: Identities | None = None,
) -> Dataset:
    """Normalise each source's records. `sources` yields (path, format, records, ignored files).
    A patient record that contradicts one known (`identities`: the store's, else those read
    before it) is held back with its patient's records (normalize.identity)."""
    data = Dataset()
    seen: set[tuple[str, ...]] = set()
    known = identities or Identities()
    for path, fmt, records, ignored in sources:
        summary = SourceSummary(path=path, format=fmt, ignored_files=ignored)
        data.summary.sources.append(summary)
        for record in records:
            summary.records += 1
            _account(record, ctx, summary, data, seen, known)
    _resolve_patients(data, known_patients)
    note = known.note()
    if note is not None:
        data.summary.notes.append(note)
    return data


def accept(
    record: SourceRecord, ctx: Context, summary: SourceSummary, totals: ImportSummary
) -> Accepted | None:
    """The record's canonical records, or None after counting it as skipped or quarantined."""
    prov = record.provenance
    try:
        normalized = normalize_record(record, ctx)
    except Skip as skip:
        summary.skipped += 1
        totals.add_skip(str(skip), str(prov))
        return None
    except ValueProblem as problem:
        summary.quarantined += 1
        totals.quarantine.append(QuarantineEntry(prov.source, prov.location, str(problem)))
        return None
    for mapping in normalized.unverified:
        totals.add_unverified(mapping)
    return Accepted(prov, normalized.records)


def unknown_patient(item: Accepted, known: set[str] | frozenset[str]) -> str | None:
    """The first patient the item refers to that is not known, if any."""
    if all(r.patient_id in known or isinstance(r, Patient) for r in item.records):
        return None  # the common case, without building the set of its patients
    missing = sorted({r.patient_id for r in item.records if not isinstance(r, Patient)} - known)
    return missing[0] if missing else None


def _account(
    record: SourceRecord,
    ctx: Context,
    summary: SourceSummary,
    data: Dataset,
    seen: set[tuple[str, ...]],
    identities: Identities,
) -> None:
    item = accept(record, ctx, summary, data.summary)
    if item is None or hold(item, identities, ctx.patients, summary, data.summary):
        return
    canonical, prov = item.records, item.provenance
    keys = [record_key(r) for r in canonical]
    if keys and all(k in seen for k in keys):
        summary.duplicates += 1
        return
    seen.update(keys)
    data.accepted.append((summary, Accepted(prov, canonical)))


def _resolve_patients(data: Dataset, known: frozenset[str]) -> None:
    """Quarantine records whose patient is neither in this import nor already known."""
    here = {r.patient_id for _, a in data.accepted for r in a.records if isinstance(r, Patient)}
    everyone = here | known
    kept: list[tuple[SourceSummary, Accepted]] = []
    for summary, item in data.accepted:
        missing = unknown_patient(item, everyone)
        if missing:
            summary.quarantined += 1
            data.summary.quarantine.append(
                QuarantineEntry(
                    item.provenance.source,
                    item.provenance.location,
                    f"unknown patient {missing!r}",
                )
            )
        else:
            kept.append((summary, item))
    data.accepted = kept


def build_timelines(records: Iterable[Canonical], tz: tzinfo) -> list[PatientTimeline]:
    """Group canonical records into one timeline per patient, facts merged into the patient."""
    patients: dict[str, Patient] = {}
    facts: list[PatientFact] = []
    observations: dict[str, list[Observation]] = {}
    medications: dict[str, list[Medication]] = {}
    events: dict[str, list[Event]] = {}
    for record in records:
        match record:
            case Patient():
                patients[record.patient_id] = record
            case PatientFact():
                facts.append(record)
            case Observation():
                observations.setdefault(record.patient_id, []).append(record)
            case Medication():
                medications.setdefault(record.patient_id, []).append(record)
            case Event():
                events.setdefault(record.patient_id, []).append(record)
    patients = with_facts(patients, facts)
    return [
        PatientTimeline.build(
            patient,
            latest_versions(observations.get(pid, [])),
            medications.get(pid, []),
            events.get(pid, []),
            tz=tz,
        )
        for pid, patient in sorted(patients.items())
    ]


def with_facts(patients: dict[str, Patient], facts: Iterable[PatientFact]) -> dict[str, Patient]:
    """The patients with their procedure and condition dates merged in (a fact about a patient
    who is not there changes nothing)."""
    merged = dict(patients)
    for fact in facts:
        if fact.patient_id in merged:
            merged[fact.patient_id] = apply_fact(merged[fact.patient_id], fact)
    return merged


def apply_fact(patient: Patient, fact: PatientFact) -> Patient:
    """Merge a procedure/condition date into the patient (the earliest date wins)."""
    current = getattr(patient, fact.field, None)
    if current is not None and current <= fact.value:
        return patient
    changes: dict[str, object] = {fact.field: fact.value}
    if fact.field == "hsct_date" and fact.detail in ("allogeneic", "autologous"):
        changes["hsct_type"] = fact.detail
    return replace(patient, **changes)  # type: ignore[arg-type]


def latest_versions(observations: list[Observation]) -> list[Observation]:
    """Amended results: keep only the newest version of each FHIR resource for reasoning."""
    newest: dict[str, Observation] = {}
    for obs in observations:
        base = obs.id.split("/_history/")[0]
        if base not in newest or obs.version > newest[base].version:
            newest[base] = obs
    return list(newest.values())
