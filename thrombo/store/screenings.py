"""Screening results kept in the store, each with the data and rules it was computed from.

A result is one patient's `screen --json` entry (interface.md section 3) under one criteria set
with its options, as of one day, in one site time zone. It is served again only while all of
these match, and while the patient's *data version* is the one it was computed from.

A patient's data version is a fingerprint of every stored row of that patient (the patient,
its recorded facts, observations, medications and events): how many rows there are, and the
sum and the highest of the ids of the imports that wrote them. Imports only add rows, or
rewrite the one patient row with a newer import's id (a corrected birth date), so any change
to a patient's data changes its fingerprint, whatever order concurrent imports commit in
(the highest import id alone would not: on PostgreSQL an import that started earlier can commit
later, with a lower id). A stale result is therefore never served: it simply no longer
matches. Results of a patient's older data versions can never match again and are removed
when a newer one is written; so are its results of other days under the same set, options and
time zone (results are written for the day they are computed on, by the import and by the
service on every day a patient is viewed: kept, they would add a row per patient and day).

This module knows rows and JSON only; computing a result is thrombo.services' work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Insert, and_, bindparam, delete, func, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from thrombo import __version__
from thrombo.store.schema import (
    IN_LIST_SIZE,
    events,
    imports,
    in_chunks,
    medications,
    observations,
    patient_facts,
    patients,
    screening_results,
)

RESULTS_FORMAT = "1"
"""The stored result's shape; raised when `ScreeningResult.to_json` changes, so that results
written in an older shape are recomputed rather than served."""
_PATIENT_TABLES = (patients, patient_facts, observations, medications, events)


@dataclass(frozen=True)
class ResultKey:
    """What a stored result was computed under, besides the patient's data."""

    rules: Mapping[str, Any]
    """The criteria set's `rules` (name, version, options), as `screen --json` names them."""
    as_of: date
    time_zone: str
    code_version: str = field(default=__version__)
    """The version of the code that computed it (thrombo's own, and a digest of the evaluator's
    source: services.stored_screening.code_version): a change to how criteria are evaluated
    or results written, without a new rules version, still never serves results of the old."""

    @property
    def criteria(self) -> str:
        return str(self.rules["name"])

    @property
    def rules_version(self) -> str:
        return (f"rules {self.rules['version']}; thrombo {self.code_version}; "
                f"results {RESULTS_FORMAT}")

    @property
    def rules_key(self) -> str:
        """The set, its options and versions in one digest (the options are free-form)."""
        identity = json.dumps({"rules": dict(self.rules), "version": self.rules_version},
                              sort_keys=True, default=str)
        return hashlib.sha256(identity.encode()).hexdigest()


def data_versions(conn: Connection, patient_ids: Sequence[str] | None = None
                  ) -> dict[str, str]:
    """Each stored patient's data version (module docstring), or those of `patient_ids`: by
    id lists, or in one pass over every patient's rows when they are most of the store's
    patients (the dashboard's list of a centre that is the whole store)."""
    if patient_ids is None:
        return dict(_versions(conn, None))
    ids = sorted(set(patient_ids))
    if len(ids) > IN_LIST_SIZE // 2 and len(ids) * 2 > _patient_count(conn):
        # 500 patients of 500 (SQLite): 0.20 s CPU for the pass, 0.33 s by id lists.
        every = dict(_versions(conn, None))
        return {pid: every[pid] for pid in ids if pid in every}
    found: dict[str, str] = {}
    for chunk in in_chunks(ids):
        found.update(_versions(conn, chunk))
    return found


def _patient_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(patients)).scalar_one())


def _versions(conn: Connection, ids: list[str] | None) -> Iterator[tuple[str, str]]:
    parts = []
    for table in _PATIENT_TABLES:
        part = select(table.c.patient_id, table.c.import_id)
        parts.append(part if ids is None else part.where(table.c.patient_id.in_(ids)))
    rows = union_all(*parts).subquery()
    query = select(rows.c.patient_id, func.count(), func.sum(rows.c.import_id),
                   func.max(rows.c.import_id)).group_by(rows.c.patient_id)
    for pid, count, total, highest in conn.execute(query):
        yield pid, f"{count}:{total}:{highest}"


def last_import(conn: Connection) -> int:
    """The highest import id stored (0 for none): `written_since` it, after an import, finds
    the patients the import wrote to."""
    return int(conn.execute(select(func.coalesce(func.max(imports.c.id), 0))).scalar_one())


def written_since(conn: Connection, import_id: int) -> dict[str, str]:
    """The data versions of the patients with a row written by an import with a higher id
    than `import_id`: after an import, the ones it wrote to (and any other import's that
    committed meanwhile). Every change to a patient's data writes such a row (module
    docstring), so none is missed; one scan of the import ids instead of two of every
    patient's versions before and after."""
    parts = [select(t.c.patient_id).where(t.c.import_id > import_id) for t in _PATIENT_TABLES]
    ids = sorted(set(conn.execute(union_all(*parts)).scalars()))
    if len(ids) <= IN_LIST_SIZE:
        return data_versions(conn, ids)
    # Many patients: one pass over every patient's rows costs less than their id lists.
    every = data_versions(conn)
    return {pid: every[pid] for pid in ids if pid in every}


def stored_results(conn: Connection, key: ResultKey, versions: Mapping[str, str]
                   ) -> dict[str, dict[str, Any]]:
    """The stored results under `key` of the patients in `versions` whose data version is
    still the one given there; a patient whose data changed since is left out."""
    table = screening_results
    query = select(table.c.patient_id, table.c.data_version, table.c.result).where(
        table.c.rules_key == key.rules_key, table.c.as_of == key.as_of,
        table.c.time_zone == key.time_zone)
    if len(versions) <= IN_LIST_SIZE:  # a few patients (one, for the service): only their rows
        query = query.where(table.c.patient_id.in_(list(versions)))
    found: dict[str, dict[str, Any]] = {}
    for pid, version, result in conn.execute(query):
        if versions.get(pid) == version:
            found[pid] = result if isinstance(result, dict) else json.loads(result)
    return found


def store_results(conn: Connection, key: ResultKey,
                  results: Mapping[str, tuple[str, dict[str, Any]]]) -> int:
    """Write each patient's result (patient id -> (data version, result JSON)) under `key`,
    replacing the one stored under the same set, options and time zone (of any day) and
    removing the patient's results of other data versions (they can never match again).
    Returns the number written. Two writers of one patient's result at once (an import's
    screening and a page view, on PostgreSQL) both succeed: the later write wins, and both
    wrote the same result for the same data version."""
    if not results:
        return 0
    table = screening_results
    conn.execute(
        delete(table).where(
            table.c.patient_id == bindparam("pid"),
            or_(table.c.data_version != bindparam("version"),
                and_(table.c.rules_key == key.rules_key,
                     table.c.time_zone == key.time_zone))),
        [{"pid": pid, "version": version} for pid, (version, _) in results.items()])
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(_upsert(conn), [
        {"patient_id": pid, "rules_key": key.rules_key, "as_of": key.as_of,
         "time_zone": key.time_zone, "criteria": key.criteria, "rules": dict(key.rules),
         "rules_version": key.rules_version, "data_version": version, "result": result,
         "computed_at": now}
        for pid, (version, result) in results.items()])
    return len(results)



def _upsert(conn: Connection) -> Insert:
    """An insert that replaces the row of the same key (patient, set, day, zone): another
    writer may have inserted it since this one's delete (PostgreSQL's read committed does not
    see it yet; SQLite serialises writers, so there it never happens)."""
    table = screening_results
    keys = [c.name for c in table.primary_key.columns]
    if conn.dialect.name == "postgresql":
        on_pg = postgresql.insert(table)
        return on_pg.on_conflict_do_update(index_elements=keys,
                                           set_=_others(on_pg.excluded, keys))
    on_sqlite = sqlite.insert(table)
    return on_sqlite.on_conflict_do_update(index_elements=keys,
                                           set_=_others(on_sqlite.excluded, keys))


def _others(excluded: ReadOnlyColumnCollection[str, Any], keys: list[str]) -> dict[str, Any]:
    """The new row's values of every column but the key."""
    return {c.name: excluded[c.name] for c in screening_results.columns if c.name not in keys}
