"""Reading the store back into patient timelines (the other half of thrombo.store.sql).

Times are stored as UTC with the offset they were recorded in, and come back in that offset;
amended observations keep every version in the store, and only the newest reaches reasoning.

Observations are the bulk of a store (a centre's is hundreds of thousands of rows), so they are
read as plain tuples: columns selected without SQLAlchemy's per-row type processing, times
parsed by `datetime.fromisoformat` where the driver returns text (SQLite), one time zone object
per offset and one code object per code. The records are the same as through the typed path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar

from sqlalchemy import Table, literal_column, select
from sqlalchemy.engine import Connection

from thrombo.domain.codes import Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient, Provenance
from thrombo.domain.timeline import PatientTimeline
from thrombo.normalize.assemble import apply_fact, latest_versions
from thrombo.normalize.canonical_records import PatientFact
from thrombo.store.schema import events, medications, observations, patient_facts, patients

_R = TypeVar("_R", Observation, Medication, Event)


def read_timelines(
    conn: Connection, tz: tzinfo = UTC, patient_ids: Sequence[str] | None = None
) -> list[PatientTimeline]:
    """Every patient's timeline (or those of `patient_ids`), facts merged into the patient."""
    people = {p.patient_id: p for p in _patients(conn, patient_ids)}
    for fact in _facts(conn, patient_ids):
        if fact.patient_id in people:
            people[fact.patient_id] = apply_fact(people[fact.patient_id], fact)
    obs = _group(_observations(conn, patient_ids))
    meds = _group(_medications(conn, patient_ids))
    evs = _group(_events(conn, patient_ids))
    return [
        PatientTimeline.build(
            p, latest_versions(obs.get(pid, [])), meds.get(pid, []), evs.get(pid, []), tz
        )
        for pid, p in sorted(people.items())
    ]


def _local(utc_naive: datetime, offset_minutes: int) -> datetime:
    tz = timezone(timedelta(minutes=offset_minutes))
    return utc_naive.replace(tzinfo=UTC).astimezone(tz)


def _filtered(table: Table, patient_ids: Sequence[str] | None) -> Any:
    query = select(table)
    if patient_ids is not None:
        query = query.where(table.c.patient_id.in_(list(patient_ids)))
    return query


def _prov(row: Any) -> Provenance | None:
    return Provenance(row.source, row.location) if row.source else None


def _patients(conn: Connection, ids: Sequence[str] | None) -> Iterator[Patient]:
    for row in conn.execute(_filtered(patients, ids)):
        data = dict(row._mapping)
        data.pop("import_id")
        prov = Provenance(data.pop("source"), data.pop("location")) if data["source"] else None
        yield Patient(**data, provenance=prov)


def _facts(conn: Connection, ids: Sequence[str] | None) -> Iterator[PatientFact]:
    for row in conn.execute(_filtered(patient_facts, ids)):
        yield PatientFact(row.patient_id, row.field, row.value, row.detail)


# The observation columns in the order `_observation` reads them.
OBSERVATION_COLUMNS = (
    "id", "patient_id", "analyte", "time_utc", "utc_offset_minutes", "value", "unit",
    "comparator", "category", "ref_low", "ref_high", "code_system", "code", "reported_value",
    "reported_unit", "version", "attributes", "source", "location", "ref_source",
)


def _observations(conn: Connection, ids: Sequence[str] | None) -> Iterator[Observation]:
    # literal_column: untyped, so rows come back as the driver gives them (no per-row
    # processing); the table's own column types are applied below, once per distinct value.
    query: Any = select(*(literal_column(c) for c in OBSERVATION_COLUMNS)).select_from(
        observations)
    if ids is not None:
        query = query.where(observations.c.patient_id.in_(list(ids)))
    zones: dict[int, tzinfo] = {}
    codes: dict[tuple[str, str], Code] = {}
    texts: dict[str, dict[str, str]] = {}
    for row in conn.execute(query).all():
        yield _observation(row, zones, codes, texts)


def _observation(
    row: tuple[Any, ...], zones: dict[int, tzinfo], codes: dict[tuple[str, str], Code],
    texts: dict[str, dict[str, str]],
) -> Observation:
    (oid, pid, analyte, time_utc, offset, value, unit, comparator, category, ref_low, ref_high,
     code_system, code, reported_value, reported_unit, version, attributes, source, location,
     ref_source) = row
    bound = comparator or None
    zone = zones.get(offset)
    if zone is None:
        zone = zones[offset] = timezone(timedelta(minutes=offset))
    if isinstance(time_utc, str):
        time_utc = datetime.fromisoformat(time_utc)
    coded = None
    if code:
        coded = codes.get((code_system, code))
        if coded is None:
            coded = codes[(code_system, code)] = Code(code_system, code)
    if isinstance(attributes, str):  # JSON text (SQLite): parsed once per distinct text
        parsed = texts.get(attributes)
        if parsed is None:
            parsed = texts[attributes] = json.loads(attributes) or {}
        attributes = dict(parsed)  # a record's own copy: records never share a mutable dict
    return Observation(
        oid, pid, analyte, time_utc.replace(tzinfo=UTC).astimezone(zone),
        Quantity(value, unit, bound) if value is not None else None,
        category, ref_low, ref_high, coded,
        Quantity(reported_value, reported_unit, bound) if reported_value is not None else None,
        version,
        Provenance(source, location) if source else None,
        attributes or {},
        ref_source,
    )


def _medications(conn: Connection, ids: Sequence[str] | None) -> Iterator[Medication]:
    for row in conn.execute(_filtered(medications, ids)):
        yield Medication(
            id=row.id,
            patient_id=row.patient_id,
            drug=row.drug,
            start=_local(row.start_utc, row.start_offset_minutes),
            end=_local(row.end_utc, row.end_offset_minutes) if row.end_utc else None,
            dose=Quantity(row.dose, row.dose_unit) if row.dose is not None else None,
            route=row.route,
            intent=row.intent,
            provenance=_prov(row),
            attributes=row.attributes or {},
        )


def _events(conn: Connection, ids: Sequence[str] | None) -> Iterator[Event]:
    for row in conn.execute(_filtered(events, ids)):
        yield Event(
            id=row.id,
            patient_id=row.patient_id,
            time=_local(row.time_utc, row.utc_offset_minutes),
            event=row.event,
            grade=row.grade,
            note=row.note,
            provenance=_prov(row),
            attributes=row.attributes or {},
        )


def _group(records: Iterable[_R]) -> dict[str, list[_R]]:
    out: dict[str, list[_R]] = {}
    for rec in records:
        out.setdefault(rec.patient_id, []).append(rec)
    return out
