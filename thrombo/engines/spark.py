"""The cluster engine: the same compiled SQL text on Apache Spark (local[*] here).

Spark SQL understands every construct the compiler emits (CTEs, ROWS/RANGE frames over
integers, PERCENTILE, MIN_BY/MAX_BY; the normal CDF is plain SQL, normal_cdf.py), so only the
table registration, the dialect's spellings (observations.SPARK) and computing the patient-day
table once (`screen_frame`) are Spark-specific.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from thrombo.engines import reftables
from thrombo.engines.compile import days_sql, outcomes_sql, screen_sql
from thrombo.engines.input_tables import InputTables, day_number
from thrombo.engines.latest_sql import LatestByDay, latest_by_day, latest_sql
from thrombo.engines.observations import SPARK
from thrombo.engines.query_plan import Plan
from thrombo.engines.verdicts import outcomes_by_day, screening_result
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome, ScreeningResult

NAME = "spark"
# Small inputs: a handful of shuffle partitions beats Spark's default of 200 on 2 cores.
SHUFFLE_PARTITIONS = 4
LOCAL_DRIVER_MEMORY = "3g"
"""The driver's heap when this process drives the session (local or a cluster's master URL): the
compiled criteria are one large query whose analysis alone runs out of Spark's default 1 GB.
A `--driver-memory` in PYSPARK_SUBMIT_ARGS (or spark-submit's own) is left to win."""


def local_session(master: str = "local[*]") -> Any:
    """A session on `master`, driven from this process: local[n], or a cluster's master URL
    (spark://, yarn, k8s://), where the shuffle partitions and the web UI are left to the
    cluster's settings (spark-submit options reach them through PYSPARK_SUBMIT_ARGS)."""
    from pyspark.sql import SparkSession

    # Python workers must be this interpreter (the one with thrombo's dependencies).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("thrombo-screen")
        .config("spark.ui.showConsoleProgress", "false")
        # Days are computed from UTC microseconds, as on DuckDB.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false").config(
            "spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
    if "--driver-memory" not in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        builder = builder.config("spark.driver.memory", LOCAL_DRIVER_MEMORY)
    session = builder.getOrCreate()
    # Spark's INFO/WARN chatter would bury the benchmark's and the tests' own output.
    session.sparkContext.setLogLevel("ERROR")
    return session


def _register_reference(spark: Any) -> None:
    spark.createDataFrame(pd.DataFrame(reftables.bp_wide_rows())).createOrReplaceTempView("ref_bp")
    lms = pd.DataFrame([asdict(r) for r in reftables.lms_bucket_rows()])
    spark.createDataFrame(lms).createOrReplaceTempView("ref_lms")


def view(spark: Any, name: str, table: pa.Table) -> None:
    from pyspark.sql.types import (
        BooleanType,
        DoubleType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    types = {
        pa.string(): StringType(),
        pa.int32(): IntegerType(),
        pa.int64(): LongType(),
        pa.float64(): DoubleType(),
        pa.bool_(): BooleanType(),
    }
    schema = StructType([StructField(f.name, types[f.type], True) for f in table.schema])
    rows = [tuple(r.values()) for r in table.to_pylist()]
    spark.createDataFrame(rows, schema).createOrReplaceTempView(name)


class SparkEngine:
    name = NAME

    def __init__(self, spark: Any | None = None) -> None:
        self.spark = spark or local_session()
        _register_reference(self.spark)

    def register(self, tables: InputTables) -> None:
        for name in ("pat", "obs", "evt", "qd"):
            view(self.spark, name, getattr(tables, name))

    def _rows(self, sql: str) -> list[dict[str, Any]]:
        return [r.asDict() for r in self.spark.sql(sql).collect()]

    def screen(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]:
        self.register(tables)
        rows = [r.asDict() for r in self.screen_frame(criteria, as_of).collect()]
        return [screening_result(r, criteria) for r in rows]

    def screen_frame(self, criteria: CriteriaSet, as_of: date) -> Any:
        """The per-patient DataFrame over the registered views. The patient-day table is
        computed once, here, because the final step reads it five times and Spark inlines a
        CTE at every reference. A checkpoint rather than `cacheTable`: Spark matches a cached
        plan only if it is deterministic, and the observation rows' `seq` is not (a Parquet
        file's rows are numbered by monotonically_increasing_id), so the cache was silently
        bypassed and the whole day pipeline ran five more times."""
        plan, day = Plan.of(criteria), day_number(as_of) or 0
        days = self.spark.sql(days_sql(plan, day, SPARK)).localCheckpoint(eager=True)
        days.createOrReplaceTempView("thrombo_days")
        return self.spark.sql(screen_sql(plan, day, SPARK, days="thrombo_days"))

    def latest(self, tables: InputTables, criteria: CriteriaSet, as_of: date) -> LatestByDay:
        """The latest compared result and its limit per asked day and criterion (latest_sql)."""
        self.register(tables)
        return latest_by_day(self._rows(latest_sql(Plan.of(criteria), day_number(as_of) or 0)))

    def outcomes(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> dict[tuple[str, date], dict[str, Outcome]]:
        self.register(tables)
        plan = Plan.of(criteria)
        rows = self._rows(outcomes_sql(plan, day_number(as_of) or 0, SPARK))
        return outcomes_by_day(rows, criteria, (n.name for n in plan.features))
