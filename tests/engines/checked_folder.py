"""DuckDB's one check pass over a dataset folder's observation rows, as `screen --engine duckdb`
runs it (thrombo.population.checked_rows), for tests that read the checked table row by row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from thrombo.engines.duck import connect
from thrombo.population import checked_rows
from thrombo.population.dataset_folder import (
    folder_context,
    read_side_files,
    register_observations,
    register_side,
)


@contextmanager
def checked_folder(folder: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose checked_rows.CHECKED holds every row of the folder's observations.csv
    with its kind (NULL: usable), in UTC."""
    ctx = folder_context(folder, "UTC")
    con = connect()
    with checked_rows.scratch_space(con):
        con.execute("SET TimeZone = 'UTC'")
        register_side(con, read_side_files(folder, ctx), ctx.tz)
        register_observations(con, folder / "observations.csv", ctx)
        checked_rows.check_once(con, ctx.lab_ranges)
        yield con
