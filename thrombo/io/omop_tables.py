"""Where the tables of an OMOP CDM are: a folder of CSV or Parquet files (any case of name), or
a SQL database. `open_tables(source)` gives either as `Tables`: which tables there are, and their
rows as dicts keyed by lower-case column names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from thrombo.errors import SourceError

TABLES = ("person", "death", "measurement", "drug_exposure", "procedure_occurrence",
          "condition_occurrence", "concept", "concept_relationship")
SUFFIXES = (".csv", ".parquet")
Row = Mapping[str, Any]


class Tables:
    """Rows of the CDM tables, whatever holds them."""

    origin: str

    def has(self, table: str) -> bool:
        raise NotImplementedError

    def rows(self, table: str) -> Iterator[Row]:
        raise NotImplementedError


class FolderTables(Tables):
    """`person.csv`, `MEASUREMENT.parquet`, ...: names as the CDM spells them, any case."""

    def __init__(self, folder: Path) -> None:
        self.origin = str(folder)
        self.files: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            name, suffix = path.stem.lower(), path.suffix.lower()
            if name in TABLES and suffix in SUFFIXES:
                self.files.setdefault(name, path)

    def has(self, table: str) -> bool:
        return table in self.files

    def rows(self, table: str) -> Iterator[Row]:
        import duckdb

        path = self.files[table]
        try:
            cursor = duckdb.connect().execute(f"SELECT * FROM {table_sql(path)}")
            names = [d[0].lower() for d in cursor.description]
            while batch := cursor.fetchmany(10_000):
                for values in batch:
                    yield dict(zip(names, values, strict=True))
        except duckdb.Error as exc:
            raise SourceError(f"{path}: cannot be read as an OMOP table ({exc})") from exc


def table_sql(path: Path) -> str:
    """A CDM table file as DuckDB reads it: Parquet with its types; CSV as text, its header the
    first line and every row held to the header's fields. Left to itself, DuckDB's CSV sniffer
    took a malformed last row for the header and read a whole table as empty; now such a
    table is refused. The delimiter is the header line's: a tab (Athena's vocabulary files
    and many CDM exports) or a comma."""
    quoted = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{quoted}')"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    delimiter = "\t" if "\t" in header and "," not in header else ","
    return (f"read_csv('{quoted}', all_varchar = true, header = true, skip = 0, "
            f"delim = '{delimiter}', quote = '\"', escape = '\"', strict_mode = true)")


class DatabaseTables(Tables):
    """A CDM in a SQL database (SQLAlchemy URL), optionally in a named schema."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.exc import SQLAlchemyError

        self.origin = url
        self.schema = schema
        try:
            self.engine = create_engine(url)
            self.names = {n.lower(): n for n in inspect(self.engine).get_table_names(schema)}
        except SQLAlchemyError as exc:
            raise SourceError(f"{url}: cannot open the OMOP database ({exc})") from exc

    def has(self, table: str) -> bool:
        return table in self.names

    def rows(self, table: str) -> Iterator[Row]:
        names = [name for name, _ in self.columns(table)]
        for batch in self.batches(table, 10_000):
            for values in batch:
                yield dict(zip(names, values, strict=True))

    def table(self, table: str) -> Any:
        """The table as SQLAlchemy reflects it."""
        from sqlalchemy import MetaData, Table

        return Table(self.names[table], MetaData(schema=self.schema), autoload_with=self.engine)

    def columns(self, table: str) -> list[tuple[str, Any]]:
        """(name in lower case, SQLAlchemy type) of each column, in the table's order."""
        return [(c.name.lower(), c.type) for c in self.table(table).columns]

    def batches(self, table: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in batches of `size`, values in the order of `columns`, streamed."""
        from sqlalchemy import select

        with self.engine.connect() as con:
            result = con.execution_options(stream_results=True).execute(
                select(self.table(table)))
            while batch := result.fetchmany(size):
                yield [tuple(row) for row in batch]


def open_tables(source: str) -> Tables:
    path = Path(source)
    if "://" in source:
        return DatabaseTables(source)
    if path.is_dir():
        return FolderTables(path)
    raise SourceError(f"{source}: an OMOP source is a folder of CDM tables or a database URL")


