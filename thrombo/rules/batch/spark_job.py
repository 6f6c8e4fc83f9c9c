"""Screen a dataset folder on Spark: the entry point for spark-submit and the 1-vs-2-core timing.

    python -m thrombo.rules.batch.spark_job DATASET --out RESULTS [--master local[2]]
    spark-submit --master yarn thrombo/rules/batch/spark_job.py DATASET --out hdfs:///...

DATASET is a dataset folder (patients.csv and observations.parquet or .csv, interface.md
section 1), read by Spark itself so the observations never pass through the driver; codes and
units become analytes and canonical units through the same small mapping table as on DuckDB.
The query is the compiled harmonized-2023 (or `--criteria`) SQL in the Spark dialect; results
(one row per patient) are written as Parquet to `--out`. `benchmarks/spark_submit.sh` wraps it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from thrombo.rules.batch.source import US_PER_DAY, code_map_rows, observations_path, patients_table
from thrombo.rules.batch.spark import SparkEngine, local_session
from thrombo.rules.batch.tables import EPOCH_DAY
from thrombo.rules.registry import criteria_set


def register_dataset(spark: Any, folder: Path) -> date:
    """Views `pat`, `obs`, `evt`, `qd` over the folder; returns the latest observation day."""
    path = observations_path(folder)
    raw = (spark.read.parquet(str(path)) if path.suffix == ".parquet"
           else spark.read.option("header", True).csv(str(path)))
    raw.createOrReplaceTempView("raw_obs")
    pairs = spark.sql("SELECT DISTINCT CAST(code AS STRING) AS code, CAST(unit AS STRING) AS unit "
                      "FROM raw_obs").collect()
    mapping = code_map_rows((r["code"], r["unit"]) for r in pairs).to_pandas()
    spark.createDataFrame(mapping).createOrReplaceTempView("code_map")
    spark.createDataFrame(patients_table(folder).to_pandas()).createOrReplaceTempView("pat")
    t_us = "unix_micros(CAST(r.time AS TIMESTAMP))"
    spark.sql(f"""
        CREATE OR REPLACE TEMP VIEW obs AS
        SELECT CAST(r.patient_id AS STRING) AS patient_id, r.seq, m.analyte, {t_us} AS t_us,
               CAST(FLOOR({t_us} / {US_PER_DAY}) AS INT) AS day,
               CAST(r.value AS DOUBLE) * m.factor AS value, m.canonical AS unit,
               CAST(NULL AS STRING) AS category,
               CAST(r.ref_low AS DOUBLE) * m.factor AS ref_low,
               CAST(r.ref_high AS DOUBLE) * m.factor AS ref_high
        FROM (SELECT *, monotonically_increasing_id() AS seq FROM raw_obs) r JOIN code_map m
          ON m.code = CAST(r.code AS STRING) AND m.unit = CAST(r.unit AS STRING)""")
    spark.sql("CREATE OR REPLACE TEMP VIEW evt AS SELECT CAST(NULL AS STRING) AS patient_id, "
              "CAST(NULL AS INT) AS day, CAST(NULL AS STRING) AS event, "
              "CAST(NULL AS INT) AS grade WHERE FALSE")
    spark.sql("CREATE OR REPLACE TEMP VIEW qd AS SELECT CAST(NULL AS STRING) AS patient_id, "
              "CAST(NULL AS INT) AS day WHERE FALSE")
    latest = spark.sql("SELECT MAX(day) AS d FROM obs").collect()[0]["d"]
    return EPOCH_DAY if latest is None else date.fromordinal(EPOCH_DAY.toordinal() + int(latest))


def screen_folder(spark: Any, folder: Path, criteria_name: str, as_of: date | None) -> Any:
    """The per-patient result DataFrame (assemble.screening_result reads its rows)."""
    engine = SparkEngine(spark)  # registers the reference tables and the normal CDF
    latest = register_dataset(spark, folder)
    return engine.screen_frame(criteria_set(criteria_name), as_of or latest)


def time_local(folder: Path, cores: int) -> tuple[float, float]:
    """(session start-up, screening) seconds on Spark local[cores]."""
    started = time.perf_counter()
    spark = local_session(f"local[{cores}]")
    startup = time.perf_counter() - started
    try:
        started = time.perf_counter()
        # The no-op sink runs the whole plan; `count()` lets Spark 4.3 prune columns through
        # the CTEs and fail plan validation (PushdownPredicatesAndPruneColumnsForCTEDef).
        result = screen_folder(spark, folder, "harmonized-2023", None)
        result.write.format("noop").mode("overwrite").save()
        return startup, time.perf_counter() - started
    finally:
        spark.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--out", required=True, help="where the per-patient Parquet goes")
    parser.add_argument("--master", default=None, help="e.g. local[2]; spark-submit sets it")
    parser.add_argument("--criteria", default="harmonized-2023")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    spark = local_session(args.master) if args.master else _submitted_session()
    started = time.perf_counter()
    result = screen_folder(spark, args.dataset, args.criteria, args.as_of)
    result.write.mode("overwrite").parquet(args.out)
    counts = pd.DataFrame(spark.read.parquet(args.out).groupBy("allo").count().collect())
    print(f"screened {int(counts[1].sum()) if len(counts) else 0} patients in "
          f"{time.perf_counter() - started:.1f} s; results in {args.out}")
    spark.stop()
    return 0


def _submitted_session() -> Any:
    from pyspark.sql import SparkSession

    # Days are computed from UTC microseconds, as on DuckDB: the session time zone must be UTC.
    return (SparkSession.builder.appName("thrombo-screen")
            .config("spark.sql.session.timeZone", "UTC").getOrCreate())


if __name__ == "__main__":
    sys.exit(main())
