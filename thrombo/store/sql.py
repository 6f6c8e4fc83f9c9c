"""The store: one interface over any SQLAlchemy URL (SQLite embedded default, PostgreSQL).

An import runs in one transaction: either every accepted record of it is written, with its
quarantine list and audit entry, or nothing is (a crash mid-import leaves no partial import).
Re-importing the same source stores nothing new: records already present are counted as
duplicates.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, make_url, select
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import ArgumentError, OperationalError

from thrombo.domain.records import Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import SourceError
from thrombo.normalize.assemble import (
    Accepted,
    Dataset,
    content_digest,
    record_key,
)
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SourceSummary
from thrombo.store import audit
from thrombo.store.bulk_rows import LaneRow
from thrombo.store.migrate import upgrade
from thrombo.store.read import read_timelines
from thrombo.store.record_rows import Binder, Row, as_mapping, binder, insert_bound, record_row
from thrombo.store.schema import (
    events,
    imports,
    in_chunks,
    medications,
    observations,
    patient_facts,
    patients,
    quarantine,
)

DEFAULT_URL = "sqlite:///thrombo.db"
BUSY_TIMEOUT_ENV = "THROMBO_SQLITE_BUSY_TIMEOUT"
CLI_BUSY_TIMEOUT = 60.0
"""[Design] Seconds a command waits for another process's write to SQLite's single writer lock
before giving up with one clear line (exit 2): long enough for a service's writes and a small
import to finish, short enough not to hang a script behind a long import."""


class _NoResultRows(logging.Filter):
    """SQLAlchemy logs every result row at DEBUG ("Row (...)"): patient values in the logs.
    With `hide_parameters` on the engine, this keeps SQL logging usable and free of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Row ")


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoResultRows())


class StoreBusyError(SourceError):
    """Another process holds the store's writer lock for longer than the busy timeout (SQLite):
    the command exits 2 with one line, the service answers 503 with Retry-After."""


def busy_timeout(default: float = CLI_BUSY_TIMEOUT) -> float:
    value = os.environ.get(BUSY_TIMEOUT_ENV)
    return float(value) if value else default


def _busy_error(context: ExceptionContext) -> None:
    """SQLite's "database is locked" (a writer held the lock beyond the busy timeout) becomes a
    user error instead of a traceback."""
    orig = context.original_exception
    if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
        raise StoreBusyError(
            "the store is busy: another process (an import?) is writing to it; try again when "
            "it has finished (or use PostgreSQL for concurrent writers)") from orig


def default_url() -> str:
    return os.environ.get("THROMBO_DB", DEFAULT_URL)


def is_store_url(text: str) -> bool:
    return "://" in text and not Path(text).exists()


def _missing_sqlite_file(engine: Engine) -> str | None:
    """The path of a file-backed SQLite store whose file does not exist, else None."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or Path(database).exists():
        return None
    return database


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, existing: bool = False,
             busy_timeout_seconds: float | None = None) -> Store:
        """The store at `url`. With `existing`, a SQLite file that is not there is an error
        rather than a new empty store: commands that only read must not answer "no patients"
        for a mistyped path, nor leave an empty database behind. On SQLite a writer waits up to
        `busy_timeout_seconds` (default `busy_timeout()`) for another's write to finish."""
        url = url or default_url()
        try:
            sqlite = make_url(url).get_backend_name() == "sqlite"
            wait = busy_timeout() if busy_timeout_seconds is None else busy_timeout_seconds
            # hide_parameters: SQL logged at INFO must not carry patient values.
            engine = create_engine(url, hide_parameters=True,
                                   connect_args={"timeout": wait} if sqlite else {})
        except (ArgumentError, ImportError, ValueError) as exc:
            raise SourceError(f"cannot open store {url!r}: {exc}") from exc
        missing = _missing_sqlite_file(engine)
        if existing and missing is not None:
            raise SourceError(f"cannot open store {url!r}: no such database file {missing}")
        if missing is not None and Path(missing).parent.is_dir():
            # Created readable by its owner only (SQLite's journal files follow the mode).
            os.close(os.open(missing, os.O_CREAT | os.O_WRONLY, 0o600))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "handle_error", _busy_error)
        store = cls(engine)
        if migrate:
            try:
                with engine.begin() as conn:
                    upgrade(conn)
            except OperationalError as exc:
                raise SourceError(f"cannot open store {url!r}: {exc.orig}") from exc
        return store

    # -- writing -------------------------------------------------------------------------

    def known_patient_ids(self) -> frozenset[str]:
        with self.engine.connect() as conn:
            return frozenset(conn.execute(select(patients.c.patient_id)).scalars())

    def import_dataset(self, data: Dataset, *, actor: str, command: str) -> ImportSummary:
        """Write the accepted records in one transaction; finish the summary's counts."""
        with self.engine.begin() as conn:
            import_id = begin_import(conn, actor, command)
            write_accepted(conn, data.accepted, import_id)
            finish_import(conn, import_id, data.summary, actor, command)
        return data.summary

    # -- reading -------------------------------------------------------------------------

    def timelines(
        self, tz: tzinfo = UTC, patient_ids: Sequence[str] | None = None
    ) -> list[PatientTimeline]:
        with self.engine.connect() as conn:
            return read_timelines(conn, tz, patient_ids)


def begin_import(conn: Connection, actor: str, command: str) -> int:
    started = datetime.now(UTC).replace(tzinfo=None)
    return int(
        conn.execute(
            imports.insert()
            .values(started_at=started, actor=actor, command=command, summary={})
            .returning(imports.c.id)
        ).scalar_one()
    )


def write_accepted(
    conn: Connection, accepted: Sequence[tuple[SourceSummary, Accepted | LaneRow]],
    import_id: int,
) -> None:
    """Insert what is new; a source record whose records all exist already is a duplicate.
    A record the import's fast lane took (store.bulk_rows) is one observation row, ready."""
    keyed = [(summary, item, _record_keys(item)) for summary, item in accepted]
    existing, present = _existing_keys(conn, (
        k for _, item, keys in keyed
        for k in (keys if keys is not None else (item.key,))))  # type: ignore[union-attr]
    pending: dict[Table, list[Row]] = {}
    binders: dict[Table, Binder] = {}
    changed: list[dict[str, Any]] = []
    for summary, item, keys in keyed:
        if isinstance(item, LaneRow):  # one observation row, bound already
            if item.key in existing:
                summary.duplicates += 1
                continue
            summary.stored += 1
            pending.setdefault(observations, []).append(item.row)
            existing.add(item.key)
            continue
        records = zip(item.records, keys or (), strict=True)
        fresh = [(r, key) for r, key in records if key not in existing]
        if not fresh:
            summary.duplicates += 1
            continue
        summary.stored += 1
        for rec, key in fresh:
            table, row = record_row(rec, item.provenance, import_id)
            if isinstance(rec, Patient) and rec.patient_id in present:
                # A newer version of a known patient: update, not insert.
                changed.append(as_mapping(table, row))
            else:
                bind = binders.get(table) or binders.setdefault(table, binder(conn, table))
                pending.setdefault(table, []).append(bind(row))
            if isinstance(rec, Patient):
                present.add(rec.patient_id)
            existing.add(key)
    # Parents before children (patients before their observations): sorted_tables order.
    for table in (t for t in patients.metadata.sorted_tables if t in pending):
        insert_bound(conn, table, pending[table])
    for values in changed:
        conn.execute(
            patients.update().where(patients.c.patient_id == values["patient_id"]).values(**values)
        )


def _record_keys(item: Accepted | LaneRow) -> list[tuple[str, ...]] | None:
    """The keys of the item's records; None for the lane's row (its key is `item.key`)."""
    return None if isinstance(item, LaneRow) else [record_key(r) for r in item.records]


def write_quarantine(conn: Connection, entries: Iterable[QuarantineEntry], import_id: int) -> None:
    rows = [{"import_id": import_id, **asdict(entry)} for entry in entries]
    if rows:
        conn.execute(quarantine.insert(), rows)


def finish_import(
    conn: Connection, import_id: int, summary: ImportSummary, actor: str, command: str
) -> None:
    write_quarantine(conn, summary.quarantine, import_id)
    document = summary.to_json()
    conn.execute(
        imports.update()
        .where(imports.c.id == import_id)
        .values(finished_at=datetime.now(UTC).replace(tzinfo=None), summary=document)
    )
    audit.record(
        conn,
        actor,
        "import",
        {"import_id": import_id, "command": command, "sources": document["sources"]},
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


PATIENT_CONTENT_COLUMNS = tuple(
    c.name for c in patients.columns if c.name not in ("source", "location", "import_id")
)
"""The patient columns that make up its content (see `assemble.patient_content`)."""

_KEY_TABLES: dict[str, tuple[Table, str]] = {
    "patient": (patients, "patient_id"),
    "observation": (observations, "id"),
    "medication": (medications, "id"),
    "event": (events, "id"),
}


def _existing_keys(
    conn: Connection, keys: Iterable[tuple[str, ...]]
) -> tuple[set[tuple[str, ...]], set[str]]:
    """Which of these record keys (assemble.record_key) are already stored, and which of their
    patients exist."""
    wanted: dict[str, set[str]] = {}
    facts: set[tuple[str, ...]] = set()
    for key in keys:
        if key[0] == "fact":
            facts.add(key)
        else:
            wanted.setdefault(key[0], set()).add(key[1])
    found: set[tuple[str, ...]] = set()
    present: set[str] = set()
    for kind, ids in wanted.items():
        table, column = _KEY_TABLES[kind]
        for chunk in in_chunks(sorted(ids)):
            if kind == "patient":
                for row in conn.execute(select(table).where(table.c[column].in_(chunk))):
                    stored = {k: row._mapping[k] for k in PATIENT_CONTENT_COLUMNS}
                    found.add(("patient", row.patient_id, content_digest(stored)))
                    present.add(row.patient_id)
                continue
            found.update((kind, value) for value in _stored_ids(conn, table, column, chunk))
    for chunk in in_chunks(sorted({key[1] for key in facts})):
        for row in conn.execute(
            select(patient_facts).where(patient_facts.c.patient_id.in_(chunk))
        ):
            key = ("fact", row.patient_id, row.field, row.value.isoformat())
            if key in facts:
                found.add(key)
    return found, present


def _stored_ids(conn: Connection, table: Table, column: str, ids: list[str]) -> list[str]:
    """Which of the ids the table holds. On SQLite through the driver: the import asks this
    of every record it reads, and SQLAlchemy's expanding IN list costs more than the query."""
    if conn.dialect.name != "sqlite":
        return list(conn.execute(select(table.c[column]).where(table.c[column].in_(ids)))
                    .scalars())
    quote = conn.dialect.identifier_preparer.quote
    marks = ", ".join("?" * len(ids))
    rows = conn.exec_driver_sql(
        f"SELECT {quote(column)} FROM {quote(table.name)} WHERE {quote(column)} IN ({marks})",
        tuple(ids))
    return list(rows.scalars())


__all__ = ["DEFAULT_URL", "Store", "StoreBusyError", "busy_timeout", "default_url",
           "is_store_url"]
