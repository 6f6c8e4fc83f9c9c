"""`thrombo screen FOLDER --engine duckdb`: a dataset folder screened in DuckDB, straight from
its files, with every observation row accounted for.

Laboratory feeds are the bulk of a hospital dataset (tens of millions of rows), so
`observations.parquet|csv` is never turned into Python objects: DuckDB reads it in place, gives
each row the first problem the normal reader would find (source.checked_observations_sql) and
screens patient-id ranges one query each, so memory is bounded by the range, not the cohort.
`patients.csv`, `medications.csv` and `events.csv` are small beside it and go through the normal
reader itself (thrombo.io.csv_dataset + thrombo.normalize), so patients, events and their
accounting are the normal reader's, not a copy of it.

The accounting has the shape of `load_source(...).input_json()`. Refused observation rows are
grouped by kind (one example each, with the reason the normal reader gives for that row and the
count) instead of one entry per row: a feed with a million bad rows must not print a million lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from thrombo.domain.records import Event, Patient, Provenance
from thrombo.errors import SourceError
from thrombo.io import csv_dataset
from thrombo.io.raw import RawObservation, SourceRecord
from thrombo.normalize.assemble import Dataset, assemble
from thrombo.normalize.build import Context, Skip, normalize_record, resolve_analyte
from thrombo.normalize.build import unverified_loinc_note as loinc_note
from thrombo.normalize.codemap import codemap_for
from thrombo.normalize.quarantine import ImportSummary, SkipGroup
from thrombo.normalize.values import ValueProblem
from thrombo.rules.batch import source as src
from thrombo.rules.batch.assemble import screening_result
from thrombo.rules.batch.compile import screen_sql
from thrombo.rules.batch.decisions import text
from thrombo.rules.batch.duck import connect
from thrombo.rules.batch.plan import Plan
from thrombo.rules.batch.tables import QD_SCHEMA, day_number
from thrombo.rules.model import CriteriaSet
from thrombo.rules.results import ScreeningResult, SetResult
from thrombo.store.sources import timezone

# The same budget `thrombo bench screen` gives the embedded engine (2 GB peak in all). [Design]
DUCKDB_MEMORY_LIMIT = "1500MB"
# Rows screened per patient-id range: memory is bounded by the range. [Design]
ROWS_PER_RANGE = 5_000_000
FORMAT = "csv-dataset"

# The normal reader's quarantine reasons (normalize/build.py, values.py, csv_dataset.py,
# assemble.py) by the kind of problem source.checked_observations_sql names.
REASON_KINDS: tuple[tuple[str, str], ...] = (
    (r"fields where the header has|^malformed CSV", src.MALFORMED),
    (r"^required value missing", src.MISSING),
    (r"^time .*(not an ISO 8601|missing)", src.BAD_TIME),
    (r"^\w+ takes .*, got", src.CODED),
    (r"^value for \w+ ", src.BAD_VALUE),
    (r"^unit missing for", src.NO_UNIT),
    (r"^unknown unit|cannot express", src.BAD_UNIT),
    (r"^implausible ", src.IMPLAUSIBLE),
    (r"^ref_(low|high) ", src.BAD_LIMIT),
    (r"^unknown patient ", src.UNKNOWN_PATIENT),
)


def reason_kind(reason: str) -> str | None:
    """The kind of a quarantine reason the normal reader gives for an observation row."""
    return next((kind for pattern, kind in REASON_KINDS if re.search(pattern, reason)), None)


@dataclass(frozen=True)
class RefusedRows:
    """Observation rows quarantined for one kind of problem: how many, and the first of them."""

    kind: str
    count: int
    source: str
    location: str
    reason: str
    """The reason the normal reader gives for the example row."""

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "location": self.location, "reason": self.reason,
                "kind": self.kind, "count": self.count}


@dataclass(frozen=True)
class DirectAccounting:
    """The read summary: the normal reader's for patients, medications and events, plus the
    observation rows, stored, duplicate, skipped or quarantined (grouped by kind)."""

    summary: ImportSummary
    refused: tuple[RefusedRows, ...] = ()

    def quarantined_by_kind(self) -> dict[str, int]:
        return {r.kind: r.count for r in self.refused}

    def to_json(self) -> dict[str, Any]:
        document = self.summary.to_json()
        document["quarantine"] = [*document["quarantine"], *(r.to_json() for r in self.refused)]
        return document


@dataclass
class _Tally:
    """Observation figures gathered over the passes, folded into the summary at the end."""

    records: int = 0
    stored: int = 0
    duplicates: int = 0
    usable: int = 0
    refused: list[RefusedRows] = field(default_factory=list)
    skipped: list[SkipGroup] = field(default_factory=list)
    unverified: dict[str, int] = field(default_factory=dict)


def screen_dataset(
    folder: Path,
    criteria: CriteriaSet,
    as_of: date,
    tz: str = "UTC",
    rows_per_range: int = ROWS_PER_RANGE,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
) -> tuple[SetResult, DirectAccounting]:
    """One criteria set over a dataset folder; results as `screen_with` returns them."""
    results, accounting = screen_dataset_sets(
        folder, [criteria], as_of, tz, rows_per_range, memory_limit
    )
    return results[0], accounting


def screen_dataset_sets(
    folder: Path,
    sets: Sequence[CriteriaSet],
    as_of: date,
    tz: str = "UTC",
    rows_per_range: int = ROWS_PER_RANGE,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
) -> tuple[list[SetResult], DirectAccounting]:
    """Several criteria sets over one reading of the folder (`thrombo screen --criteria all`)."""
    zone = timezone(tz)
    ctx = Context(zone, codemap_for(folder))
    side = read_side_files(folder, ctx)
    con = connect(memory_limit)
    con.execute(f"SET TimeZone = {text(tz)}")
    register_side(con, side, zone)
    tally = _Tally()
    path = _observations(folder)
    if path is None:
        con.execute(f"CREATE VIEW obs_checked AS {_no_observations()}")
    else:
        register_observations(con, path, ctx, folder)
        account_observations(con, path, ctx, tally)
    found = screen_ranges(con, sets, as_of, rows_per_range, tally)
    results = [
        SetResult(s.rules_json(), as_of, tuple(sorted(rows, key=lambda r: r.patient_id)),
                  s.warnings)
        for s, rows in zip(sets, found, strict=True)
    ]
    return results, _accounting(side, tally)


def _observations(folder: Path) -> Path | None:
    try:
        return src.observations_path(folder)
    except SourceError:
        return None


def side_records(folder: Path) -> Iterator[SourceRecord]:
    """Every record of patients.csv, medications.csv and events.csv, as the normal reader reads
    them. (csv_dataset has no public per-file reader; one would spare these private names.)"""
    if not csv_dataset.is_dataset_folder(folder):
        raise SourceError(f"{folder}: no {csv_dataset.PATIENTS} (the one required file of a "
                          "dataset folder)")
    yield from csv_dataset._read_csv(folder / csv_dataset.PATIENTS, csv_dataset._patient)
    for name, build in ((csv_dataset.MEDICATIONS, csv_dataset._medication),
                        (csv_dataset.EVENTS, csv_dataset._event)):
        if (folder / name).is_file():
            yield from csv_dataset._read_csv(folder / name, build)


def read_side_files(folder: Path, ctx: Context) -> Dataset:
    ignored = csv_dataset.ignored_files(folder)
    data = assemble([(str(folder), FORMAT, side_records(folder), ignored)], ctx)
    for summary, _ in data.accepted:
        summary.stored += 1
    return data


def register_side(con: duckdb.DuckDBPyConnection, side: Dataset, zone: tzinfo) -> None:
    """`pat_all` (the last row of a patient wins, as in build_timelines), `evt` and `qd`."""
    patients = {r.patient_id: r for r in side.records() if isinstance(r, Patient)}
    events = [r for r in side.records() if isinstance(r, Event)]
    con.register("pat_all", src.patients_arrow(sorted(patients.values(),
                                                      key=lambda p: p.patient_id)))
    con.execute("CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all")
    con.register("evt", src.events_table(events, zone))
    con.register("qd", pa.Table.from_pylist([], QD_SCHEMA))


def register_observations(
    con: duckdb.DuckDBPyConnection, path: Path, ctx: Context, folder: Path
) -> None:
    raw = src.raw_observations_sql(path, src.column_types(con, src.checked_reader(path)))
    if path.suffix != ".parquet":
        # The CSV reader skips a line whose cells are all blank: it is not a record.
        raw = (f"SELECT * FROM ({raw}) WHERE COALESCE(pid, time_text, code, value_text, unit, "
               "ref_low_text, ref_high_text) IS NOT NULL")
    src.register_checks(con, raw, ctx.codemap)
    fields = len(src.csv_header(path)) if path.suffix != ".parquet" else 0
    con.execute(
        f"CREATE OR REPLACE VIEW obs_checked AS {src.checked_observations_sql(raw, fields)}"
    )


def _no_observations() -> str:
    return ("SELECT CAST(NULL AS VARCHAR) AS pid, CAST(NULL AS BIGINT) AS seq, "
            "CAST(NULL AS VARCHAR) AS analyte, CAST(NULL AS BIGINT) AS t_us, "
            "CAST(NULL AS INTEGER) AS day, CAST(NULL AS DOUBLE) AS value, "
            "CAST(NULL AS VARCHAR) AS canonical, CAST(NULL AS VARCHAR) AS category, "
            "CAST(NULL AS DOUBLE) AS ref_low, CAST(NULL AS DOUBLE) AS ref_high, "
            "CAST(NULL AS VARCHAR) AS value_text, CAST(NULL AS VARCHAR) AS unit, "
            "CAST(NULL AS VARCHAR) AS problem WHERE FALSE")



_ACCOUNT_SQL = f"""
    SELECT COALESCE(c.problem, CASE WHEN p.patient_id IS NULL THEN '{src.UNKNOWN_PATIENT}' END)
             AS kind, c.code, count(*) AS n, min(c.seq) AS first
    FROM obs_checked c LEFT JOIN pat_all p ON p.patient_id = c.pid
    GROUP BY ALL"""
_UNKNOWN_COPIES_SQL = """
    SELECT count(*), count(DISTINCT (c.pid, c.analyte, c.t_us, c.value_text, c.unit))
    FROM obs_checked c ANTI JOIN pat_all p ON p.patient_id = c.pid
    WHERE c.problem IS NULL"""


def account_observations(
    con: duckdb.DuckDBPyConnection, path: Path, ctx: Context, tally: _Tally
) -> None:
    """One pass over the file: rows by problem kind and code, each with its first row."""
    groups = con.execute(_ACCOUNT_SQL).fetchall()
    rejects = _rejects(con, path)
    tally.records = sum(int(n) for _, _, n, _ in groups) + len(rejects)
    by_kind: dict[str, tuple[int, int]] = {}
    skips: dict[str, tuple[int, int]] = {}
    for kind, code, n, first in groups:
        if kind in (None, src.UNKNOWN_PATIENT):
            _note_unverified(tally, code, int(n), ctx)
        if kind is None:
            tally.usable += int(n)
        elif kind == src.SKIPPED:
            reason = _skip_reason(code, ctx)
            count, seq = skips.get(reason, (0, int(first)))
            skips[reason] = (count + int(n), min(seq, int(first)))
        else:
            count, seq = by_kind.get(kind, (0, int(first)))
            by_kind[kind] = (count + int(n), min(seq, int(first)))
    if src.UNKNOWN_PATIENT in by_kind:
        rows, distinct = con.execute(_UNKNOWN_COPIES_SQL).fetchall()[0]
        tally.duplicates += int(rows) - int(distinct)
        by_kind[src.UNKNOWN_PATIENT] = (int(distinct), by_kind[src.UNKNOWN_PATIENT][1])
    lines = sorted(line for line, _ in rejects)
    tally.skipped = [SkipGroup(reason, count, f"{path} {_location(path, seq, lines)}")
                     for reason, (count, seq) in sorted(skips.items(), key=lambda i: i[1][1])]
    tally.refused = [
        RefusedRows(kind, count, str(path), _location(path, seq, lines),
                    _example_reason(con, kind, seq, ctx, path))
        for kind, (count, seq) in by_kind.items()
    ]
    if rejects:
        tally.refused = [*_with_rejects(tally.refused, rejects, path)]


def _with_rejects(
    refused: list[RefusedRows], rejects: list[tuple[int, str]], path: Path
) -> Iterator[RefusedRows]:
    """Rows DuckDB rejected outright join the other malformed rows (the earliest is the example)."""
    first = RefusedRows(src.MALFORMED, len(rejects), str(path), f"line {rejects[0][0]}",
                        rejects[0][1])
    for group in refused:
        if group.kind != src.MALFORMED:
            yield group
            continue
        line = int(group.location.split()[-1])
        example = group if line < rejects[0][0] else first
        first = RefusedRows(src.MALFORMED, group.count + len(rejects), str(path),
                            example.location, example.reason)
    yield first


def _rejects(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[int, str]]:
    """CSV rows DuckDB could not split into the header's fields (line, reason), in file order."""
    if path.suffix == ".parquet":
        return []
    rows = con.execute("SELECT line, error_message FROM obs_rejects ORDER BY line").fetchall()
    return [(int(line), f"malformed CSV: {message}") for line, message in rows]


def _location(path: Path, seq: int, reject_lines: list[int]) -> str:
    """`row N` in Parquet; in CSV the editor's line (header line 1), counting the rejected
    lines before it (a blank line or a quoted cell over several lines is not counted)."""
    if path.suffix == ".parquet":
        return f"row {seq}"
    line = seq + 1
    for rejected in reject_lines:
        if rejected <= line:
            line += 1
    return f"line {line}"


def _skip_reason(code: str, ctx: Context) -> str:
    try:
        resolve_analyte(code, ctx.codemap)
    except Skip as skip:
        return str(skip)
    raise AssertionError(f"code {code!r} was skipped in SQL but resolves in Python")


def _note_unverified(tally: _Tally, code: str, n: int, ctx: Context) -> None:
    note = loinc_note(code, resolve_analyte(code, ctx.codemap).key)
    if note is not None:
        tally.unverified[note] = tally.unverified.get(note, 0) + n


def _example_reason(
    con: duckdb.DuckDBPyConnection, kind: str, seq: int, ctx: Context, path: Path
) -> str:
    """The normal reader's own reason for the example row (its normaliser, run on that row)."""
    row = con.execute(
        "SELECT pid, time_text, code, value_text, unit, ref_low_text, ref_high_text, fields "
        f"FROM obs_checked WHERE seq = {int(seq)}"
    ).fetchall()[0]
    pid, moment, code, value, unit, low, high, fields = row
    if kind == src.MALFORMED:
        return f"{fields} fields where the header has {len(src.csv_header(path))}"
    if kind == src.UNKNOWN_PATIENT:
        return f"unknown patient {pid!r}"
    if kind == src.MISSING:
        named = zip(("patient_id", "time", "code", "value"), (pid, moment, code, value),
                    strict=True)
        return f"required value missing: {', '.join(n for n, v in named if v is None)}"
    raw = RawObservation(pid, moment, code, value, unit, low, high)
    try:
        normalize_record(SourceRecord(Provenance(str(path), ""), (raw,)), ctx)
    except ValueProblem as problem:
        return str(problem)
    return f"{kind} (this row alone passes the normal reader's checks)"


def screen_ranges(
    con: duckdb.DuckDBPyConnection,
    sets: Sequence[CriteriaSet],
    as_of: date,
    rows_per_range: int,
    tally: _Tally,
) -> list[list[ScreeningResult]]:
    """Each patient-id range, one query per criteria set; copies counted as duplicates."""
    sqls = [screen_sql(Plan.of(s), day_number(as_of) or 0) for s in sets]
    found: list[list[ScreeningResult]] = [[] for _ in sets]
    buckets = max(1, -(-tally.usable // max(1, rows_per_range)))
    for low, high in src.patient_ranges(con, buckets):
        stored, copies = _select_range(con, low, high)
        tally.stored += stored
        tally.duplicates += copies
        for criteria, sql, out in zip(sets, sqls, found, strict=True):
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            out.extend(screening_result(dict(zip(names, r, strict=True)), criteria)
                       for r in cursor.fetchall())
    con.execute("DROP TABLE IF EXISTS obs_range")
    return found


def _select_range(con: duckdb.DuckDBPyConnection, low: str, high: str) -> tuple[int, int]:
    """Point `pat` and `obs` at the patients from `low` to `high`; the range's usable rows are
    kept once each (a copy of a row already read is a duplicate, as the normal reader counts)."""
    bounds = f"BETWEEN {text(low)} AND {text(high)}"
    con.execute(f"CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all WHERE patient_id {bounds}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE obs_range AS
        SELECT pid AS patient_id, seq, analyte, t_us, day, value, canonical AS unit, category,
               ref_low, ref_high,
               row_number() OVER (PARTITION BY pid, analyte, t_us, value_text, unit
                                  ORDER BY seq) AS copy
        FROM obs_checked
        WHERE problem IS NULL AND pid {bounds} AND pid IN (SELECT patient_id FROM pat)""")
    con.execute("CREATE OR REPLACE VIEW obs AS SELECT * EXCLUDE (copy) FROM obs_range "
                "WHERE copy = 1")
    stored, copies = con.execute("SELECT count(*) FILTER (copy = 1), count(*) FILTER (copy > 1) "
                                 "FROM obs_range").fetchall()[0]
    return int(stored), int(copies)


def _accounting(side: Dataset, tally: _Tally) -> DirectAccounting:
    summary = side.summary
    folder = summary.sources[0]
    folder.records += tally.records
    folder.stored += tally.stored
    folder.duplicates += tally.duplicates
    folder.skipped += sum(g.count for g in tally.skipped)
    folder.quarantined += sum(r.count for r in tally.refused)
    for group in tally.skipped:
        known = summary.skipped.get(group.reason)
        if known is None:
            summary.skipped[group.reason] = group
        else:
            known.count += group.count
    for mapping, count in tally.unverified.items():
        summary.unverified[mapping] = summary.unverified.get(mapping, 0) + count
    return DirectAccounting(summary, tuple(tally.refused))
