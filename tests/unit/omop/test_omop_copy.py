"""A CDM table in a database copied to Parquet (thrombo.io.omop_copy): every row, in batches,
and each value such that the OMOP reader reads the copy as it reads the database."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.postgres import fresh_database
from thrombo.io import omop_copy
from thrombo.io.omop import DatabaseTables, cell_text, open_tables


def sqlite_table(tmp_path: Path, ddl: str, rows: list[tuple[object, ...]]) -> str:
    url = f"sqlite:///{tmp_path / 'cdm.sqlite'}"
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE TABLE measurement ({ddl})"))
        columns = len(rows[0]) if rows else 0
        marks = ", ".join(f":c{i}" for i in range(columns))
        insert = sqlalchemy.text(f"INSERT INTO measurement VALUES ({marks})")
        for row in rows:  # SQLite keeps each value as given, whatever the column's type
            conn.execute(insert, {f"c{i}": v for i, v in enumerate(row)})
    engine.dispose()
    return url


def reader_rows(source: str) -> list[dict[str, str]]:
    """What the OMOP reader makes of each row: every cell as its text."""
    tables = open_tables(source)
    return [{k: cell_text(v) for k, v in row.items()} for row in tables.rows("measurement")]


def copied_rows(url: str, folder: Path) -> list[dict[str, str]]:
    folder.mkdir(exist_ok=True)
    tables = open_tables(url)
    assert isinstance(tables, DatabaseTables)
    rows = omop_copy.copy_rows(tables, "measurement", folder / "measurement.parquet")
    copied = reader_rows(str(folder))
    assert rows == len(copied)
    return copied


def typed_table(url: str, columns: dict[str, Any], rows: list[tuple[object, ...]]) -> str:
    """A `measurement` table of the given SQLAlchemy column types, filled through them."""
    engine = sqlalchemy.create_engine(url)
    table = sqlalchemy.Table("measurement", sqlalchemy.MetaData(),
                             *(sqlalchemy.Column(n, kind) for n, kind in columns.items()))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])
    engine.dispose()
    return url


def test_typed_columns_keep_their_types_and_a_decimal_its_digits(tmp_path: Path) -> None:
    url = typed_table(
        f"sqlite:///{tmp_path / 'cdm.sqlite'}",
        {"measurement_id": sqlalchemy.Integer, "value_as_number": sqlalchemy.Float,
         "range_high": sqlalchemy.Numeric(8, 2), "measurement_date": sqlalchemy.Date,
         "measurement_datetime": sqlalchemy.DateTime,
         "unit_source_value": sqlalchemy.String(20)},
        [(1, 42.0, Decimal("450.00"), date(2026, 2, 1), datetime(2026, 2, 1, 7, 30), "10*9/L"),
         (2, 8.25, None, date(2026, 2, 2), None, None)])
    copied = copied_rows(url, tmp_path / "copy")
    assert copied == reader_rows(url)
    assert copied[0]["range_high"] == "450.00" and copied[0]["value_as_number"] == "42"
    schema = pq.read_schema(tmp_path / "copy" / "measurement.parquet")
    assert [schema.field(n).type for n in ("measurement_id", "value_as_number", "range_high",
                                            "measurement_date", "measurement_datetime")] == [
        pa.int64(), pa.float64(), pa.string(), pa.date32(), pa.timestamp("us")]


def test_a_value_outside_its_declared_type_turns_the_table_to_text(tmp_path: Path) -> None:
    """SQLite keeps 'low' in a REAL column: the copy holds the reader's text for every cell
    instead of failing or losing the row."""
    url = sqlite_table(tmp_path, "measurement_id INTEGER, range_low REAL",
                       [(1, 150.0), (2, "low"), (3, None)])
    copied = copied_rows(url, tmp_path / "copy")
    assert copied == reader_rows(url)
    assert [r["range_low"] for r in copied] == ["150", "low", ""]
    schema = pq.read_schema(tmp_path / "copy" / "measurement.parquet")
    assert set(schema.types) == {pa.string()}


@settings(max_examples=15, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(allow_nan=False, width=32),
                                 st.integers(-10**6, 10**6), st.text(max_size=6)),
                       max_size=40),
       batch=st.integers(1, 7))
def test_any_cells_in_any_batches_read_back_as_the_database_reads(
    tmp_path_factory: pytest.TempPathFactory, values: list[object], batch: int
) -> None:
    folder = tmp_path_factory.mktemp("copy")
    url = sqlite_table(folder, "measurement_id INTEGER, value_as_number REAL",
                       [(n, v) for n, v in enumerate(values)])
    original = omop_copy.BATCH_ROWS
    omop_copy.BATCH_ROWS = batch
    try:
        assert copied_rows(url, folder / "copy") == reader_rows(url)
    finally:
        omop_copy.BATCH_ROWS = original


@pytest.mark.postgres
def test_postgresql_writes_each_value_as_the_reader_reads_it(tmp_path: Path) -> None:
    """The COPY export: whole and fractional floats, a DECIMAL's digits, dates, times with and
    without a zone, text with a comma, a quote and a line break, NULLs and empty text read
    back from the CSV as the reader reads them from the database (a time with a zone as the
    same instant: the server writes '+00', Python '+00:00')."""
    url = typed_table(
        fresh_database(f"copy_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"),
        {"measurement_id": sqlalchemy.BigInteger, "value_as_number": sqlalchemy.Float,
         "range_high": sqlalchemy.Numeric(8, 2), "measurement_date": sqlalchemy.Date,
         "measurement_datetime": sqlalchemy.DateTime,
         "recorded": sqlalchemy.DateTime(timezone=True), "value_source_value": sqlalchemy.Text},
        [(1, 42.0, Decimal("450.00"), date(2026, 2, 1), datetime(2026, 2, 1, 7, 30),
          datetime(2026, 2, 1, 7, 30, tzinfo=UTC), "a, \"quoted\"\nline"),
         (2, 8.25, None, None, datetime(2026, 2, 1, 7, 30, 0, 500000), None, ""),
         (3, 1e-05, Decimal("0.10"), date(2026, 2, 3), None, None, None),
         (4, 0.1, Decimal("7"), None, None, None, "present")])
    tables = open_tables(url)
    assert isinstance(tables, DatabaseTables)
    path = omop_copy.copy_table(tables, "measurement", tmp_path)
    assert path.suffix == ".csv"
    copied, expected = reader_rows(str(tmp_path)), reader_rows(url)
    for got, want in zip(copied, expected, strict=True):
        for column in ("recorded", "measurement_datetime"):
            if want[column]:
                assert datetime.fromisoformat(got.pop(column)) == datetime.fromisoformat(
                    want.pop(column))
        assert got == want
