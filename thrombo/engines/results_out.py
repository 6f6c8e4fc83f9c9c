"""The cluster job's results as a data engineer reads them: `thrombo screen --json`'s shape.

`OUT/patients/` is Parquet, one row per patient, with the fields and meanings of a patient in
`screen --json` (the README's "At population scale: Spark on a cluster" documents the schema);
`OUT/summary.json` holds the counts by status, the input accounting and the rules.

The engine's internal columns (`allo`, `n_days`, `r_k_0`, `hr_0`, day numbers ...) become
answers through `verdicts.screening_result`, the one mapping every SQL engine uses, on the
driver: the job's per-patient rows (one per patient, a few hundred bytes each) are collected
there, the observation rows never are. Spark then writes the answers to OUT, so OUT may be any
path Spark writes (HDFS, S3, a shared mount), and the executors never import thrombo.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, get_args

from thrombo.engines.verdicts import screening_result
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import ScreeningResult, Status

PATIENTS = "patients"
SUMMARY = "summary.json"
# The Parquet columns, in order, with their Spark SQL types (README documents each).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("patient_id", "STRING"),
    ("status", "STRING"),
    ("first_met", "DATE"),
    ("active", "BOOLEAN"),
    ("criteria_met", "ARRAY<STRING>"),
    ("criteria_indeterminate", "ARRAY<STRING>"),
    ("high_risk", "BOOLEAN"),
    ("high_risk_features", "ARRAY<STRING>"),
    ("assessed_on", "DATE"),
    ("as_of", "DATE"),
    ("rules_name", "STRING"),
    ("rules_version", "STRING"),
    ("rules_options", "STRING"),
)
DDL = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)


def answers(rows: Iterable[Mapping[str, object]], criteria: CriteriaSet) -> list[ScreeningResult]:
    """The job's per-patient rows as ScreeningResults, ordered by patient id."""
    return sorted((screening_result(r, criteria) for r in rows), key=lambda r: r.patient_id)


def record(result: ScreeningResult, criteria: CriteriaSet, as_of: date) -> tuple[Any, ...]:
    """One Parquet row: a patient of `screen --json` (without the evidence, which only the
    reference evaluator gives), with the rules it was screened under."""
    rules = criteria.rules_json()
    return (
        result.patient_id, result.status, result.first_met, result.active,
        list(result.criteria_met), list(result.criteria_indeterminate), result.high_risk,
        list(result.high_risk_features), result.assessed_on, as_of, str(rules["name"]),
        str(rules["version"]), json.dumps(rules["options"], sort_keys=True),
    )


def summary(
    results: list[ScreeningResult], criteria: CriteriaSet, as_of: date,
    accounting: Mapping[str, object],
) -> dict[str, object]:
    counts = Counter(r.status for r in results)
    return {
        "rules": criteria.rules_json(),
        "as_of": as_of.isoformat(),
        "patients": len(results),
        # Every status, zero included, so a reader need not know which ones exist.
        "status_counts": {s: counts.get(s, 0) for s in get_args(Status)},
        "input": dict(accounting),
        "warnings": list(criteria.warnings),
        "results": PATIENTS,
        "columns": [name for name, _ in COLUMNS],
    }


def write(
    spark: Any, frame: Any, criteria: CriteriaSet, as_of: date,
    accounting: Mapping[str, object], out: str,
) -> dict[str, object]:
    """Run the job's per-patient frame, write OUT/patients (Parquet) and OUT/summary.json;
    returns the summary. An existing OUT/patients is replaced."""
    results = answers((r.asDict() for r in frame.collect()), criteria)
    rows = [record(r, criteria, as_of) for r in results]
    base = out.rstrip("/")
    # One file: a population's answers are small, and one part is easier to hand on.
    spark.createDataFrame(rows, DDL).coalesce(1).write.mode("overwrite").parquet(
        f"{base}/{PATIENTS}")
    document = summary(results, criteria, as_of, accounting)
    write_text(spark, f"{base}/{SUMMARY}", json.dumps(document, indent=2) + "\n")
    return document


def write_text(spark: Any, path: str, text: str) -> None:
    """A small file through Hadoop's file system API, so that it goes wherever Spark writes
    (file:, hdfs:, s3a: ...), from the driver."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(path)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(target, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()
