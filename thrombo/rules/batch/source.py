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
from thrombo.errors import SourceError
from thrombo.normalize.analytes import CATALOGUE, Analyte
from thrombo.normalize.build import SCHISTOCYTES_PER_HPF_PLAUSIBLE, Skip, resolve_analyte
from thrombo.normalize.codemap import CodeMap, codemap_for
from thrombo.normalize.units import UnitError, conversion_factor
from thrombo.normalize.values import answer_spellings, category_spellings
from thrombo.rules.batch.decisions import text
from thrombo.rules.batch.tables import (
    ANNIVERSARY_YEARS,
    EPOCH_DAY,
    EVT_SCHEMA,
    PAT_SCHEMA,
    anniversary,
    day_number,
    patient_row,
)

US_PER_DAY = 86_400_000_000


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


def code_map(con: duckdb.DuckDBPyConnection, path: Path, codemap: CodeMap) -> pa.Table:
    """What the normal reader makes of each distinct (code, unit) of the file (`check_rows`)."""
    pairs = con.execute(f"SELECT DISTINCT CAST(code AS VARCHAR), CAST(unit AS VARCHAR) "
                        f"FROM {reader(path)}").fetchall()
    return check_rows(pairs, codemap)


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
    own simulated files); SourceError if a row cannot be screened as the file stands."""
    path = observations_path(folder)
    con.register("code_map", code_map(con, path, codemap_for(folder)))
    con.register("pat_all", patients_table(folder))
    con.execute("CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all")
    con.execute(f"""
        CREATE OR REPLACE VIEW obs_all AS
        SELECT CAST(r.patient_id AS VARCHAR) AS patient_id, r.file_row_number AS seq,
               m.analyte, epoch_us(CAST(r.time AS TIMESTAMP)) AS t_us,
               CAST(epoch_us(CAST(r.time AS TIMESTAMP)) // {US_PER_DAY} AS INTEGER) AS day,
               CAST(r.value AS DOUBLE) * m.factor AS value, m.canonical AS unit,
               CAST(NULL AS VARCHAR) AS category,
               CAST(r.ref_low AS DOUBLE) * m.factor AS ref_low,
               CAST(r.ref_high AS DOUBLE) * m.factor AS ref_high
        FROM {reader(path)} r JOIN code_map m ON m.code = CAST(r.code AS VARCHAR)
          AND m.unit = CAST(r.unit AS VARCHAR) AND m.factor IS NOT NULL""")
    con.execute("CREATE OR REPLACE VIEW obs AS SELECT * FROM obs_all")
    # The view trusts the file and has no place to count a row it leaves out or a value it
    # should not compute with, so a file holding any is refused here, with the count.
    row = con.execute(f"""
        SELECT COUNT(*) FROM {reader(path)} r
        LEFT JOIN code_map m ON m.code = CAST(r.code AS VARCHAR)
             AND m.unit = CAST(r.unit AS VARCHAR) AND m.factor IS NOT NULL
        LEFT JOIN pat_all p ON p.patient_id = CAST(r.patient_id AS VARCHAR)
        WHERE m.factor IS NULL OR p.patient_id IS NULL OR r.time IS NULL OR r.value IS NULL
           OR (m.low IS NOT NULL
               AND NOT CAST(r.value AS DOUBLE) * m.factor BETWEEN m.low AND m.high)""").fetchone()
    if row and row[0]:
        raise SourceError(
            f"{path}: {row[0]} rows have a code or unit this view cannot map, no time or value, "
            "a value outside the analyte's plausible range or a patient not in patients.csv; "
            "'thrombo screen FOLDER --engine duckdb' reads such a file and accounts for every "
            "row by reason"
        )
    con.execute("CREATE OR REPLACE VIEW evt AS SELECT CAST(NULL AS VARCHAR) AS patient_id, "
                "CAST(NULL AS INTEGER) AS day, CAST(NULL AS VARCHAR) AS event, "
                "CAST(NULL AS INTEGER) AS grade WHERE FALSE")
    con.execute("CREATE OR REPLACE VIEW qd AS SELECT CAST(NULL AS VARCHAR) AS patient_id, "
                "CAST(NULL AS INTEGER) AS day WHERE FALSE")
    return path


def scan_floor_sql(path: Path) -> str:
    """Reading the columns the screen reads, once, with the least work that uses them all."""
    return (f"SELECT COUNT(*), SUM(hash(patient_id, code, unit)), SUM(epoch(time)), "
            f"SUM(value), SUM(ref_high) FROM {reader(path)}")


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


# --- The checked reading for real datasets (thrombo.rules.batch.direct) -------------------------
# The benchmark views above trust their own simulated files. A hospital feed is read the way the
# normal reader (thrombo.io.csv_dataset + thrombo.normalize.build) reads it, row for row: each
# row gets the first problem the normal reader would find, in the same order, or none.

# Problem kinds, in the order the normal reader checks them (normalize/build.py _observation).
MALFORMED = "malformed-row"
MISSING = "required-value-missing"
SKIPPED = "code-not-used"
BAD_TIME = "time-not-a-date-time"
CODED = "coded-value-not-accepted"
BAD_VALUE = "value-not-a-number"
NO_UNIT = "unit-missing"
BAD_UNIT = "unit-not-convertible"
IMPLAUSIBLE = "implausible-value"
BAD_LIMIT = "reference-limit-not-a-number"
UNKNOWN_PATIENT = "unknown-patient"
# Not a problem: a later row with the identifier of a row already read (an OMOP measurement_id
# seen before), which the normal reader counts as a duplicate, whoever the patient.
REPEATED_ID = "repeated-identifier"
# A CSV column name no file uses, and a null marker no cell holds (empty cells stay '' so that
# a padded cell, NULL, is told from an empty one).
SPARE_COLUMN = "thrombo_spare_field"
NEVER_NULL = "\x01thrombo-null\x01"

CHECK_SCHEMA = pa.schema([
    ("code", pa.string()), ("unit", pa.string()), ("analyte", pa.string()),
    ("skip", pa.string()), ("unit_problem", pa.string()), ("has_units", pa.bool_()),
    ("factor", pa.float64()), ("canonical", pa.string()),
    ("low", pa.float64()), ("high", pa.float64())])
CATEGORY_SCHEMA = pa.schema([("analyte", pa.string()), ("text", pa.string()),
                             ("category", pa.string())])


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


def _canonical(number: str) -> str:
    """normalize.units.to_canonical: the product rounded to 12 significant digits (printf and
    the cast back are both correctly rounded, as Python's format and float are)."""
    return (f"CASE WHEN m.factor = 1 THEN {number} "
            f"ELSE CAST(printf('%.12g', {number} * m.factor) AS DOUBLE) END")


def _not_finite(number: str) -> str:
    return f"({number} IS NULL OR NOT isfinite({number}))"


# A censored result ('<10', '>= 2500'; normalize.values.parse_bound): its comparator and bound.
# The value text is trimmed already; ' *' (not '\s') reads alike in DuckDB's and Spark's SQL
# string literals and regular expressions.
CENSORED_PREFIX = "^ *(<=|>=|<|>)"


def censored_sql(raw: str) -> str:
    """`raw` with `cmp` (the comparator of a censored value, else NULL) and `bnum` (the number
    the row checks use: the value, or a censored value's bound)."""
    # Only a text that is no number can be censored: the pattern is not matched on the
    # millions of plain numbers (it would cost more than reading the file).
    cmp = (f"CASE WHEN num IS NULL AND value_text IS NOT NULL THEN "
           f"NULLIF(regexp_extract(value_text, '{CENSORED_PREFIX}', 1), '') END")
    bound = f"try_cast(trim(regexp_replace(value_text, '{CENSORED_PREFIX}', '')) AS DOUBLE)"
    return (f"SELECT *, {cmp} AS cmp, CASE WHEN {cmp} IS NULL THEN num ELSE {bound} END AS bnum "
            f"FROM ({raw})")


def checked_observations_sql(raw: str, header_fields: int, value_required: bool = True) -> str:
    """Every row of `raw` with its analyte, canonical value and first problem (NULL if none).

    `value_required`: a row without a value is refused as missing a required value before its
    code is looked at (the CSV dataset reader); otherwise the normaliser meets it later, as a
    coded result it does not accept or a value that is not a number (the OMOP reader).
    A censored value ('<10') is checked as the normal reader checks its bound and read, as it
    stores it, but its `value` is NULL: the batch engines do not compute with a bound (the
    reference engine decides it by interval logic), so it is undecided there; `cmp` says so."""
    value = _canonical("x.bnum")
    missing_value = "OR x.value_text IS NULL" if value_required else ""
    return f"""
        SELECT x.*, m.analyte, m.skip, c.category,
               epoch_us(x.moment) AS t_us,
               CAST(CAST(x.moment AS DATE) - DATE '1970-01-01' AS INTEGER) AS day,
               CASE WHEN c.category IS NULL AND x.cmp IS NULL THEN {value} END AS value,
               CASE WHEN c.category IS NULL THEN m.canonical END AS canonical,
               CASE WHEN c.category IS NULL THEN {_canonical('x.low_num')} END AS ref_low,
               CASE WHEN c.category IS NULL THEN {_canonical('x.high_num')} END AS ref_high,
               CASE
                 WHEN x.fields <> {header_fields} THEN '{MALFORMED}'
                 WHEN x.pid IS NULL OR x.time_text IS NULL OR x.code IS NULL
                      {missing_value} THEN '{MISSING}'
                 WHEN m.skip IS NOT NULL THEN '{SKIPPED}'
                 WHEN x.moment IS NULL THEN '{BAD_TIME}'
                 WHEN c.category IS NOT NULL THEN NULL
                 WHEN NOT m.has_units OR a.text IS NOT NULL OR instr(x.value_text, '|') > 0
                   THEN '{CODED}'
                 WHEN {_not_finite('x.bnum')} THEN '{BAD_VALUE}'
                 WHEN x.unit IS NULL THEN '{NO_UNIT}'
                 WHEN m.unit_problem IS NOT NULL THEN '{BAD_UNIT}'
                 WHEN NOT ({value} BETWEEN m.low AND m.high) THEN '{IMPLAUSIBLE}'
                 WHEN x.ref_low_text IS NOT NULL AND {_not_finite('x.low_num')}
                   OR x.ref_high_text IS NOT NULL AND {_not_finite('x.high_num')}
                   THEN '{BAD_LIMIT}'
               END AS problem
        FROM ({censored_sql(raw)}) x
        LEFT JOIN obs_checks m ON m.code = x.code AND m.unit IS NOT DISTINCT FROM x.unit
        LEFT JOIN obs_categories c ON c.analyte = m.analyte AND c.text = lower(x.value_text)
        LEFT JOIN obs_answers a ON c.category IS NULL AND a.text = lower(x.value_text)"""


def events_table(events: Iterable[Event], tz: tzinfo) -> pa.Table:
    """`evt` as BatchTables.from_timelines builds it: each event on its local calendar day."""
    rows = [{"patient_id": e.patient_id, "day": day_number(e.time.astimezone(tz).date()),
             "event": e.event, "grade": e.grade} for e in events]
    return pa.Table.from_pylist(rows, EVT_SCHEMA)


def patients_arrow(patients: Iterable[Patient]) -> pa.Table:
    return pa.Table.from_pylist([patient_row(p) for p in patients], PAT_SCHEMA)


def check_rows(pairs: Iterable[tuple[str | None, str | None]], codemap: CodeMap) -> pa.Table:
    """For each distinct (code, unit) of the file, what the normal reader makes of it: the
    analyte or the skip reason, the conversion or why there is none, the plausible range."""
    rows = []
    for code, unit in pairs:
        if code is None:
            continue
        row: dict[str, object] = {"code": code, "unit": unit, "has_units": False}
        try:
            analyte = resolve_analyte(code, codemap)
        except Skip as skip:
            rows.append({**row, "skip": str(skip)})
            continue
        row.update(analyte=analyte.key, has_units=bool(analyte.units))
        if analyte.units and unit is not None:
            try:
                factor, canonical = conversion_factor(analyte, unit)
            except UnitError as exc:
                row["unit_problem"] = str(exc)
            else:
                low, high = plausible_range(analyte, canonical)
                row.update(factor=factor, canonical=canonical, low=low, high=high)
        rows.append(row)
    return pa.Table.from_pylist(rows, CHECK_SCHEMA)


def plausible_range(analyte: Analyte, unit: str) -> tuple[float | None, float | None]:
    """The range normalize.build._check_plausible applies (its own per-HPF range)."""
    if analyte.plausible is None:
        return None, None
    if unit == "/[HPF]":
        return SCHISTOCYTES_PER_HPF_PLAUSIBLE
    return analyte.plausible


def category_rows() -> pa.Table:
    """Accepted spellings of coded results per analyte (normalize.values.parse_category)."""
    rows: list[dict[str, str]] = []
    for analyte in CATALOGUE:
        if not analyte.categories:
            continue
        rows.extend({"analyte": analyte.key, "text": text, "category": value}
                    for text, value in category_spellings(analyte.categories).items())
    return pa.Table.from_pylist(rows, CATEGORY_SCHEMA)


def answer_rows() -> pa.Table:
    """Every text that is a coded answer for some analyte (normalize.values.is_answer)."""
    return pa.Table.from_pylist([{"text": t} for t in sorted(answer_spellings())],
                                pa.schema([("text", pa.string())]))


def register_checks(con: duckdb.DuckDBPyConnection, raw: str, codemap: CodeMap) -> None:
    """Register `obs_checks` (per code and unit) and `obs_categories` for the checked view."""
    pairs = con.execute(f"SELECT DISTINCT code, unit FROM ({raw})").fetchall()
    con.register("obs_checks", check_rows(pairs, codemap))
    con.register("obs_categories", category_rows())
    con.register("obs_answers", answer_rows())
