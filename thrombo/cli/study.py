"""`thrombo study SOURCE`: cohort endpoints and the study report (interface.md "study --json")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thrombo.analytics.cohort import DEFAULT_MAX_AGE_YEARS, DEFAULT_MIN_AGE_YEARS
from thrombo.analytics.study_results import StudyResults
from thrombo.cli.app import app
from thrombo.cli.lab_help import lab_results_help
from thrombo.cli.options import LabRangesOpt, parse_day
from thrombo.cli.output import print_json, progress, progress_enabled, stderr, stdout
from thrombo.report import exposure_tables, tables
from thrombo.rules.registry import DEFAULT
from thrombo.services.sources import SourceRequest, load_patients
from thrombo.services.study import StudyRequest, run_study, write_study_report


@app.command("study", help=lab_results_help(
    "Cohort flow and endpoints of the defibrotide TA-TMA study, optionally with its report.",
    engraftment=True,
    more="With --suppress-below N the document, the printed tables and the report follow one "
    "disclosure policy (the service's for researchers): counts from 1 to N-1 hidden, and any "
    "count that subtraction from a total would give back; no minimum, maximum, curve or "
    "at-risk row (single patients' values); no patient id in any text."))
def study_command(
    source: Annotated[str, typer.Argument(
        help="Dataset folder, FHIR file or folder, or store URL.")],
    criteria: Annotated[str, typer.Option("--criteria", help="TA-TMA criteria set.")] = DEFAULT,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write report.html (and report.pdf) into this folder.")] = None,
    suppress_below: Annotated[int | None, typer.Option(
        "--suppress-below", help="Suppress patient counts from 1 to N-1.")] = None,
    time_origin: Annotated[str, typer.Option(
        "--time-origin", help="treatment-start (default) or diagnosis.")] = "treatment-start",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Use what was known by this day (default: the last recorded day).")]
    = None,
    min_age: Annotated[float, typer.Option("--min-age", help="Youngest age included (years).")]
    = DEFAULT_MIN_AGE_YEARS,
    max_age: Annotated[float, typer.Option(
        "--max-age", help="Age at diagnosis must be below this (years).")] = DEFAULT_MAX_AGE_YEARS,
    control_rate: Annotated[float | None, typer.Option(
        "--control-rate", help="Historical-control resolution rate by day 28 (0-1).")] = None,
    control_survival: Annotated[float | None, typer.Option(
        "--control-survival", help="Historical-control 6-month survival (0-1).")] = None,
    control_source: Annotated[str | None, typer.Option(
        "--control-source", help="Where the historical-control figures come from.")] = None,
    timezone: Annotated[str, typer.Option(
        "--timezone", help="Site time zone for times without an offset.")] = "UTC",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    lab_ranges: LabRangesOpt = None,
) -> None:
    """Cohort flow and endpoints (help: lab_results_help)."""
    request = StudyRequest(
        criteria=criteria, time_origin=time_origin, as_of=_as_of(as_of), min_age_years=min_age,
        max_age_years=max_age, control_rate=control_rate, control_survival=control_survival,
        control_source=control_source, suppress_below=suppress_below)
    request.options()  # every option is checked before the (slow) screening of the source
    with progress("reading and screening the cohort", enabled=progress_enabled(as_json)):
        loaded = load_patients(SourceRequest(source, timezone, lab_ranges=lab_ranges))
        outcome = run_study(loaded.timelines, request)
    document = {**outcome.document(), "input": loaded.input}
    if report is not None:
        paths = write_study_report(outcome, report, loaded.input)
        document["report"] = {"html": str(paths.html),
                              "pdf": None if paths.pdf is None else str(paths.pdf),
                              "pdf_note": paths.pdf_note}
        if not as_json:
            stderr.print(f"report: {paths.html} ({paths.pdf_note})")
    if as_json:
        print_json(document)
    else:
        _print(outcome.results, document["warnings"])


def _as_of(value: str | None) -> date | None:
    return None if value is None else parse_day(value)


def _print(results: StudyResults, warnings: list[str]) -> None:
    """The tables, then the document's warnings (under suppression: without small counts or
    patient ids)."""
    shown_tables = [tables.flow_table(results), tables.endpoint_table(results),
                    tables.adverse_event_table(results)]
    if results.exposure_response is not None:
        shown_tables.append(exposure_tables.exposure_response_table(results))
    for table in shown_tables:
        shown = Table(*table.header)
        for row in table.rows:
            shown.add_row(*row)
        stdout.print(shown)
        if table in shown_tables[3:]:
            stdout.print(table.note)
    for warning in warnings:
        stdout.print(f"warning: {warning}")
