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

The observations file is checked once into a scratch table (thrombo.population.checked_rows); the
accounting (thrombo.population.row_accounting) and the ranges read that table, not the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, tzinfo
from pathlib import Path

import duckdb
import pyarrow as pa

from thrombo.domain.records import Event, Patient
from thrombo.engines.decisions import text
from thrombo.engines.duck import connect, screen_plan
from thrombo.engines.input_tables import QD_SCHEMA, day_number
from thrombo.engines.query_plan import Plan
from thrombo.engines.verdicts import screening_result
from thrombo.errors import SourceError
from thrombo.io import csv_dataset
from thrombo.io.raw import SourceRecord
from thrombo.normalize.assemble import Dataset, assemble, with_facts
from thrombo.normalize.canonical_records import Context, PatientFact
from thrombo.normalize.codemap import codemap_for
from thrombo.normalize.labranges import lab_ranges_for
from thrombo.population import checked_rows
from thrombo.population import dataset_views as views
from thrombo.population.options import BulkOptions
from thrombo.population.row_accounting import (
    DatasetFeed,
    DirectAccounting,
    Feed,
    Tally,
    account_observations,
    accounting,
)
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import ScreeningResult, SetResult
from thrombo.store.sources import timezone

FORMAT = "csv-dataset"


def screen_dataset(
    folder: Path, criteria: CriteriaSet, options: BulkOptions
) -> tuple[SetResult, DirectAccounting]:
    """One criteria set over a dataset folder; results as `screen_with` returns them."""
    results, accounting = screen_dataset_sets(folder, [criteria], options)
    return results[0], accounting


def screen_dataset_sets(
    folder: Path, sets: Sequence[CriteriaSet], options: BulkOptions
) -> tuple[list[SetResult], DirectAccounting]:
    """Several criteria sets over one reading of the folder (`thrombo screen --criteria all`)."""
    ctx = folder_context(folder, options.tz, options.lab_ranges)
    path = _observations(folder)

    def observations(con: duckdb.DuckDBPyConnection) -> Feed | None:
        if path is not None:
            register_observations(con, path, ctx)
        return None if path is None else DatasetFeed(path)

    return screen_checked(read_side_files(folder, ctx), ctx, sets, observations, options)


def folder_context(folder: Path, tz: str, lab_ranges: Path | None = None) -> Context:
    """The normal reader's context for a folder: its code map and its site lab ranges."""
    codemap = codemap_for(folder)
    return Context(timezone(tz), codemap, lab_ranges_for(folder, lab_ranges, codemap))


def screen_checked(
    side: Dataset,
    ctx: Context,
    sets: Sequence[CriteriaSet],
    observations: Callable[[duckdb.DuckDBPyConnection], Feed | None],
    options: BulkOptions,
) -> tuple[list[SetResult], DirectAccounting]:
    """Screen the side records (patients, events) with the observation rows that
    `observations` registers as the view `obs_checked` (returning where they came from, or
    None when there are none): checked once into the scratch table, accounted, then screened
    range by range. `options.tz` names the context's site time zone, the session's."""
    as_of = options.as_of
    con = connect(options.memory_limit)
    tally = Tally()
    with checked_rows.scratch_space(con):
        con.execute(f"SET TimeZone = {text(options.tz)}")
        register_side(con, side, ctx.tz)
        feed = observations(con)
        if feed is None:
            con.execute(f"CREATE VIEW obs_checked AS {_no_observations()}")
        try:
            checked_rows.check_once(con, ctx.lab_ranges)
        except duckdb.Error as exc:  # a file DuckDB cannot read as its reader would
            label = "observations" if feed is None else feed.label
            raise SourceError(f"{label}: cannot be read ({exc})") from exc
        if feed is not None:
            account_observations(con, feed, ctx, tally)
        found = screen_ranges(con, sets, as_of, options.rows_per_range, tally)
        notes = censored_note(con)
    results = [
        SetResult(s.rules_json(), as_of, tuple(sorted(rows, key=lambda r: r.patient_id)),
                  (*s.warnings, *notes))
        for s, rows in zip(sets, found, strict=True)
    ]
    return results, accounting(side, tally)


CENSORED_NOTE = (
    "{n} censored results ('<10', '>2500') read as bounds and decided by interval logic, as "
    "every engine decides them (met when every value a bound allows passes, not met when none "
    "does, else indeterminate)")


def censored_note(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The warning a result carries when usable rows were censored (source.censored_sql)."""
    row = con.execute(f"SELECT count(*) FROM {checked_rows.CHECKED} "
                      "WHERE kind IS NULL AND cmp IS NOT NULL").fetchone()
    n = int(row[0]) if row else 0
    return (CENSORED_NOTE.format(n=n),) if n else ()


def _observations(folder: Path) -> Path | None:
    try:
        return views.observations_path(folder)
    except SourceError:
        return None


def side_records(folder: Path) -> Iterator[SourceRecord]:
    """Every record of patients.csv, medications.csv and events.csv, as the normal reader reads
    them."""
    if not csv_dataset.is_dataset_folder(folder):
        raise SourceError(f"{folder}: no {csv_dataset.PATIENTS} (the one required file of a "
                          "dataset folder)")
    for name in (csv_dataset.PATIENTS, csv_dataset.MEDICATIONS, csv_dataset.EVENTS):
        if name == csv_dataset.PATIENTS or (folder / name).is_file():
            yield from csv_dataset.read_file(folder / name)


def read_side_files(folder: Path, ctx: Context) -> Dataset:
    ignored = csv_dataset.ignored_files(folder)
    return assemble_side(str(folder), FORMAT, side_records(folder), ignored, ctx)


def assemble_side(
    source: str, fmt: str, records: Iterable[SourceRecord], ignored: list[str], ctx: Context
) -> Dataset:
    """The side records normalised as the normal reader normalises them, each accepted one
    counted as stored (the summary reads as `load_source(...).input_json()`)."""
    data = assemble([(source, fmt, records, ignored)], ctx)
    for summary, _ in data.accepted:
        summary.stored += 1
    return data


def side_tables(side: Dataset, zone: tzinfo) -> tuple[pa.Table, pa.Table]:
    """The engines' `pat` (the last row of a patient wins, and procedure and condition dates
    merge in, as in build_timelines) and `evt` from the side files as the normal reader read
    them (also the Spark job's)."""
    records = list(side.records())
    patients = with_facts({r.patient_id: r for r in records if isinstance(r, Patient)},
                          (r for r in records if isinstance(r, PatientFact)))
    events = [r for r in records if isinstance(r, Event)]
    pat = views.patients_arrow(sorted(patients.values(), key=lambda p: p.patient_id))
    return pat, views.events_table(events, zone)


def register_side(con: duckdb.DuckDBPyConnection, side: Dataset, zone: tzinfo) -> None:
    """`pat_all`, `pat`, `evt` and `qd`."""
    pat, evt = side_tables(side, zone)
    con.register("pat_all", pat)
    con.execute("CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all")
    con.register("evt", evt)
    con.register("qd", pa.Table.from_pylist([], QD_SCHEMA))


def register_observations(con: duckdb.DuckDBPyConnection, path: Path, ctx: Context) -> None:
    """The view `obs_checked`: each row of the file with its first problem (not yet read)."""
    views.checked_view(con, path, ctx.codemap)


def _no_observations() -> str:
    return ("SELECT CAST(NULL AS VARCHAR) AS pid, CAST(NULL AS BIGINT) AS seq, "
            "CAST(NULL AS VARCHAR) AS analyte, CAST(NULL AS BIGINT) AS t_us, "
            "CAST(NULL AS INTEGER) AS day, CAST(NULL AS DOUBLE) AS value, "
            "CAST(NULL AS VARCHAR) AS canonical, CAST(NULL AS VARCHAR) AS category, "
            "CAST(NULL AS DOUBLE) AS ref_low, CAST(NULL AS DOUBLE) AS ref_high, "
            "CAST(NULL AS VARCHAR) AS value_text, CAST(NULL AS VARCHAR) AS unit, "
            "CAST(NULL AS VARCHAR) AS code, CAST(NULL AS VARCHAR) AS time_text, "
            "CAST(NULL AS VARCHAR) AS ref_low_text, CAST(NULL AS VARCHAR) AS ref_high_text, "
            "CAST(NULL AS INTEGER) AS fields, CAST(NULL AS VARCHAR) AS problem, "
            "CAST(NULL AS VARCHAR) AS ident, CAST(NULL AS VARCHAR) AS cmp, "
            "CAST(NULL AS DOUBLE) AS bound WHERE FALSE")


def screen_ranges(
    con: duckdb.DuckDBPyConnection,
    sets: Sequence[CriteriaSet],
    as_of: date,
    rows_per_range: int,
    tally: Tally,
) -> list[list[ScreeningResult]]:
    """Each patient-id range, one query per criteria set; copies counted as duplicates."""
    plans = [Plan.of(s) for s in sets]
    day = day_number(as_of) or 0
    found: list[list[ScreeningResult]] = [[] for _ in sets]
    ranges = checked_rows.patient_ranges(con, rows_per_range)
    usable = checked_rows.usable_rows(con, len(ranges))
    for low, high in ranges:
        stored, copies = checked_rows.select_range(con, usable, low, high)
        tally.stored += stored
        tally.duplicates += copies
        for criteria, plan, out in zip(sets, plans, found, strict=True):
            out.extend(screening_result(r, criteria) for r in screen_plan(con, plan, day))
        con.execute("DROP TABLE obs_range")
    return found
