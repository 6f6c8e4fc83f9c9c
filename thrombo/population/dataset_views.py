"""A dataset folder (interface.md section 1) as the engines' input views, without pandas.

`observations.parquet` (or `.csv`) is read by DuckDB in place: codes become analyte keys and
units their canonical unit through a small mapping table built from the normalize catalogue for
the distinct (code, unit) pairs present. Times without an offset are taken as site-local UTC
(the benchmark tables); `seq` is the file row number, the tie-break within equal times.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, tzinfo
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from thrombo.domain.records import Event, Patient
from thrombo.engines.decisions import text
from thrombo.engines.input_tables import (
    ANNIVERSARY_YEARS,
    EPOCH_DAY,
    EVT_SCHEMA,
    PAT_SCHEMA,
    US_PER_DAY,
    anniversary,
    day_number,
    patient_row,
)
from thrombo.errors import SourceError
from thrombo.normalize import row_checks as rc
from thrombo.normalize.codemap import CodeMap, codemap_for
from thrombo.population.row_check_sql import canonical_sql, checked_observations_sql


def observations_path(folder: Path) -> Path:
    for name in ("observations.parquet", "observations.csv"):
        if (folder / name).exists():
            return folder / name
    raise SourceError(f"{folder}: no observations.parquet or observations.csv")


def reader(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{quoted}', file_row_number = true)"
    return f"(SELECT *, row_number() OVER () AS file_row_number FROM read_csv_auto('{quoted}'))"


def _day(series: pd.Series) -> pd.Series:
    days = (pd.to_datetime(series, errors="coerce") - pd.Timestamp(EPOCH_DAY)).dt.days
    return days.astype("Int32")


def patients_table(folder: Path) -> pa.Table:
    frame = pd.read_csv(folder / "patients.csv", dtype=str)
    births = pd.to_datetime(frame["birth_date"]).dt.date
    out = pd.DataFrame({
        "patient_id": frame["patient_id"],
        "birth_day": _day(frame["birth_date"]),
        "sex": frame.get("sex", pd.Series("U", index=frame.index)).fillna("U"),
    })
    for column, source in (("hsct_day", "hsct_date"), ("cond_day", "conditioning_start_date"),
                           ("neut_day", "neutrophil_engraftment_date"),
                           ("plt_day", "platelet_engraftment_date")):
        out[column] = _day(frame[source]) if source in frame else pd.Series(
            pd.NA, index=frame.index, dtype="Int32")
    kind = frame.get("hsct_type", pd.Series(None, index=frame.index))
    out["allo"] = out["hsct_day"].notna() & (kind != "autologous")
    for years in ANNIVERSARY_YEARS:
        out[f"ann_{years}"] = [(anniversary(b, years) - EPOCH_DAY).days for b in births]
    return pa.Table.from_pandas(out[PAT_SCHEMA.names], PAT_SCHEMA, preserve_index=False)


def register_dataset(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    """Create the views `pat`, `obs`, `evt` and `qd` over a dataset folder (the benchmark's
    own simulated files); SourceError if a row cannot be screened as the file stands.

    Not a reader of real data: `thrombo bench screen` times the engine on files it wrote
    itself, so the view reads the file with the one row check's table (normalize.row_checks:
    analyte, factor, rounding) but without the checks of each row, after the one check
    (population.row_check_sql) has found no row that fails them; a file with any is refused
    (real feeds are read by `dataset_folder`, every row accounted for)."""
    path = observations_path(folder)
    con.register("pat_all", patients_table(folder))
    con.execute("CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all")
    checked_view(con, path, codemap_for(folder))
    _refuse_rows_the_view_cannot_carry(con, path)
    number = "TRY_CAST(r.{} AS DOUBLE)"
    con.execute(f"""
        CREATE OR REPLACE VIEW obs_all AS
        SELECT CAST(r.patient_id AS VARCHAR) AS patient_id, r.file_row_number AS seq,
               m.analyte, epoch_us(CAST(r.time AS TIMESTAMP)) AS t_us,
               CAST(epoch_us(CAST(r.time AS TIMESTAMP)) // {US_PER_DAY} AS INTEGER) AS day,
               {canonical_sql(number.format("value"))} AS value, m.canonical AS unit,
               CAST(NULL AS VARCHAR) AS category,
               {canonical_sql(number.format("ref_low"))} AS ref_low,
               {canonical_sql(number.format("ref_high"))} AS ref_high,
               CAST(NULL AS VARCHAR) AS cmp, CAST(NULL AS DOUBLE) AS bound
        FROM {reader(path)} r JOIN obs_checks m ON m.code = CAST(r.code AS VARCHAR)
          AND m.unit = CAST(r.unit AS VARCHAR)""")
    con.execute("CREATE OR REPLACE VIEW obs AS SELECT * FROM obs_all")
    con.execute("CREATE OR REPLACE VIEW evt AS SELECT CAST(NULL AS VARCHAR) AS patient_id, "
                "CAST(NULL AS INTEGER) AS day, CAST(NULL AS VARCHAR) AS event, "
                "CAST(NULL AS INTEGER) AS grade WHERE FALSE")
    con.execute("CREATE OR REPLACE VIEW qd AS SELECT CAST(NULL AS VARCHAR) AS patient_id, "
                "CAST(NULL AS INTEGER) AS day WHERE FALSE")
    return path


def _refuse_rows_the_view_cannot_carry(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The view trusts the file and has no place to count a row it leaves out or a value it
    should not compute with (a coded or censored result), so a file holding any row the one
    check refuses, or such a value, is refused here, with the count."""
    row = con.execute("""
        SELECT COUNT(*) FROM obs_checked c LEFT JOIN pat_all p ON p.patient_id = c.pid
        WHERE c.problem IS NOT NULL OR p.patient_id IS NULL OR c.category IS NOT NULL
           OR c.cmp IS NOT NULL""").fetchone()
    if row and row[0]:
        raise SourceError(
            f"{path}: {row[0]} rows have a code or unit this view cannot map, no time or value, "
            "a value outside the analyte's plausible range or a patient not in patients.csv; "
            "'thrombo screen FOLDER --engine duckdb' reads such a file and accounts for every "
            "row by reason"
        )


def scan_floor_sql(path: Path) -> str:
    """Reading the columns the screen reads, once, with the least work that uses them all:
    the file's row number too (the view's `seq`, which the baselines and the latest height
    read); `ref_low` is left out, as the screen's scans leave it out when no criterion reads a
    lower limit (harmonized-2023 reads none). Without the row number the floor read 5-10% less
    than the screen does (0.21 against 0.23 CPU-s at 10 M rows)."""
    return (f"SELECT COUNT(*), SUM(hash(patient_id, code, unit)), SUM(epoch(time)), "
            f"SUM(value), SUM(ref_high), SUM(file_row_number) FROM {reader(path)}")


def latest_day(con: duckdb.DuckDBPyConnection) -> date:
    n = con.execute("SELECT MAX(day) FROM obs").fetchall()[0]
    return EPOCH_DAY if n is None or n[0] is None else date.fromordinal(
        EPOCH_DAY.toordinal() + int(n[0]))


def patient_ranges(con: duckdb.DuckDBPyConnection, buckets: int) -> list[tuple[str, str]]:
    """Contiguous patient-id ranges of about equal size, one query each.

    Ranges rather than hashes: a file written patient by patient (as exports and the simulator
    write them) then lets the Parquet reader skip every row group outside the range, so each
    bucket reads only its own rows and memory stays bounded by the bucket, not the cohort."""
    query = "SELECT patient_id FROM pat_all ORDER BY patient_id"
    ids = [r[0] for r in con.execute(query).fetchall()]
    if not ids:
        return []
    size = -(-len(ids) // max(1, buckets))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def select_bucket(con: duckdb.DuckDBPyConnection, low: str, high: str) -> None:
    """Point the views `pat` and `obs` at the patients from `low` to `high`."""
    bounds = f"BETWEEN {text(low)} AND {text(high)}"
    con.execute(f"CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all WHERE patient_id {bounds}")
    con.execute(f"CREATE OR REPLACE VIEW obs AS SELECT * FROM obs_all WHERE patient_id {bounds}")


# --- The checked reading for real datasets (thrombo.population.dataset_folder) ---
# The benchmark views above trust their own simulated files. A hospital feed is read the way the
# normal reader (thrombo.io.csv_dataset + thrombo.normalize.canonical_records) reads it, row for
# row: each row gets the first problem the normal reader would find, in the same order, or none.

# Each row gets the first of normalize.row_checks.PROBLEMS it has, by name; a copy of a row
# read, rc.REPEATED_ID or rc.REPEATED_CONTENT (row_checks.COPIED_KINDS says which rows).
REPEATED_ID = rc.REPEATED_ID
# A CSV column name no file uses, and a null marker no cell holds (empty cells stay '' so that
# a padded cell, NULL, is told from an empty one).
SPARE_COLUMN = "thrombo_spare_field"
NEVER_NULL = "\x01thrombo-null\x01"

def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [h.strip() for h in next(csv.reader(handle), [])]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def checked_reader(path: Path) -> str:
    """The file as the normal reader sees it: Parquet with its own types; CSV cells as text,
    with one spare column so that a row with a field too many or too few is seen (DuckDB would
    pad the one and take a trailing empty field of the other silently), and rows with more
    fields still go to the table `obs_rejects` with their line."""
    quoted = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{quoted}', file_row_number = true)"
    names = ", ".join(text(n) for n in [*csv_header(path), SPARE_COLUMN])
    return (f"(SELECT *, row_number() OVER () AS file_row_number FROM read_csv('{quoted}', "
            "header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true, "
            f"null_padding = true, nullstr = '{NEVER_NULL}', names = [{names}], "
            "store_rejects = true, rejects_table = 'obs_rejects', "
            "rejects_scan = 'obs_rejects_scan'))")


def fields_sql(path: Path) -> str:
    """How many fields the CSV row had (NULL for Parquet); the header's count when well formed."""
    if path.suffix == ".parquet":
        return "CAST(NULL AS INTEGER)"
    header = csv_header(path)
    present = " + ".join(f"CASE WHEN r.{_quote(h)} IS NULL THEN 0 ELSE 1 END" for h in header)
    return f"CASE WHEN r.{SPARE_COLUMN} IS NOT NULL THEN {len(header) + 1} ELSE {present} END"


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * EXCLUDE (file_row_number) FROM {relation}").fetchall()
    return {str(r[0]).strip(): str(r[1]) for r in rows}


def _text(column: str, types: dict[str, str]) -> str:
    if column not in types:
        return "CAST(NULL AS VARCHAR)"
    return f"NULLIF(trim(CAST(r.\"{column}\" AS VARCHAR)), '')"


def _moment(types: dict[str, str]) -> str:
    """The instant of `time`: text without an offset (and a date alone, at its start) is in
    the session time zone, which the caller sets to the site's, as parse_moment does."""
    kind = types.get("time", "VARCHAR")
    if kind == "VARCHAR":
        return "try_cast(trim(r.time) AS TIMESTAMPTZ)"
    return "CAST(r.time AS TIMESTAMPTZ)"


def _number(column: str, types: dict[str, str]) -> str:
    if column not in types:
        return "CAST(NULL AS DOUBLE)"
    if types[column] in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER") or types[column].startswith(
            "DECIMAL"):
        return f"CAST(r.\"{column}\" AS DOUBLE)"
    return f"try_cast(trim(CAST(r.\"{column}\" AS VARCHAR)) AS DOUBLE)"


def raw_observations_sql(path: Path, types: dict[str, str]) -> str:
    """One row per data row: its file row number, the text the normal reader would see and the
    parsed instant and numbers."""
    first = 1 if path.suffix == ".parquet" else 0  # DuckDB counts Parquet rows from 0
    return f"""
        SELECT r.file_row_number + {first} AS seq, {fields_sql(path)} AS fields,
               {_text('patient_id', types)} AS pid,
               {_text('time', types)} AS time_text, {_moment(types)} AS moment,
               {_text('code', types)} AS code, {_text('value', types)} AS value_text,
               {_number('value', types)} AS num, {_text('unit', types)} AS unit,
               {_text('ref_low', types)} AS ref_low_text, {_number('ref_low', types)} AS low_num,
               {_text('ref_high', types)} AS ref_high_text,
               {_number('ref_high', types)} AS high_num, CAST(NULL AS VARCHAR) AS ident
        FROM {checked_reader(path)} r"""


def events_table(events: Iterable[Event], tz: tzinfo) -> pa.Table:
    """`evt` as InputTables.from_timelines builds it: each event on its local calendar day."""
    rows = [{"patient_id": e.patient_id, "day": day_number(e.time.astimezone(tz).date()),
             "event": e.event, "grade": e.grade} for e in events]
    return pa.Table.from_pylist(rows, EVT_SCHEMA)


def patients_arrow(patients: Iterable[Patient]) -> pa.Table:
    return pa.Table.from_pylist([patient_row(p) for p in patients], PAT_SCHEMA)


def checked_view(con: duckdb.DuckDBPyConnection, path: Path, codemap: CodeMap) -> None:
    """The view `obs_checked`: each row of the file with its first problem (row_check_sql), the
    check tables it joins registered."""
    raw = raw_observations_sql(path, column_types(con, checked_reader(path)))
    if path.suffix != ".parquet":
        # The CSV reader skips a line whose cells are all blank: it is not a record.
        raw = (f"SELECT * FROM ({raw}) WHERE COALESCE(pid, time_text, code, value_text, unit, "
               "ref_low_text, ref_high_text) IS NOT NULL")
    register_checks(con, raw, codemap)
    fields = len(csv_header(path)) if path.suffix != ".parquet" else 0
    con.execute(
        f"CREATE OR REPLACE VIEW obs_checked AS {checked_observations_sql(raw, fields)}"
    )


def register_checks(con: duckdb.DuckDBPyConnection, raw: str, codemap: CodeMap) -> None:
    """Register `obs_checks` (per code and unit) and `obs_categories` for the checked view."""
    pairs = con.execute(f"SELECT DISTINCT code, unit FROM ({raw})").fetchall()
    con.register("obs_checks", rc.check_table(pairs, codemap))
    con.register("obs_categories", rc.category_table())
    con.register("obs_answers", rc.answer_table())
