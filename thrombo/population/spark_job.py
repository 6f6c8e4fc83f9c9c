"""Screen a dataset folder on Spark: the entry point for spark-submit and the 1-vs-2-core timing.

    python -m thrombo.population.spark_job DATASET --out RESULTS [--master local[2]]
    spark-submit --master yarn thrombo/population/spark_job.py DATASET --out hdfs:///...

DATASET is a dataset folder (patients.csv and observations.parquet or .csv, interface.md
section 1), or with `--format omop` an OMOP CDM folder (its measurement table in the place of
the observations, persons and procedures through the OMOP reader). Patients, events and
medications go through the normal reader (they are small); the observations are read by Spark
itself so they never pass through the driver, each row checked against the same per-(code,
unit) table as `thrombo screen --engine duckdb` (analyte, unit conversion, plausible range).
Rows left out are counted by reason and printed; a copy of a row already read (the same OMOP
measurement_id, or without one the same content) is left out as the normal reader counts it.
The query is the compiled harmonized-2023 (or
`--criteria`) SQL in the Spark dialect; the results are written to `--out` in the shape of
`screen --json` (results_out: OUT/patients, Parquet, one row per patient, and
OUT/summary.json). `thrombo screen DATASET --engine spark --master URL --out OUT` runs the same
job in process; this entry point is for spark-submit (e.g. YARN's cluster deploy mode).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from thrombo.engines import results_out
from thrombo.engines.input_tables import EPOCH_DAY, QD_SCHEMA
from thrombo.engines.spark import SparkEngine, local_session, view
from thrombo.errors import SourceError
from thrombo.io.omop import FolderTables, cdm_concepts, measurement_code_sql
from thrombo.normalize import row_checks as rc
from thrombo.normalize.canonical_records import Context
from thrombo.population.dataset_folder import folder_context, read_side_files, side_tables
from thrombo.population.dataset_views import observations_path
from thrombo.population.omop_cdm import CONCEPT_COLUMNS, operator_prefix_sql, read_side
from thrombo.population.row_check_sql import SPARK, checked_observations_sql, copy_kind_sql
from thrombo.population.site_ranges import with_site_limits
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import timezone

# Not a row left out: censored rows are read, with no value to compute with (undecided here).
CENSORED_READ = "censored value read as a bound, decided by interval logic"
# Not refused either: a copy of a row already read, counted as the normal reader counts it.
DUPLICATE = rc.DUPLICATE_WORDS
OMOP_LOOKUP = pa.schema([("raw", pa.string()), ("vocabulary_id", pa.string()),
                         ("concept_code", pa.string()), ("concept_name", pa.string())])


def register_dataset(spark: Any, folder: Path, tz: str = "UTC") -> tuple[date, dict[str, int]]:
    """Views `pat`, `obs`, `evt`, `qd` over the folder; returns the latest observation day and
    the observation rows not screened, counted by reason.

    Patients, events and medications go through the normal reader (they are small); the
    observations are read by Spark, each row checked as every reader checks it (the row check
    of normalize.row_checks: code, coded result, value, unit, plausible range, reference
    limits) and its patient looked up in patients.csv; every row left out is counted with its
    reason."""
    zone = timezone(tz)
    ctx = folder_context(folder, tz)
    register_side(spark, side_tables(read_side_files(folder, ctx), zone))
    path = observations_path(folder)
    raw = (spark.read.parquet(str(path)) if path.suffix == ".parquet"
           else spark.read.option("header", True).csv(str(path)))
    raw.createOrReplaceTempView("raw_obs")
    return check_observations(spark, ctx)


def register_omop(spark: Any, folder: Path, tz: str = "UTC") -> tuple[date, dict[str, int]]:
    """The same views over an OMOP CDM folder: persons, deaths, drug exposures, procedures and
    conditions through the OMOP reader; the measurement table read by Spark, each row given
    the code, value, unit, limits and time the OMOP reader would give it (the concept ids
    looked up once each in the reader's concepts), then checked as a dataset's observations."""
    zone = timezone(tz)
    ctx = folder_context(folder, tz)
    tables = FolderTables(folder)
    concepts = cdm_concepts(tables)
    register_side(spark, side_tables(read_side(tables, concepts, ctx), zone))
    if "measurement" not in tables.files:
        raise SourceError(f"{folder}: no measurement table to screen")
    path = tables.files["measurement"]
    table = (spark.read.parquet(str(path)) if path.suffix.lower() == ".parquet"
             else spark.read.option("header", True).csv(str(path)))
    table = table.toDF(*[c.lower() for c in table.columns])
    table.createOrReplaceTempView("measurement")
    present = [c for c in CONCEPT_COLUMNS if c in table.columns]
    distinct = (table.selectExpr(*(f"collect_set({c}) AS {c}" for c in present)).collect()[0]
                if present else {})  # one job for every concept-id column
    for column in CONCEPT_COLUMNS:
        found = [(i, concepts.code(i)) for i in (distinct[column] if column in present else [])]
        view(spark, f"omop_{column}", pa.Table.from_pylist(
            [{"raw": str(i), "vocabulary_id": c.vocabulary_id, "concept_code": c.concept_code,
              "concept_name": c.concept_name} for i, c in found if c is not None], OMOP_LOOKUP))

    kinds = dict(table.dtypes)

    def text(column: str) -> str:
        """The OMOP reader's text of a cell (thrombo.io.omop.cell_text): a whole float
        without its '.0', so that a person id 1.0 is patient '1'."""
        if column not in kinds:
            return "CAST(NULL AS STRING)"
        cell = f"m.{column}"
        if kinds[column] in ("double", "float"):
            return (f"CASE WHEN {cell} = FLOOR({cell}) AND ABS({cell}) < 1e15 "
                    f"THEN CAST(CAST({cell} AS BIGINT) AS STRING) ELSE CAST({cell} AS STRING) END")
        return f"NULLIF(TRIM(CAST({cell} AS STRING)), '')"

    def joined(column: str, alias: str) -> str:
        on = f"{alias}.raw = CAST(m.{column} AS STRING)" if column in table.columns else "FALSE"
        return f"LEFT JOIN omop_{column} {alias} ON {on}"

    spark.sql(f"""
        SELECT {text('person_id')} AS patient_id,
               COALESCE({text('measurement_datetime')}, {text('measurement_date')}) AS time,
               {measurement_code_sql('mc', text('measurement_source_value'),
                                     text('measurement_concept_id'))} AS code,
               COALESCE({operator_prefix_sql(text('operator_concept_id'))}
                          || {text('value_as_number')}, {text('value_source_value')},
                        NULLIF(TRIM(vc.concept_name), '')) AS value,
               COALESCE({text('unit_source_value')}, uc.concept_code) AS unit,
               {text('range_low')} AS ref_low, {text('range_high')} AS ref_high,
               {text('measurement_id')} AS ident
        FROM measurement m {joined('measurement_concept_id', 'mc')}
             {joined('unit_concept_id', 'uc')}
             {joined('value_as_concept_id', 'vc')}""").createOrReplaceTempView("raw_obs")
    return check_observations(spark, ctx, value_required=False)


def register_side(spark: Any, tables: tuple[pa.Table, pa.Table]) -> None:
    pat, evt = tables
    view(spark, "pat", pat)
    view(spark, "evt", evt)
    view(spark, "qd", pa.Table.from_pylist([], QD_SCHEMA))


def _projected(identified: bool) -> str:
    """`raw_obs` (patient_id, time, code, value, unit, ref_low, ref_high, and with
    `identified` ident) as the columns the row check reads (population.row_check_sql).
    TRY_CAST throughout: under Spark's ANSI mode a plain CAST of one bad cell fails the whole
    job; here it is a counted reason."""
    def text(column: str) -> str:
        return f"NULLIF(TRIM(CAST({column} AS STRING)), '')"

    return f"""
        SELECT monotonically_increasing_id() AS seq, CAST(NULL AS INT) AS fields,
               {text('patient_id')} AS pid, {text('time')} AS time_text,
               TRY_CAST(time AS TIMESTAMP) AS moment, {text('code')} AS code,
               {text('value')} AS value_text, TRY_CAST({text('value')} AS DOUBLE) AS num,
               {text('unit')} AS unit, {text('ref_low')} AS ref_low_text,
               TRY_CAST({text('ref_low')} AS DOUBLE) AS low_num,
               {text('ref_high')} AS ref_high_text,
               TRY_CAST({text('ref_high')} AS DOUBLE) AS high_num,
               {text('ident') if identified else 'CAST(NULL AS STRING)'} AS ident
        FROM raw_obs"""


def check_observations(
    spark: Any, ctx: Context, value_required: bool = True
) -> tuple[date, dict[str, int]]:
    """`obs` from the view `raw_obs`: the rows that pass the row check (the one definition in
    normalize.row_checks, as `thrombo screen --engine duckdb` applies it) and whose patient is
    known; the latest day and the rows left out by reason (row_checks.PROBLEMS' words)."""
    identified = "ident" in spark.table("raw_obs").columns
    spark.sql(_projected(identified)).createOrReplaceTempView("raw_rows")
    pairs = spark.sql("SELECT DISTINCT code, unit FROM raw_rows").collect()
    view(spark, "obs_checks", rc.check_table(((r["code"], r["unit"]) for r in pairs),
                                             ctx.codemap))
    view(spark, "obs_categories", rc.category_table())
    view(spark, "obs_answers", rc.answer_table())
    checked = checked_observations_sql("SELECT * FROM raw_rows", 0, value_required, SPARK,
                                       patients="pat")
    # Read and checked once: the query reads `obs` once per observation group and Spark would
    # repeat the file scan and the checks at each reference (and number the rows anew).
    spark.sql(_copies_marked(f"""
        SELECT o.*, o.pid AS patient_id, o.canonical AS unit_canonical, p.birth_day, p.sex,
               COALESCE(o.problem, CASE WHEN p.patient_id IS NULL
                                        THEN '{rc.UNKNOWN_PATIENT.name}' END) AS read_kind
        FROM ({checked}) o LEFT JOIN pat p ON p.patient_id = o.pid""", identified)).localCheckpoint(
        eager=True).createOrReplaceTempView("obs_read")
    limits = {name: with_site_limits(ctx.lab_ranges, "o", "o", name)
              for name in ("ref_low", "ref_high")}
    spark.sql("CREATE OR REPLACE TEMP VIEW obs AS SELECT patient_id, seq, analyte, t_us, day, "
              f"value, unit_canonical AS unit, category, {limits['ref_low']} AS ref_low, "
              f"{limits['ref_high']} AS ref_high, cmp, bound FROM obs_read o WHERE kind IS NULL")
    left_out: dict[str, int] = {}
    for r in spark.sql("SELECT kind, skip, COUNT(*) AS n FROM obs_read WHERE kind IS NOT NULL "
                       "GROUP BY kind, skip").collect():
        words = rc.WORDS.get(r["kind"], DUPLICATE)
        reason = f"{words}: {r['skip']}" if r["kind"] == rc.SKIPPED.name else words
        left_out[reason] = left_out.get(reason, 0) + int(r["n"])
    censored = spark.sql("SELECT COUNT(*) AS n FROM obs_read WHERE kind IS NULL "
                         "AND cmp IS NOT NULL").collect()[0]["n"]
    if censored:
        left_out[CENSORED_READ] = int(censored)
    latest = spark.sql("SELECT MAX(day) AS d FROM obs").collect()[0]["d"]
    day = EPOCH_DAY if latest is None else date.fromordinal(EPOCH_DAY.toordinal() + int(latest))
    return day, left_out


def _copies_marked(read: str, identified: bool) -> str:
    """`read` (its kind as `read_kind`) with the duplicates the normal reader counts given a
    kind of their own (row_check_sql.copy_kind_sql, as on DuckDB: rc.REPEATED_ID and
    rc.REPEATED_CONTENT, copies of usable rows and of rows refused only for their patient
    alike), never screened."""
    copy = copy_kind_sql("r.read_kind", "r.pid", "r.unit", identified)
    return f"SELECT r.*, COALESCE({copy}, r.read_kind) AS kind FROM ({read}) r"


def screen_folder(
    spark: Any, folder: Path, criteria_name: str, as_of: date | None, tz: str = "UTC",
    fmt: str = "csv-dataset",
) -> tuple[Any, dict[str, int]]:
    """The per-patient result DataFrame (verdicts.screening_result reads its rows), and the
    observation rows not screened by reason; `fmt` csv-dataset or omop (a CDM folder)."""
    frame, left_out, _ = screened(spark, folder, criteria_set(criteria_name), as_of, tz, fmt)
    return frame, left_out


def screened(
    spark: Any, folder: Path, criteria: CriteriaSet, as_of: date | None, tz: str = "UTC",
    fmt: str = "csv-dataset",
) -> tuple[Any, dict[str, int], date]:
    """`screen_folder` with the criteria given, also returning the day screened as of (the
    latest observation day when `as_of` is None)."""
    engine = SparkEngine(spark)  # registers the reference tables
    register = register_omop if fmt == "omop" else register_dataset
    latest, left_out = register(spark, folder, tz)
    day = as_of or latest
    return engine.screen_frame(criteria, day), left_out, day


def run(
    spark: Any, folder: Path, out: str, criteria: CriteriaSet, as_of: date | None,
    tz: str = "UTC", fmt: str = "csv-dataset",
) -> dict[str, object]:
    """Screen the folder and write the public result shape to OUT (results_out): OUT/patients
    (Parquet, one row per patient, as `screen --json`) and OUT/summary.json, which is returned."""
    frame, left_out, day = screened(spark, folder, criteria, as_of, tz, fmt)
    return results_out.write(spark, frame, criteria, day, accounting(spark, left_out), out)


def accounting(spark: Any, left_out: dict[str, int]) -> dict[str, object]:
    """What the job read: observation rows screened (censored ones included) and left out by
    reason, and the patients listed (their folder's patients or the CDM's persons)."""
    def count(sql: str) -> int:
        return int(spark.sql(sql).collect()[0]["n"])

    return {
        "patients_listed": count("SELECT COUNT(*) AS n FROM pat"),
        "observation_rows_screened": count("SELECT COUNT(*) AS n FROM obs"),
        "observation_rows_censored": left_out.get(CENSORED_READ, 0),
        "observation_rows_not_screened": {k: n for k, n in sorted(left_out.items())
                                          if k != CENSORED_READ},
    }


def time_local(folder: Path, cores: int) -> tuple[float, float]:
    """(session start-up, screening) seconds on Spark local[cores]."""
    started = time.perf_counter()
    spark = local_session(f"local[{cores}]")
    startup = time.perf_counter() - started
    try:
        started = time.perf_counter()
        # The no-op sink runs the whole plan; `count()` lets Spark 4.3 prune columns through
        # the CTEs and fail plan validation (PushdownPredicatesAndPruneColumnsForCTEDef).
        result, _ = screen_folder(spark, folder, "harmonized-2023", None)
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
    parser.add_argument("--timezone", dest="tz", default="UTC",
                        help="site time zone of the side files' times without an offset")
    parser.add_argument("--format", dest="fmt", choices=("csv-dataset", "omop"),
                        default="csv-dataset", help="a dataset folder or an OMOP CDM folder")
    args = parser.parse_args(argv)
    spark = local_session(args.master) if args.master else _submitted_session()
    started = time.perf_counter()
    try:
        document = run(spark, args.dataset, args.out, criteria_set(args.criteria), args.as_of,
                       args.tz, args.fmt)
    finally:
        spark.stop()
    print(f"screened {document['patients']} patients in {time.perf_counter() - started:.1f} s; "
          f"results in {args.out}")
    for line in report_lines(document):
        print(line)
    return 0


def report_lines(document: dict[str, Any]) -> list[str]:
    """The summary in words: counts by status and the observation rows left out."""
    counts = ", ".join(f"{s} {n}" for s, n in document["status_counts"].items())
    read = document["input"]
    lines = [f"as of {document['as_of']} under {document['rules']['name']}: {counts}"]
    if read["observation_rows_censored"]:
        lines.append(f"observation rows: {read['observation_rows_censored']} "
                     f"({CENSORED_READ})")
    lines += [f"observation rows not screened: {n} ({problem})"
              for problem, n in read["observation_rows_not_screened"].items()]
    return lines


def _submitted_session() -> Any:
    from pyspark.sql import SparkSession

    # Days are computed from UTC microseconds, as on DuckDB: the session time zone must be UTC.
    return (SparkSession.builder.appName("thrombo-screen")
            .config("spark.sql.session.timeZone", "UTC").getOrCreate())


if __name__ == "__main__":
    sys.exit(main())
