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
from thrombo.domain.heap import collector_paused
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
    with collector_paused():
        return _read_timelines(conn, tz, patient_ids)


def _read_timelines(
    conn: Connection, tz: tzinfo, patient_ids: Sequence[str] | None
) -> list[PatientTimeline]:
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
    build = _ObservationRows().observation
    for row in conn.execute(query).all():
        yield build(row)


class _ObservationRows:
    """Rows into records, each distinct value made once: a time (a draw's results share it;
    about 5 rows a time in a simulated centre), a time zone, a code, a quantity (values repeat,
    and the reported one is most often the value itself), an attributes text. The values
    shared are immutable (datetime, Quantity, Code); a record's attributes stay its own."""

    def __init__(self) -> None:
        self.times: dict[tuple[Any, int], datetime] = {}
        self.zones: dict[int, tzinfo] = {}
        self.codes: dict[tuple[str, str], Code] = {}
        self.amounts: dict[tuple[type, float, str, str | None], Quantity] = {}
        self.texts: dict[str, dict[str, str]] = {}

    def observation(self, row: tuple[Any, ...]) -> Observation:
        (oid, pid, analyte, time_utc, offset, value, unit, comparator, category, ref_low,
         ref_high, code_system, code, reported_value, reported_unit, version, attributes,
         source, location, ref_source) = row
        bound = comparator or None
        moment = self.times.get((time_utc, offset))
        if moment is None:
            moment = self.times[(time_utc, offset)] = self.local_time(time_utc, offset)
        return Observation(
            oid, pid, analyte, moment, self.quantity(value, unit, bound),
            category, ref_low, ref_high, self.code(code_system, code) if code else None,
            self.quantity(reported_value, reported_unit, bound), version,
            Provenance(source, location) if source else None,
            self.attributes(attributes), ref_source,
        )

    def local_time(self, time_utc: Any, offset: int) -> datetime:
        """A stored time (text from SQLite, a datetime from other drivers) in its own offset;
        one zone object per offset, so that times compare without working out offsets."""
        zone = self.zones.get(offset)
        if zone is None:
            zone = self.zones[offset] = timezone(timedelta(minutes=offset))
        utc: datetime = datetime.fromisoformat(time_utc) if isinstance(time_utc, str) else time_utc
        return utc.replace(tzinfo=UTC).astimezone(zone)

    def quantity(self, value: Any, unit: str, bound: Any) -> Quantity | None:
        if value is None:
            return None
        if not value:  # 0.0 and -0.0 are equal keys but print differently: never shared
            return Quantity(value, unit, bound)
        key = (type(value), value, unit, bound)
        found = self.amounts.get(key)
        if found is None:
            found = self.amounts[key] = Quantity(value, unit, bound)
        return found

    def code(self, system: str, code: str) -> Code:
        found = self.codes.get((system, code))
        if found is None:
            found = self.codes[(system, code)] = Code(system, code)
        return found

    def attributes(self, attributes: Any) -> dict[str, str]:
        if isinstance(attributes, str):  # JSON text (SQLite): parsed once per distinct text
            parsed = self.texts.get(attributes)
            if parsed is None:
                parsed = self.texts[attributes] = json.loads(attributes) or {}
            attributes = parsed
        return dict(attributes) if attributes else {}  # a record's own: never a shared dict


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
