"""`thrombo screen SOURCE [--criteria NAME|all] [--as-of DATE] [--json]`: TA-TMA screening."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.lab_help import lab_results_help
from thrombo.cli.options import parse_as_of
from thrombo.cli.output import print_json, progress, progress_enabled, stdout
from thrombo.cli.records import Column, human, print_records
from thrombo.rules.registry import DEFAULT
from thrombo.rules.screening_results import SetResult
from thrombo.services.engine_choice import BATCH_FROM_PATIENTS
from thrombo.services.screen import (
    ScreenOptions,
    ScreenRequest,
    screen_as_cluster_job,
    screen_from_source,
)
from thrombo.store.sources import LAB_RANGES_HELP

CLUSTER_HELP = (
    "On a cluster: `--engine spark --master URL --out DIR` screens a dataset folder (or an OMOP "
    "CDM folder with --format omop) as a Spark job from this process (the driver). The driver "
    "reads SOURCE's small tables and the executors its observation rows, so SOURCE must be a "
    "folder at the same path on every node (a shared mount); DIR may be a shared path or any "
    "URL Spark writes (hdfs://, s3a://). DIR/patients holds the fields of --json's patients "
    "(status, first_met, active, criteria_met, criteria_indeterminate, high_risk, "
    "high_risk_features, assessed_on, the rules); DIR/summary.json the counts by status, the "
    "rows read and left out, and the rules (--json prints it). The README's \"At population "
    "scale: Spark on a cluster\" documents the schema.")
ENGINE_CHOICE_HELP = (
    "Engines: every engine gives the same verdicts; only the reference gives each verdict's "
    "evidence (in --json). Without --engine the reference screens, except the table (not "
    f"--json) of a dataset folder of {BATCH_FROM_PATIENTS} patients or more: that is screened "
    "on DuckDB, which reads the folder's files in place in a fraction of the time (500 "
    "simulated patients: about 6 s of CPU instead of 40 s), and the table's notes say "
    "'engine: duckdb (chosen automatically: N patients)'.")
SCREEN_HELP = lab_results_help(
    "Screen every patient for TA-TMA under one criteria set, or all of them side by side.",
    engraftment=True, more=f"{ENGINE_CHOICE_HELP}\n\n{CLUSTER_HELP}")
ENGINE_HELP = ("Evaluator: reference, duckdb or spark (default: chosen as the help above says). "
               "DuckDB reads a dataset folder's or a CDM's lab rows in place.")


@app.command("screen", help=SCREEN_HELP)
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
        str | None, typer.Option("--engine", help=ENGINE_HELP)
    ] = None,
    diagnosis_date: Annotated[
        str,
        typer.Option("--diagnosis-date", help="second-time-point (default) or first-time-point."),
    ] = "second-time-point",
    confirmation: Annotated[str, typer.Option("--confirmation", help=(
        "What confirms the second consecutive time point: re-measured (default: at least the "
        "set's number of criteria met by results or events dated after the first time point; "
        "a day whose only new result is a blood pressure cannot confirm labs drawn once) or "
        "window (the criteria window as it stands on the next assessment day)."))
    ] = "re-measured",
    platelet_engraftment_run: Annotated[int, typer.Option("--platelet-engraftment-run", help=(
        "Platelet engraftment, when not recorded, is derived as the first of N consecutive "
        "days >= 20 x 10^9/L without a transfusion in the 7 days before: 3 (default, "
        "CIBMTR/ASTCT) or 7 (a variant no registry text was found to use; warned)."))
    ] = 3,
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
    """Screen every patient for TA-TMA (help: SCREEN_HELP)."""
    request = ScreenRequest(
        source, parse_as_of(as_of, tz), criteria, engine,
        ScreenOptions(diagnosis_date, confirmation, platelet_engraftment_run), tz,
        source_format, lab_ranges, needs_evidence=as_json)
    if out is not None or master is not None:
        _screen_on_cluster(request, master, out, as_json)
        return
    with progress("screening", enabled=progress_enabled(as_json)):
        screening = screen_from_source(request)
    results, document = screening.results, screening.document
    engine_note = f"engine: {screening.engine.describe()}" if screening.engine.automatic else None
    if as_json:
        print_json(document)
    elif criteria == "all":
        _print_comparison(results, engine_note)
    else:
        _print_set(results[0], engine_note)


def _screen_on_cluster(request: ScreenRequest, master: str | None, out: str | None,
                       as_json: bool) -> None:
    """The Spark job (thrombo.population.spark_job) run from this process on `master`."""
    # Imported here: it loads Spark's engine and pandas (0.4 s of CPU), which every other
    # screening would pay at start-up for nothing.
    from thrombo.population.spark_job import report_lines

    started = time.perf_counter()
    document = screen_as_cluster_job(request, master, out)
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


def _print_set(result: SetResult, engine_note: str | None = None) -> None:
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
        SCREEN_LEGEND, *_engine_notes(engine_note), *(f"warning: {w}" for w in result.warnings)])


def _engine_notes(engine_note: str | None) -> list[str]:
    return [] if engine_note is None else [engine_note]


def _print_comparison(results: list[SetResult], engine_note: str | None = None) -> None:
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
        SCREEN_LEGEND, *_engine_notes(engine_note),
        *(f"warning: {w}" for w in sorted({w for r in results
                                                          for w in r.warnings}))])
