"""`thrombo screen CDM --format omop --engine duckdb`: an OMOP CDM (a folder of tables or a
database) screened in DuckDB, its measurement table read in place, every row accounted for.

The measurement table is the bulk of a CDM (a hospital's lab feed: tens of millions of rows), so
it is never turned into Python objects: DuckDB reads it where it lies (CSV or Parquet) and gives
each row the text the OMOP reader (thrombo.io.omop.measurement_item) would hand to the
normaliser - code from the concept, unit, value, reference range, time, identifier - and then the
same checks and screening as a dataset folder's observations file
(thrombo.population.dataset_folder).
Persons, deaths, drug exposures, procedures and conditions are small beside it and go through
the OMOP reader and the normaliser themselves, so patients, HSCT dates, events and their
accounting are the normal reader's, not a copy of it.

Concept ids are looked up in Python, once per distinct id of the table (a few hundred), in the
concepts the OMOP reader uses (the shipped map overridden by the CDM's concept table): the
lookup joins on the column's own values, so an id means in SQL what it means to the reader.

Duplicates: the OMOP reader identifies a measurement by `measurement_id`, so a later row with
an id already read is a duplicate whoever its patient (checked_rows.mark_copies); rows
without an id are compared by content, as the normal reader compares them.

A CDM in a SQL database has its measurement table streamed to a scratch file first
(thrombo.io.omop_copy), then read the same way; its rows are numbered in the order the
database returns them, as the OMOP reader numbers them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from thrombo.domain.records import Provenance
from thrombo.engines.decisions import text
from thrombo.errors import SourceError
from thrombo.io.omop import (
    EXACT_OPERATORS,
    OPERATORS,
    BadRow,
    Concepts,
    DatabaseTables,
    FolderTables,
    Tables,
    cdm_concepts,
    measurement_code_sql,
    measurement_item,
    open_tables,
    read_omop,
    table_sql,
)
from thrombo.io.omop_copy import copy_table
from thrombo.io.raw import SourceRecord
from thrombo.normalize import row_checks as rc
from thrombo.normalize.assemble import Dataset
from thrombo.normalize.canonical_records import Context, normalize_record
from thrombo.normalize.values import ValueProblem
from thrombo.population import dataset_views as views
from thrombo.population.dataset_folder import assemble_side, screen_checked
from thrombo.population.options import BulkOptions
from thrombo.population.row_accounting import DirectAccounting, Feed
from thrombo.population.row_check_sql import checked_observations_sql
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import SetResult
from thrombo.store.sources import plan_sources

FORMAT = "omop"
TABLE = "measurement"
NUMERIC = ("DOUBLE", "FLOAT", "REAL")
# The concept-id columns looked up in the reader's concepts: the analyte, the unit, the coded
# result (its concept name, 'Positive', read as the same word in a CSV would be).
CONCEPT_COLUMNS = ("measurement_concept_id", "unit_concept_id", "value_as_concept_id")


def screen_omop_sets(
    source: str | Path, sets: Sequence[CriteriaSet], options: BulkOptions
) -> tuple[list[SetResult], DirectAccounting]:
    """Several criteria sets over one reading of a CDM: a folder of tables, or a database URL
    (its measurement table streamed to a scratch file first, thrombo.io.omop_copy)."""
    name = str(source)
    # The normal reader's context (code map, site lab ranges).
    _, ctx = plan_sources([name], tz=options.tz, fmt=FORMAT, lab_ranges=options.lab_ranges)
    tables = open_tables(name)
    concepts = cdm_concepts(tables)
    side = read_side(tables, concepts, ctx)
    with tempfile.TemporaryDirectory(prefix="thrombo-omop-") as scratch:
        path = _measurement_file(tables, Path(scratch))

        def observations(con: duckdb.DuckDBPyConnection) -> Feed | None:
            if path is None:
                return None
            feed = MeasurementFeed(path, f"{tables.origin}/{TABLE}", concepts)
            feed.register(con, ctx)
            return feed

        return screen_checked(side, ctx, sets, observations, options)


def read_side(tables: Tables, concepts: Concepts, ctx: Context) -> Dataset:
    """Persons, deaths, drug exposures, procedures and conditions, as the OMOP reader and the
    normaliser read them (the measurement table is read in place)."""
    records = read_omop(tables, measurements=False, concepts=concepts)
    return assemble_side(tables.origin, FORMAT, records, [], ctx)


def _measurement_file(tables: Tables, scratch: Path) -> Path | None:
    """The measurement table's file: its own in a folder, a scratch copy from a database."""
    if not tables.has(TABLE):
        return None
    if isinstance(tables, FolderTables):
        return tables.files[TABLE]
    if isinstance(tables, DatabaseTables):
        return copy_table(tables, TABLE, scratch)
    raise SourceError(f"{tables.origin}: no way to read its {TABLE} table in place")


@dataclass(frozen=True)
class MeasurementFeed:
    """The CDM's measurement table, rows numbered from 1 as the OMOP reader numbers them."""

    path: Path
    label: str
    concepts: Concepts

    def reader(self) -> str:
        """The table as the OMOP reader reads it (omop.table_sql), with its row number."""
        if self.path.suffix.lower() == ".parquet":
            quoted = str(self.path).replace("'", "''")
            return (f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS thrombo_row "
                    f"FROM read_parquet('{quoted}', file_row_number = true))")
        return f"(SELECT *, row_number() OVER () AS thrombo_row FROM {table_sql(self.path)})"

    def register(self, con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
        """The view `obs_checked` over the table, with the concept lookups it joins."""
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {self.reader()}").fetchall()
        except duckdb.Error as exc:
            raise SourceError(f"{self.path}: cannot be read as an OMOP table ({exc})") from exc
        columns = {str(r[0]).strip().lower(): (str(r[0]), str(r[1])) for r in described}
        for column, lookup in self._lookups(con, columns).items():
            con.register(f"omop_{column}", lookup)
        raw = measurement_sql(self.reader(), columns)
        views.register_checks(con, raw, ctx.codemap)
        con.execute("CREATE OR REPLACE VIEW obs_checked AS "
                    f"{checked_observations_sql(raw, 0, value_required=False)}")

    def _lookups(
        self, con: duckdb.DuckDBPyConnection, columns: dict[str, tuple[str, str]]
    ) -> dict[str, pa.Table]:
        """For each concept-id column, its distinct values with the concept the reader finds
        for each: (raw, vocabulary_id, concept_code, concept_name). One pass over the table;
        the raw values keep the column's type, so the join means what the reader's look-up
        means."""
        present = [c for c in CONCEPT_COLUMNS if c in columns]
        found: dict[str, pa.Array] = {c: pa.array([], pa.string()) for c in CONCEPT_COLUMNS}
        if present:
            ids = [_quote(columns[c][0]) for c in present]
            lists = con.sql("SELECT " + ", ".join(
                f"list(DISTINCT {i}) FILTER ({i} IS NOT NULL)" for i in ids
            ) + f" FROM {self.reader()}").to_arrow_table()
            for n, column in enumerate(present):
                values = lists.column(n)[0].values
                found[column] = values if values is not None else pa.array([], pa.string())
        tables = {}
        for column, raw in found.items():
            concepts = [self.concepts.code(v) for v in raw.to_pylist()]
            tables[column] = pa.table({"raw": raw, **{field: pa.array(
                [getattr(c, field) if c else None for c in concepts], pa.string())
                for field in ("vocabulary_id", "concept_code", "concept_name")}})
        return tables

    def rejects(self, con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
        return []  # the OMOP reader reads a table whole or refuses it (SourceError)

    def location(self, seq: int, reject_lines: list[int]) -> str:
        return f"row {seq}"

    def reasons(
        self, con: duckdb.DuckDBPyConnection, examples: list[tuple[str, int]], ctx: Context
    ) -> list[str]:
        """The OMOP reader's and the normaliser's own reasons for the example rows, read from
        the table in one pass."""
        if not examples:
            return []
        wanted = ", ".join(str(int(seq)) for _, seq in examples)
        cursor = con.execute(f"SELECT * FROM {self.reader()} WHERE thrombo_row IN ({wanted})")
        names = [d[0].lower() for d in cursor.description]
        rows = {int(r["thrombo_row"]): r for r in (dict(zip(names, values, strict=True))
                                                   for values in cursor.fetchall())}
        return [self._reason(kind, seq, rows[seq], ctx) for kind, seq in examples]

    def _reason(self, kind: str, seq: int, row: dict[str, Any], ctx: Context) -> str:
        try:
            raw = measurement_item(row, self.concepts)
        except BadRow as refused:
            return str(refused)
        if kind == rc.UNKNOWN_PATIENT.name:
            return f"unknown patient {raw.patient_id!r}"
        try:
            normalize_record(SourceRecord(Provenance(self.label, f"row {seq}"), (raw,)), ctx)
        except ValueProblem as problem:
            return str(problem)
        return f"{kind} (this row alone passes the normal reader's checks)"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(column: str, columns: dict[str, tuple[str, str]]) -> str:
    """thrombo.io.omop.cell_text in SQL: NULL for an absent column or an empty cell; a whole
    float without its '.0' (the reader writes 42.0 as '42')."""
    if column not in columns:
        return "CAST(NULL AS VARCHAR)"
    name, kind = columns[column]
    cell = f"r.{_quote(name)}"
    if kind in NUMERIC:
        return (f"CASE WHEN isfinite({cell}) AND {cell} = trunc({cell}) AND abs({cell}) < 1e15 "
                f"THEN CAST(CAST({cell} AS BIGINT) AS VARCHAR) ELSE CAST({cell} AS VARCHAR) END")
    return f"NULLIF(trim(CAST({cell} AS VARCHAR)), '')"


def _number(column: str, columns: dict[str, tuple[str, str]]) -> str:
    if column not in columns:
        return "CAST(NULL AS DOUBLE)"
    name, kind = columns[column]
    if kind in (*NUMERIC, "BIGINT", "INTEGER", "SMALLINT", "HUGEINT") or kind.startswith(
            "DECIMAL"):
        return f"CAST(r.{_quote(name)} AS DOUBLE)"
    return f"try_cast({_text(column, columns)} AS DOUBLE)"


def _moment(column: str, columns: dict[str, tuple[str, str]]) -> str:
    """The instant the reader's text of the column stands for: text without an offset (and a
    date alone, at its start) is in the session time zone, the site's, as parse_moment reads it."""
    if column not in columns:
        return "CAST(NULL AS TIMESTAMPTZ)"
    name, kind = columns[column]
    if kind == "VARCHAR":
        return f"try_cast({_text(column, columns)} AS TIMESTAMPTZ)"
    return f"CAST(r.{_quote(name)} AS TIMESTAMPTZ)"


def operator_prefix_sql(operator: str) -> str:
    """thrombo.io.omop.operator_prefix in SQL, over the operator id's text."""
    known = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in OPERATORS.items())
    exact = ", ".join(text(k) for k in sorted(EXACT_OPERATORS))
    return (f"(CASE WHEN COALESCE({operator}, '') IN ({exact}) THEN '' "
            f"ELSE CASE {operator} {known} "
            f"ELSE '(operator concept ' || {operator} || ') ' END END)")


def measurement_sql(reader: str, columns: dict[str, tuple[str, str]]) -> str:
    """One row per measurement row with the columns of source.raw_observations_sql: the text
    thrombo.io.omop.measurement_item gives the normaliser and the parsed instant and numbers."""
    def t(column: str) -> str:
        return _text(column, columns)

    concept_code = measurement_code_sql("mc", t('measurement_source_value'),
                                        t('measurement_concept_id'))
    prefix = operator_prefix_sql(t('operator_concept_id'))
    coded = "NULLIF(trim(vc.concept_name), '')"
    number = (f"CASE WHEN {t('value_as_number')} IS NOT NULL "
              f"THEN CASE WHEN {prefix} = '' THEN {_number('value_as_number', columns)} END "
              f"WHEN {t('value_source_value')} IS NOT NULL "
              f"THEN {_number('value_source_value', columns)} "
              f"ELSE try_cast({coded} AS DOUBLE) END")
    join = []
    for column, alias in zip(CONCEPT_COLUMNS, ("mc", "uc", "vc"), strict=True):
        on = (f"{alias}.raw = r.{_quote(columns[column][0])}" if column in columns else "FALSE")
        join.append(f"LEFT JOIN omop_{column} {alias} ON {on}")
    return f"""
        SELECT r.thrombo_row AS seq, CAST(NULL AS INTEGER) AS fields,
               {t('person_id')} AS pid,
               COALESCE({t('measurement_datetime')}, {t('measurement_date')}) AS time_text,
               CASE WHEN {t('measurement_datetime')} IS NOT NULL
                    THEN {_moment('measurement_datetime', columns)}
                    ELSE {_moment('measurement_date', columns)} END AS moment,
               {concept_code} AS code,
               COALESCE({prefix} || {t('value_as_number')}, {t('value_source_value')},
                        {coded}) AS value_text,
               {number} AS num,
               COALESCE({t('unit_source_value')}, NULLIF(trim(uc.concept_code), '')) AS unit,
               {t('range_low')} AS ref_low_text, {_number('range_low', columns)} AS low_num,
               {t('range_high')} AS ref_high_text, {_number('range_high', columns)} AS high_num,
               {t('measurement_id')} AS ident
        FROM {reader} r {' '.join(join)}"""
