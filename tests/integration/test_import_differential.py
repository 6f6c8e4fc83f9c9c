"""The import's accounting and stored rows, held against a record made by the importer before
it was made faster (issue 22 item 1): any change to a count, a reason, a quarantine entry or a
stored value shows here, on SQLite and on PostgreSQL.

The corpus: hostile rows (tests/fixtures/import_differential/hostile_csv: one row of each
problem of normalize.row_checks, copies, malformed lines, refused patients, medications and
events; hostile_ndjson: damaged NDJSON lines), the real-world corpus (tests/fixtures/realworld:
FHIR bundles, a Synthea bulk export, an OMOP CDM) and two simulated cohorts (`thrombo simulate
--patients 3 --itp-patients 1 --seed 3`, and `--patients 1 --itp-patients 1 --seed 5 --format
fhir`). Each case is a sequence of imports into one new store (a second import of the same
source: every record a duplicate of a stored one), in small chunks so that chunk boundaries and
records read before their patient are crossed.

The record (import_differential.json) holds each import's summary and every row of the store's
tables (screening results aside: not the import's), ordered; for the simulated cohorts a digest
of each table's rows and its row count. It was written by the importer as it was before the
faster writer (`python -m tests.integration.test_import_differential`); rewrite it only for a
change meant to alter the accounting, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from thrombo.store import schema
from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources
from thrombo.store.sql import Store

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
RECORD = FIXTURES / "import_differential" / "import_differential.json"
ROOT = "<root>"

# One import: (source paths under the copied corpus, format or None to detect, chunk size).
Import = tuple[tuple[str, ...], str | None, int]
CASES: dict[str, tuple[Import, ...]] = {
    "hostile": (
        (("import_differential/hostile_csv",), None, 7),
        (("import_differential/hostile_csv",), None, 7),
        (("import_differential/hostile_ndjson/mixed.ndjson",), None, 2),
    ),
    "realworld": (
        (("realworld/synthea_bundle.json",), None, 13),
        (("realworld/nested_bundles.json", "realworld/us_core_panels_and_answers.json"), None, 5),
        (("realworld/report_times.json",), None, 3),
        (("realworld/synthea_bulk",), None, 17),
        (("realworld/omop_cdm",), "omop", 11),
        (("realworld/synthea_bundle.json",), None, 1000),
    ),
    "simulated-csv": (
        (("import_differential/simulated_csv",), None, 300),
        (("import_differential/simulated_csv",), None, 20_000),
    ),
    "simulated-fhir": (
        (("import_differential/simulated_fhir",), None, 250),
    ),
}
DIGESTED = ("simulated-csv", "simulated-fhir")
"""Cases whose tables are recorded as a digest and a count (thousands of rows each)."""
TABLES: tuple[Table, ...] = (
    schema.imports, schema.patients, schema.patient_facts, schema.observations,
    schema.medications, schema.events, schema.quarantine, schema.audit)
VARYING = {"imports": ("started_at", "finished_at"), "audit": ("id", "at", "prev_hash", "hash")}
"""Columns that differ from run to run (clock times and the hashes that include them)."""


def corpus(tmp_path: Path) -> Path:
    """The corpus copied under one folder, so that every stored path reads `<root>/...`."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "realworld", root / "realworld")
    shutil.copytree(FIXTURES / "import_differential", root / "import_differential",
                    ignore=shutil.ignore_patterns("*.json"))
    return root


def run_case(url: str, root: Path, imports: tuple[Import, ...]) -> dict[str, Any]:
    store = Store.open(url)
    summaries = []
    for paths, fmt, chunk in imports:
        specs, ctx = plan_sources([str(root / p) for p in paths], fmt=fmt)
        summary = import_sources(store, specs, ctx, actor="tester", command="thrombo import",
                                 chunk_records=chunk)
        summaries.append(summary.to_json())
    snapshot = {"summaries": summaries, "tables": tables(store)}
    store.engine.dispose()
    result: dict[str, Any] = json.loads(json.dumps(snapshot, default=str).replace(str(root), ROOT))
    return result


def tables(store: Store) -> dict[str, list[list[Any]]]:
    """Every row of the import's tables, the varying columns left out, in a stable order."""
    found: dict[str, list[list[Any]]] = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            columns = [c for c in table.columns if c.name not in VARYING.get(table.name, ())]
            rows = [[_plain(v) for v in row] for row in conn.execute(select(*columns))]
            found[table.name] = sorted(rows, key=lambda r: json.dumps(r, default=str))
    return found


def _plain(value: Any) -> Any:
    """A stored value as JSON gives it on every database (a JSON column's keys sorted)."""
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, sort_keys=True, default=str))
    return value


def recorded(name: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as kept in the record: the large cases' tables as digests and counts."""
    if name not in DIGESTED:
        return snapshot
    digests = {table: {"rows": len(rows), "sha256": hashlib.sha256(
        json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()}
        for table, rows in snapshot["tables"].items()}
    return {**snapshot, "tables": digests}


def expected(name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(RECORD.read_text())
    return record[name]  # type: ignore[no-any-return]


def assert_as_recorded(name: str, url: str, tmp_path: Path) -> None:
    got = recorded(name, run_case(url, corpus(tmp_path), CASES[name]))
    want = expected(name)
    assert got["summaries"] == want["summaries"]
    for table in want["tables"]:
        assert got["tables"][table] == want["tables"][table], table
    assert got == want


@pytest.mark.parametrize("name", list(CASES))
def test_sqlite_import_stores_and_counts_as_recorded(name: str, tmp_path: Path) -> None:
    assert_as_recorded(name, f"sqlite:///{tmp_path / 'store.db'}", tmp_path)


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(CASES))
def test_postgresql_import_stores_and_counts_as_recorded(name: str, tmp_path: Path) -> None:
    from tests.postgres import fresh_database

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert_as_recorded(name, fresh_database(f"imp_{worker}"), tmp_path)


def write_record(folder: Path) -> None:
    """Write the record from the importer as it is now (see the module's docstring)."""
    root = corpus(folder)
    record = {name: recorded(name, run_case(f"sqlite:///{folder / name}.db", root, imports))
              for name, imports in CASES.items()}
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        write_record(Path(scratch))
    sys.stdout.write(f"wrote {RECORD}\n")
