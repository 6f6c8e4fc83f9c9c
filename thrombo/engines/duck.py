"""The embedded engine: the compiled SQL on DuckDB.

Reference tables are registered once per connection; everything else, the normal CDF of the
height z-score included (normal_cdf.py), is plain SQL, so DuckDB runs the query on every core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from thrombo.engines import reftables
from thrombo.engines.compile import (
    PATIENTS,
    Staged,
    outcomes_sql,
    patients_sql,
    screen_sql,
    stage_sqls,
)
from thrombo.engines.input_tables import InputTables, day_number
from thrombo.engines.latest_sql import LatestByDay, latest_by_day, latest_sql
from thrombo.engines.query_plan import Plan
from thrombo.engines.verdicts import outcomes_by_day, screening_result
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome, ScreeningResult

NAME = "duckdb"


def connect(
    memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection with the reference tables registered."""
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    bp = pa.Table.from_pylist(reftables.bp_wide_rows())
    lms = pa.Table.from_pylist([asdict(r) for r in reftables.lms_bucket_rows()])
    con.register("ref_bp_arrow", bp)
    con.register("ref_lms_arrow", lms)
    con.execute("CREATE TABLE ref_bp AS SELECT * FROM ref_bp_arrow")
    con.execute("CREATE TABLE ref_lms AS SELECT * FROM ref_lms_arrow")
    return con


def register(con: duckdb.DuckDBPyConnection, tables: InputTables) -> None:
    for name in ("pat", "obs", "evt", "qd"):
        con.register(name, getattr(tables, name))


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """A query's rows as dicts by column name (what verdicts.py reads)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def staged_rows(
    con: duckdb.DuckDBPyConnection, plan: Plan, as_of: int, final: Callable[[Staged], str]
) -> list[dict[str, Any]]:
    """Each observation group into a temporary table (`compile.stage_sqls`), then `final`'s
    query over them; the tables are dropped whatever happens."""
    staged: dict[str, str] = {}
    try:
        # The patients first (with their derived engraftment dates), read by every group.
        patients = f"thrombo_stage_{PATIENTS}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {patients} AS {patients_sql(plan, as_of)}")
        staged[PATIENTS] = patients
        for name, sql in stage_sqls(plan, as_of, staged=staged):
            table = f"thrombo_stage_{name}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
            staged[name] = table
        return rows(con, final(staged))
    finally:
        for table in staged.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")


def screen_plan(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: int) -> list[dict[str, Any]]:
    """`compile.screen_sql`'s rows over the tables registered on the connection."""
    return staged_rows(con, plan, as_of, lambda staged: screen_sql(plan, as_of, staged=staged))


class DuckDBEngine:
    name = NAME

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.con = con or connect()

    def screen_rows(self, criteria: CriteriaSet, as_of: date) -> list[dict[str, Any]]:
        """Per-patient rows over the tables already registered on the connection."""
        return screen_plan(self.con, Plan.of(criteria), day_number(as_of) or 0)

    def screen(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]:
        register(self.con, tables)
        return [screening_result(r, criteria) for r in self.screen_rows(criteria, as_of)]

    def latest(self, tables: InputTables, criteria: CriteriaSet, as_of: date) -> LatestByDay:
        """The latest compared result and its limit per asked day and criterion (latest_sql)."""
        register(self.con, tables)
        sql = latest_sql(Plan.of(criteria), day_number(as_of) or 0)
        return latest_by_day(rows(self.con, sql))

    def outcomes(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> dict[tuple[str, date], dict[str, Outcome]]:
        """Each criterion's and feature's outcome on the query days in `tables.qd`."""
        register(self.con, tables)
        plan = Plan.of(criteria)
        day = day_number(as_of) or 0
        found = staged_rows(
            self.con, plan, day, lambda staged: outcomes_sql(plan, day, staged=staged)
        )
        return outcomes_by_day(found, criteria, (n.name for n in plan.features))

