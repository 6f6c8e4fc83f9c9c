"""`thrombo study SOURCE`: cohort endpoints and the study report (interface.md "study --json")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thrombo.analytics.cohort import (
    DEFAULT_MAX_AGE_YEARS,
    DEFAULT_MIN_AGE_YEARS,
    TIME_ORIGINS,
    TimeOrigin,
)
from thrombo.analytics.exposure import study_exposure
from thrombo.analytics.from_timelines import study_input
from thrombo.analytics.study import HistoricalControl, StudyOptions, build_study
from thrombo.analytics.study_results import StudyResults
from thrombo.cli.app import app
from thrombo.cli.options import parse_day
from thrombo.cli.output import print_json, stderr, stdout
from thrombo.errors import ThromboUserError
from thrombo.report import exposure_tables, tables
from thrombo.report.render import write_report
from thrombo.rules.registry import DEFAULT, criteria_set
from thrombo.store.sources import load_source


def _origin(value: str) -> TimeOrigin:
    for origin in TIME_ORIGINS:
        if value == origin:
            return origin
    raise ThromboUserError(
        f"--time-origin must be one of {', '.join(TIME_ORIGINS)}, got {value!r}")


def _control(rate: float | None, survival: float | None, source: str | None,
             ) -> HistoricalControl | None:
    if rate is None and survival is None:
        return None
    return HistoricalControl(source or "historical control given on the command line",
                             resolution_rate=rate, survival_6_months=survival)


@app.command("study")
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
) -> None:
    """Cohort flow and endpoints of the defibrotide TA-TMA study, optionally with its report."""
    # Every option is checked before the (slow) screening of the whole source.
    options = StudyOptions(
        criteria_set=criteria_set(criteria).name, time_origin=_origin(time_origin),
        min_age_years=min_age, max_age_years=max_age,
        control=_control(control_rate, control_survival, control_source),
        suppress_below=suppress_below)
    day = _as_of(as_of)
    loaded = load_source(source, tz=timezone)
    cohort = study_input(loaded.timelines, criteria, as_of=day)
    options = replace(options, criteria_version=cohort.criteria_version,
                      upstream_warnings=cohort.warnings)
    exposure = study_exposure(loaded.timelines, cohort.patients, cohort.as_of)
    results = build_study(cohort.patients, options, exposure)
    document = results.to_json()
    document["as_of"] = cohort.as_of.isoformat()
    document["input"] = loaded.input_json()  # type: ignore[assignment]
    if report is not None:
        paths = write_report(results, report, source=document["input"])  # type: ignore[arg-type]
        document["report"] = {"html": str(paths.html),
                              "pdf": None if paths.pdf is None else str(paths.pdf),
                              "pdf_note": paths.pdf_note}
        if not as_json:
            stderr.print(f"report: {paths.html} ({paths.pdf_note})")
    if as_json:
        print_json(document)
    else:
        _print(results)


def _as_of(value: str | None) -> date | None:
    return None if value is None else parse_day(value)


def _print(results: StudyResults) -> None:
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
    for warning in results.warnings:
        stdout.print(f"warning: {warning}")
