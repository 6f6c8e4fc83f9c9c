"""Which path screens a source: the choice `thrombo screen --engine` makes.

A dataset folder or an OMOP CDM (folder or database) on DuckDB is screened straight from its
files or tables (lab feeds of tens of millions of rows never become Python objects); on Spark
with an output location, as the cluster job; everything else is read into timelines and handed
to the named engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thrombo.domain.heap import collector_paused
from thrombo.engines import screen_with
from thrombo.errors import ThromboUserError
from thrombo.io.csv_dataset import is_dataset_folder
from thrombo.population.options import BulkOptions
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import SetResult
from thrombo.store.sources import load_source


def screen_source(
    source: str, source_format: str | None, engine: str, sets: list[CriteriaSet],
    options: BulkOptions,
) -> tuple[list[SetResult], dict[str, object]]:
    """Each criteria set's results, and the input accounting (rows read, left out and why)."""
    folder = Path(source)
    if engine == "duckdb" and source_format in (None, "csv-dataset") and is_dataset_folder(folder):
        from thrombo.population.dataset_folder import screen_dataset_sets

        results, accounting = screen_dataset_sets(folder, sets, options)
        return results, accounting.to_json()
    if engine == "duckdb" and source_format == "omop":
        from thrombo.population.omop_cdm import screen_omop_sets

        results, accounting = screen_omop_sets(folder, sets, options)
        return results, accounting.to_json()
    with collector_paused():  # 500 simulated patients' folder: 26.4 -> 22.3 CPU-s, less memory
        loaded = load_source(source, tz=options.tz, fmt=source_format,
                             lab_ranges=options.lab_ranges)
    day = options.as_of
    return [screen_with(engine, loaded.timelines, s, day) for s in sets], loaded.input_json()


def screen_on_cluster(
    source: str, source_format: str | None, engine: str, criteria: CriteriaSet,
    options: BulkOptions, master: str | None, out: str | None,
) -> dict[str, Any]:
    """The Spark job (`spark_job.run`) run from this process, the driver, on `master`; its
    summary document (counts by status, rows read and left out, the rules)."""
    if engine != "spark" or out is None:
        raise ThromboUserError("--master and --out go together with --engine spark")
    if source_format not in (None, "csv-dataset", "omop"):
        raise ThromboUserError("the Spark job reads a dataset folder or (--format omop) an "
                               "OMOP CDM folder")
    if options.lab_ranges is not None:
        raise ThromboUserError("the Spark job reads the site lab ranges in the dataset folder "
                               "(thrombo-lab-ranges.toml), not --lab-ranges")
    from thrombo.engines.spark import local_session
    from thrombo.population.spark_job import run

    spark = local_session(master or "local[*]")
    try:
        return run(spark, Path(source), out, criteria, options.as_of, options.tz,
                   source_format or "csv-dataset")
    finally:
        spark.stop()
