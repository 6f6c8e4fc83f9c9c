"""Canonical records as the store's rows (tuples in a fixed column order), and their insertion
in bulk.

The rows go to the database driver directly (sqlite3's executemany of a prepared INSERT;
PostgreSQL's COPY through psycopg) inside the caller's transaction, so an import stays all or
nothing. Each value passes through the bind processor SQLAlchemy itself would apply to its
column (a date-time's text form on SQLite, a JSON document's serialisation), so the stored
values are the same as an insert through SQLAlchemy's executemany stores; only the per-row
dictionaries and parameter processing of that path are saved. Another database goes through
SQLAlchemy as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from thrombo.domain.records import Event, Medication, Observation, Patient, Provenance
from thrombo.normalize.canonical_records import Canonical, PatientFact
from thrombo.store.schema import events, medications, observations, patient_facts, patients

Row = tuple[Any, ...]
WHERE = ("source", "location", "import_id")
"""Where a record was read, and the import that wrote it: the last columns of a record's row."""
PATIENT_COLUMNS = tuple(c.name for c in patients.columns if c.name not in WHERE) + WHERE
OBSERVATION_COLUMNS = (
    "id", "patient_id", "analyte", "time_utc", "utc_offset_minutes", "value", "unit",
    "category", "ref_low", "ref_high", "code_system", "code", "reported_value", "reported_unit",
    "version", "attributes", "comparator", "ref_source", *WHERE)
MEDICATION_COLUMNS = (
    "id", "patient_id", "drug", "start_utc", "start_offset_minutes", "end_utc",
    "end_offset_minutes", "dose", "dose_unit", "route", "intent", "attributes", *WHERE)
EVENT_COLUMNS = ("id", "patient_id", "time_utc", "utc_offset_minutes", "event", "grade", "note",
                 "attributes", *WHERE)
FACT_COLUMNS = ("patient_id", "field", "value", "detail", "import_id")
COLUMNS: dict[Table, tuple[str, ...]] = {
    patients: PATIENT_COLUMNS, observations: OBSERVATION_COLUMNS,
    medications: MEDICATION_COLUMNS, events: EVENT_COLUMNS, patient_facts: FACT_COLUMNS}
"""The columns each table's rows give, in order."""


def utc(moment: datetime) -> tuple[datetime, int]:
    """A moment as stored: naive UTC and the reported offset in minutes."""
    offset = moment.utcoffset() or timedelta(0)
    return moment.astimezone(UTC).replace(tzinfo=None), int(offset.total_seconds() // 60)


def record_row(rec: Canonical, prov: Provenance, import_id: int) -> tuple[Table, Row]:
    """The table a record goes to and its row there (COLUMNS' order)."""
    where = (prov.source, prov.location, import_id)
    match rec:
        case Observation():
            return observations, (*observation_values(rec), *where)
        case Patient():
            values = asdict(rec)
            return patients, (*(values[c] for c in PATIENT_COLUMNS[:-3]), *where)
        case PatientFact():
            return patient_facts, (rec.patient_id, rec.field, rec.value, rec.detail, import_id)
        case Medication():
            return medications, (*medication_values(rec), *where)
        case Event():
            at, off = utc(rec.time)
            return events, (rec.id, rec.patient_id, at, off, rec.event, rec.grade, rec.note,
                            rec.attributes or None, *where)
    raise TypeError(rec)


def observation_values(rec: Observation) -> Row:
    at, off = utc(rec.time)
    quantity, reported, code = rec.quantity, rec.reported, rec.code
    return (
        rec.id, rec.patient_id, rec.analyte, at, off,
        quantity.value if quantity else None, quantity.unit if quantity else None,
        rec.category, rec.ref_low, rec.ref_high,
        code.system if code else None, code.code if code else None,
        reported.value if reported else None, reported.unit if reported else None,
        rec.version, rec.attributes or None, quantity.comparator if quantity else None,
        rec.ref_source)


def medication_values(rec: Medication) -> Row:
    start, start_off = utc(rec.start)
    end, end_off = utc(rec.end) if rec.end else (None, None)
    dose = rec.dose
    return (rec.id, rec.patient_id, rec.drug, start, start_off, end, end_off,
            dose.value if dose else None, dose.unit if dose else None, rec.route, rec.intent,
            rec.attributes or None)


def as_mapping(table: Table, row: Row) -> dict[str, Any]:
    """A row as a column -> value mapping (for an UPDATE through SQLAlchemy)."""
    return dict(zip(COLUMNS[table], row, strict=True))


Processor = Callable[[Any], Any] | None
Binder = Callable[[Row], Row]


def direct(conn: Connection) -> bool:
    """Whether rows go to the database driver directly (else through SQLAlchemy)."""
    dialect = conn.dialect
    return dialect.name in ("sqlite", "postgresql") and dialect.driver in ("pysqlite", "psycopg")


def insert_rows(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert the rows (COLUMNS' order) in the connection's transaction."""
    bind = binder(conn, table)
    insert_bound(conn, table, [bind(row) for row in rows])


def insert_bound(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows whose values `binder(conn, table)` gave."""
    if not rows:
        return
    if not direct(conn):
        conn.execute(table.insert(), [as_mapping(table, row) for row in rows])
        return
    dialect = conn.dialect
    columns = COLUMNS[table]
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(c) for c in columns)
    target = preparer.format_table(table)
    if dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({marks})", rows)
        return
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def column_binder(conn: Connection, table: Table, column: str) -> Callable[[Any], Any]:
    """A value of the column as it goes to the driver: through the bind processor SQLAlchemy
    itself would apply on this database (a date-time's text form on SQLite, a JSON
    document's serialisation; a JSON column binds None as the document `null`, since
    JSON.none_as_null is off), or as it is where the rows go through SQLAlchemy."""
    dialect = conn.dialect
    process: Processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not direct(conn):
        return _same
    empty = process(None)
    return lambda value: empty if value is None else process(value)


def binder(conn: Connection, table: Table) -> Binder:
    """A row with each value as `column_binder` gives it (columns without a processor kept
    as they are)."""
    binders = [(i, column_binder(conn, table, c)) for i, c in enumerate(COLUMNS[table])]
    active = [(i, bind) for i, bind in binders if bind is not _same]
    if not active:
        return _same

    def bind_row(row: Row) -> Row:
        values = list(row)
        for i, bind in active:
            values[i] = bind(values[i])
        return tuple(values)

    return bind_row


def _same(value: Any) -> Any:
    return value
