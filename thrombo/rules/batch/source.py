"""A dataset folder (interface.md section 1) as the engines' input views, without pandas.

`observations.parquet` (or `.csv`) is read by DuckDB in place: codes become analyte keys and
units their canonical unit through a small mapping table built from the normalize catalogue for
the distinct (code, unit) pairs present. Times without an offset are taken as site-local UTC
(the benchmark tables); `seq` is the file row number, the tie-break within equal times.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from thrombo.errors import SourceError
from thrombo.normalize.analytes import BY_KEY, BY_LOINC
from thrombo.normalize.units import UnitError, conversion_factor
from thrombo.rules.batch.decisions import text
from thrombo.rules.batch.tables import ANNIVERSARY_YEARS, EPOCH_DAY, PAT_SCHEMA, anniversary

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


def code_map(con: duckdb.DuckDBPyConnection, path: Path) -> pa.Table:
    pairs = con.execute(f"SELECT DISTINCT CAST(code AS VARCHAR), CAST(unit AS VARCHAR) "
                        f"FROM {reader(path)}").fetchall()
    return code_map_rows(pairs)


def code_map_rows(pairs: Iterable[tuple[str, str | None]]) -> pa.Table:
    """(code, unit) pairs to analyte, conversion factor and canonical unit (normalize's)."""
    rows = []
    for code, unit in pairs:
        analyte = BY_LOINC.get(code) or BY_KEY.get(code)
        if analyte is None:
            continue
        try:
            factor, canonical = conversion_factor(analyte, unit or "")
        except UnitError:
            continue
        rows.append({"code": code, "unit": unit, "analyte": analyte.key, "factor": factor,
                     "canonical": canonical})
    return pa.Table.from_pylist(rows, pa.schema([
        ("code", pa.string()), ("unit", pa.string()), ("analyte", pa.string()),
        ("factor", pa.float64()), ("canonical", pa.string())]))


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
    """Create the views `pat`, `obs`, `evt` and `qd` over a dataset folder."""
    path = observations_path(folder)
    con.register("code_map", code_map(con, path))
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
        FROM {reader(path)} r JOIN code_map m
          ON m.code = CAST(r.code AS VARCHAR) AND m.unit = CAST(r.unit AS VARCHAR)""")
    con.execute("CREATE OR REPLACE VIEW obs AS SELECT * FROM obs_all")
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
