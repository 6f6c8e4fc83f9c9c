"""An OMOP CDM table in a SQL database copied to a file, in bounded memory.

The batch engine reads a measurement table in place when it is a file; a table in a database is
first streamed to a scratch file, so tens of millions of rows never sit in Python at once.
DuckDB cannot attach the database itself here: its PostgreSQL reader is an extension fetched at
run time. PostgreSQL writes the file itself (COPY ... TO STDOUT, CSV); any other database
SQLAlchemy opens (SQLite, ...) has its rows fetched in batches into a Parquet file.

Each column keeps the type the database declares where the value the OMOP reader would see
survives the trip unchanged: whole numbers, floats, dates, date-times and text. A DECIMAL, or a
type Parquet has no twin for, is written as the text the OMOP reader makes of it
(`thrombo.io.omop.cell_text`: '42.00' stays '42.00'). A database that does not hold its
columns to their declared types (SQLite will store 'low' in a REAL column) has the whole table
written as that text instead, which is what the reader sees anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from thrombo.io.omop import DatabaseTables, cell_text

# Rows per batch held in Python while copying: ~100 MB at the CDM measurement table's width.
# A memory bound only. [Design]
BATCH_ROWS = 100_000

Convert = Callable[[Sequence[Any]], pa.Array]


def _as_text(values: Sequence[Any]) -> pa.Array:
    return pa.array([None if v is None else cell_text(v) for v in values], pa.string())


def _typed(kind: pa.DataType) -> Convert:
    return lambda values: pa.array(values, kind)


def column_conversion(sql_type: Any) -> tuple[pa.DataType, Convert]:
    """The Parquet type of a column and how a batch of its values becomes an Arrow array."""
    from sqlalchemy import types

    if isinstance(sql_type, types.Integer):
        kind: pa.DataType = pa.int64()
    elif isinstance(sql_type, types.Float):  # before Numeric: Float is a Numeric
        kind = pa.float64()
    elif isinstance(sql_type, types.DateTime):
        kind = pa.timestamp("us", tz="UTC" if sql_type.timezone else None)
    elif isinstance(sql_type, types.Date):
        kind = pa.date32()
    elif isinstance(sql_type, types.String):
        kind = pa.string()
    else:
        return pa.string(), _as_text
    return kind, _typed(kind)


def copy_table(tables: DatabaseTables, table: str, folder: Path) -> Path:
    """The CDM table written into `folder`: PostgreSQL's own CSV export where the driver offers
    it, a Parquet file otherwise; the file's path."""
    if tables.engine.dialect.name == "postgresql" and tables.engine.driver == "psycopg":
        return copy_postgres(tables, table, folder / f"{table}.csv")
    path = folder / f"{table}.parquet"
    copy_rows(tables, table, path)
    return path


def copy_postgres(tables: DatabaseTables, table: str, path: Path) -> Path:
    """`COPY (SELECT ...) TO STDOUT` into a CSV file, streamed: the server writes each value
    as the text the OMOP reader makes of it (whole floats without '.0', DECIMALs with their
    digits, dates and times in ISO form) at about ten times the speed of fetching rows."""
    from sqlalchemy import select

    query = str(select(tables.table(table)).compile(dialect=tables.engine.dialect))
    connection = tables.engine.raw_connection()
    try:
        driver: Any = connection.driver_connection
        with driver.cursor() as cursor, path.open("wb") as out, cursor.copy(
                f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for data in copy:
                out.write(data)
    finally:
        connection.close()
    return path


def copy_rows(tables: DatabaseTables, table: str, path: Path) -> int:
    """Write the CDM table's rows to a Parquet file at `path` (column names in lower case, as
    the reader keys them); the number of rows."""
    columns = tables.columns(table)
    typed = [(name, *column_conversion(kind)) for name, kind in columns]
    try:
        return _write(tables, table, typed, path)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        # A value that does not fit its column's declared type: the reader's text for all.
        return _write(tables, table, [(name, pa.string(), _as_text) for name, _ in columns],
                      path)


def _write(
    tables: DatabaseTables, table: str, columns: list[tuple[str, pa.DataType, Convert]],
    path: Path,
) -> int:
    schema = pa.schema([(name, kind) for name, kind, _ in columns])
    rows = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in tables.batches(table, BATCH_ROWS):
            arrays = [convert([row[i] for row in batch])
                      for i, (_, _, convert) in enumerate(columns)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            rows += len(batch)
    return rows
