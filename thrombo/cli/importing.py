"""`thrombo import SOURCE... [--db URL] [--json]`: load sources into the store."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.output import print_json, stdout
from thrombo.normalize.quarantine import ImportSummary
from thrombo.store.importer import import_sources
from thrombo.store.sources import LAB_RANGES_HELP, plan_sources
from thrombo.store.sql import Store, default_url

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL (default: $THROMBO_DB or sqlite:///thrombo.db)."),
]
TimezoneOption = Annotated[
    str, typer.Option("--timezone", help="Site time zone for times without an offset.")
]


IMPORT_HELP = (
    "Load sources into the store: every record stored, duplicate, skipped or quarantined.\n\n"
    "Censored results ('<10', '<=10', '>2500', '>=2500'; FHIR valueQuantity.comparator; OMOP "
    "operator_concept_id) are stored as bounds with their comparator, never as the number "
    "itself; criteria decide them by interval logic (platelets '<10' is below 50).\n\n"
    "A result without its own reference range takes the site's from thrombo-lab-ranges.toml "
    "in the dataset folder or --lab-ranges FILE (stored with the result, named in the "
    "evidence).")


@app.command("import", help=IMPORT_HELP)
def import_command(
    sources: Annotated[list[str], typer.Argument(help="Dataset folders, FHIR files or folders.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    timezone: TimezoneOption = "UTC",
    source_format: Annotated[
        str | None,
        typer.Option("--format", help="csv-dataset, fhir-bundle, fhir-ndjson or omop."),
    ] = None,
    codemap: Annotated[
        Path | None, typer.Option("--codemap", help="TOML map of local codes to analytes.")
    ] = None,
    lab_ranges: Annotated[Path | None, typer.Option("--lab-ranges", help=LAB_RANGES_HELP)] = None,
) -> None:
    """Load sources into the store: every record stored, duplicate, skipped or quarantined."""
    store = Store.open(db or default_url())
    specs, ctx = plan_sources(sources, tz=timezone, fmt=source_format, codemap=codemap,
                              lab_ranges=lab_ranges)
    summary = import_sources(store, specs, ctx, actor=_actor(), command="thrombo import")
    if as_json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _print_summary(summary: ImportSummary) -> None:
    table = Table(title="Import")
    for column in ("source", "format", "records", "stored", "duplicates", "skipped", "quarantined"):
        table.add_column(column, justify="left" if column in ("source", "format") else "right")
    for s in summary.sources:
        table.add_row(
            s.path,
            s.format,
            *(str(n) for n in (s.records, s.stored, s.duplicates, s.skipped, s.quarantined)),
        )
    stdout.print(table)
    if summary.quarantine:
        bad = Table(title="Quarantined records")
        for column in ("source", "location", "reason"):
            bad.add_column(column)
        for q in summary.quarantine:
            bad.add_row(q.source, q.location, q.reason)
        stdout.print(bad)
    if summary.skipped:
        skipped = Table(title="Skipped (not used by thrombo)")
        for column in ("reason", "count", "example"):
            skipped.add_column(column)
        for g in summary.skipped.values():
            skipped.add_row(g.reason, str(g.count), g.example)
        stdout.print(skipped)
    for warning in summary.warnings:
        stdout.print(f"[yellow]warning:[/yellow] {warning}")
