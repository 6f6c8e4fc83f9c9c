"""`thrombo screen SOURCE [--criteria NAME|all] [--as-of DATE] [--json]`: TA-TMA screening."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.options import parse_as_of
from thrombo.cli.output import print_json, stdout
from thrombo.cli.records import Column, human, print_records
from thrombo.engines import ENGINES
from thrombo.errors import ThromboUserError
from thrombo.population.screen import screen_on_cluster, screen_source
from thrombo.population.spark_job import report_lines
from thrombo.rules.compare import disagreements
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import DEFAULT, all_sets, criteria_set
from thrombo.rules.results import SetResult
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.store.sources import LAB_RANGES_HELP


@app.command("screen")
def screen_command(
    source: Annotated[str, typer.Argument(
        help="Dataset folder, FHIR file or folder, store URL; an OMOP CDM folder or database "
             "URL with --format omop.")],
    criteria: Annotated[
        str,
        typer.Option(
            "--criteria",
            help="harmonized-2023 (default), jodele-2014, bmtctn-2005, iwg-2007, or all.",
        ),
    ] = DEFAULT,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Use what was known by the end of this day.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Evaluator: reference (default), duckdb or spark. "
                          "DuckDB reads a dataset folder's or a CDM's lab rows in place.")
    ] = "reference",
    diagnosis_date: Annotated[
        str,
        typer.Option("--diagnosis-date", help="second-time-point (default) or first-time-point."),
    ] = "second-time-point",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    tz: Annotated[
        str, typer.Option("--timezone", help="Site time zone for times without an offset.")
    ] = "UTC",
    source_format: Annotated[
        str | None, typer.Option("--format", help="csv-dataset, fhir-bundle, fhir-ndjson or omop.")
    ] = None,
    lab_ranges: Annotated[Path | None, typer.Option("--lab-ranges", help=LAB_RANGES_HELP)] = None,
    master: Annotated[str | None, typer.Option(
        "--master", help="With --engine spark --out: the Spark master, e.g. spark://host:7077, "
                         "yarn, k8s://https://host:443 (default local[*]).")] = None,
    out: Annotated[str | None, typer.Option(
        "--out", help="With --engine spark: run the cluster job and write OUT/patients "
                      "(Parquet, one row per patient) and OUT/summary.json there.")] = None,
) -> None:
    """Screen every patient for TA-TMA under one criteria set, or all of them side by side.

    Censored results ('<10', '>2500', FHIR valueQuantity.comparator, OMOP operator_concept_id)
    are kept as bounds: the reference engine decides a criterion on one by interval logic
    (platelets '<10' is below 50: met; '<10' against 5: indeterminate); the duckdb and spark
    engines read such a row but leave it undecided (indeterminate).

    On a cluster: `--engine spark --master URL --out DIR` screens a dataset folder (or an OMOP
    CDM folder with --format omop) as a Spark job from this process (the driver). The driver
    reads SOURCE's small tables and the executors its observation rows, so SOURCE must be a
    folder at the same path on every node (a shared mount); DIR may be a shared path or any
    URL Spark writes (hdfs://, s3a://). DIR/patients holds the fields of --json's patients
    (status, first_met, active, criteria_met, criteria_indeterminate, high_risk,
    high_risk_features, assessed_on, the rules); DIR/summary.json the counts by status, the
    rows read and left out, and the rules (--json prints it). The README's "At population
    scale: Spark on a cluster" documents the schema."""
    if engine not in ENGINES:
        raise ThromboUserError(f"unknown engine {engine!r} (available: {', '.join(ENGINES)})")
    if diagnosis_date not in ("second-time-point", "first-time-point"):
        raise ThromboUserError("--diagnosis-date must be second-time-point or first-time-point")
    options = ScreeningOptions(diagnosis_date=diagnosis_date)  # type: ignore[arg-type]
    day = parse_as_of(as_of, tz)
    if out is not None or master is not None:
        if criteria == "all":
            raise ThromboUserError("--out writes one criteria set's results: name it with "
                                   "--criteria")
        _screen_on_cluster(source, source_format, engine, criteria_set(criteria, options), day,
                           tz, lab_ranges, master, out, as_json)
        return
    sets = all_sets(options) if criteria == "all" else [criteria_set(criteria, options)]
    results, accounting = screen_source(source, source_format, engine, sets, day, tz, lab_ranges)
    if criteria == "all":
        document: dict[str, object] = {
            "results": [r.to_json() for r in results],
            "disagreements": disagreements(results),
        }
    else:
        document = results[0].to_json()
    document["input"] = accounting
    if as_json:
        print_json(document)
    elif criteria == "all":
        _print_comparison(results)
    else:
        _print_set(results[0])


def _screen_on_cluster(
    source: str, source_format: str | None, engine: str, criteria: CriteriaSet, day: date,
    tz: str, lab_ranges: Path | None, master: str | None, out: str | None,
    as_json: bool,
) -> None:
    """The Spark job (thrombo.population.spark_job) run from this process on `master`."""
    started = time.perf_counter()
    document = screen_on_cluster(source, source_format, engine, criteria, day, tz, lab_ranges,
                                 master, out)
    if as_json:
        print_json(document)
        return
    typer.echo(f"screened {document['patients']} patients in "
               f"{time.perf_counter() - started:.1f} s (Spark's start included); results in {out}")
    for line in report_lines(document):
        typer.echo(line)


SCREEN_COLUMNS = (Column("patient", whole=True), Column("status", whole=True),
                  Column("first met", whole=True), Column("active", keep=5),
                  Column("criteria met", keep=7), Column("indeterminate", keep=4),
                  Column("high risk", keep=6))
SCREEN_LEGEND = (
    "status ta-tma: the criteria were met on at least one day up to the as-of date (first met: "
    "the first such day); active: they are still met on the as-of date. insufficient-data: "
    "some criteria could not be assessed and the rest do not decide."
)


def _print_set(result: SetResult) -> None:
    rows = [
        (p.patient_id, p.status,
         "" if p.first_met is None else p.first_met.isoformat(),
         "yes" if p.active else "",
         human(list(p.criteria_met)), human(list(p.criteria_indeterminate)),
         {True: "yes", False: "", None: "not assessed"}[p.high_risk]
         + (f" ({human(list(p.high_risk_features))})" if p.high_risk_features else ""))
        for p in result.patients
    ]
    title = f"TA-TMA screening: {result.rules['name']} (as of {result.as_of})"
    print_records(stdout, title, SCREEN_COLUMNS, rows, notes=[
        SCREEN_LEGEND, *(f"warning: {w}" for w in result.warnings)])


def _print_comparison(results: list[SetResult]) -> None:
    names = [str(r.rules["name"]) for r in results]
    columns = (Column("patient", whole=True), *(Column(n, whole=True) for n in names),
               Column("sets disagree", keep=9))
    patients = [r.by_patient() for r in results]
    rows = []
    for pid in sorted(patients[0]):
        cells = []
        for by_id in patients:
            p = by_id[pid]
            cells.append(p.status + ("" if p.first_met is None else f" {p.first_met}"))
        rows.append((pid, *cells, "yes" if len(set(cells)) > 1 else ""))
    title = f"TA-TMA screening by criteria set (as of {results[0].as_of})"
    print_records(stdout, title, columns, rows, notes=[
        SCREEN_LEGEND, *(f"warning: {w}" for w in sorted({w for r in results
                                                          for w in r.warnings}))])
