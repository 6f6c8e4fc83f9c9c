"""`thrombo import SOURCE... [--db URL] [--json]`: load sources into the store."""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.lab_help import lab_results_help
from thrombo.cli.output import Advance, print_json, progress, progress_enabled, stdout
from thrombo.io.csv_columns import BlockSource, Item, ObservationBlock
from thrombo.io.raw import SourceRecord
from thrombo.normalize.quarantine import ImportSummary
from thrombo.services.importing import ImportRequest, import_to_store, new_sqlite_file
from thrombo.store.sources import LAB_RANGES_HELP, SourceSpec
from thrombo.store.sql import default_url

__all__ = ["DbOption", "TimezoneOption", "import_command", "new_sqlite_file"]

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL (default: $THROMBO_DB or sqlite:///thrombo.db)."),
]
TimezoneOption = Annotated[
    str, typer.Option("--timezone", help="Site time zone for times without an offset.")
]


IMPORT_HELP = lab_results_help(
    "Load sources into the store: every record stored, duplicate, skipped or quarantined.",
    more="On import a censored result is stored as its bound and comparator, and the site's "
    "range (thrombo-lab-ranges.toml or --lab-ranges) is stored with each result it applies to; "
    "later commands on the store read both as imported.")


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
    update: Annotated[bool, typer.Option("--update", help=(
        "The patient records correct the stored ones: a birth date or sex that differs "
        "replaces the stored one (a death date is never cleared). Without it such a record is "
        "quarantined with its patient's other records."))] = False,
    screen: Annotated[bool, typer.Option("--screen/--no-screen", help=(
        "After the import, screen the patients it wrote to for TA-TMA (the default criteria "
        "set and options, as of today in --timezone) and store the results, which `thrombo "
        "screen STORE` and the service read while the patient's data is unchanged."))] = True,
) -> None:
    """Load sources into the store: every record stored, duplicate, skipped or quarantined."""
    request = ImportRequest(tuple(sources), timezone, source_format, codemap, lab_ranges, update,
                            screen)
    with progress("importing", enabled=progress_enabled(as_json), unit="records") as advance:
        summary = import_to_store(request, db or default_url(), actor=_actor(),
                                  watch=lambda specs: _counted(specs, advance))
    if as_json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)


PROGRESS_EVERY = 500
"""Records read between two updates of the progress bar (one update per record would cost more
than reading some of them)."""


def _counted(specs: Iterable[SourceSpec], advance: Advance) -> Iterator[SourceSpec]:
    for path, fmt, records, ignored in specs:
        counted = _CountedBlocks(records, advance) if isinstance(records, BlockSource) else (
            _each(records, advance))
        yield path, fmt, counted, ignored


def _each(records: Iterable[Item], advance: Advance) -> Iterator[Any]:
    """The records (or blocks of rows, counted by their rows), the bar advanced every
    PROGRESS_EVERY of them."""
    read = shown = 0
    for record in records:
        read += len(record) if isinstance(record, ObservationBlock) else 1
        if read - shown >= PROGRESS_EVERY:
            advance(read - shown)
            shown = read
        yield record
    advance(read - shown)


class _CountedBlocks:
    """Records read in blocks where the importer asks for them, counted either way."""

    def __init__(self, records: BlockSource, advance: Advance) -> None:
        self.records, self.advance = records, advance

    def __iter__(self) -> Iterator[SourceRecord]:
        return _each(self.records, self.advance)  # type: ignore[arg-type]  # records

    def with_blocks(self) -> Iterator[Item]:
        return _each(self.records.with_blocks(), self.advance)


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
    if summary.screening is not None:
        done = summary.screening
        stdout.print(f"TA-TMA screening: {done['patients_touched']} patients this import wrote "
                     f"to, screened under {done['rules']['name']} as of {done['as_of']}; "
                     f"{done['results_stored']} results stored for `thrombo screen` and the "
                     "service", markup=False, highlight=False)
    mappings, others = grouped_warnings(summary.warnings)
    if mappings:
        stdout.print("[yellow]warning:[/yellow] records read through mappings the clinical "
                     "reference marks from memory, unverified (check them):")
        for mapping, count in mappings:
            stdout.print(f"  {mapping}: {count}", markup=False, highlight=False)
    for warning in others:
        stdout.print("[yellow]warning:[/yellow] ", end="")
        stdout.print(warning, markup=False, highlight=False)


_UNVERIFIED_MAPPING = re.compile(r"^(\d+ records?) read through the mapping (.+), which is from "
                                 r"memory, unverified: check it$")


def grouped_warnings(warnings: Iterable[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The import's warnings as people read them: one short line per unverified mapping
    (`LOINC 777-3 -> platelets: 795 records`) under a single heading, the others as they are.
    The JSON document keeps every warning whole."""
    mappings: list[tuple[str, str]] = []
    others: list[str] = []
    for warning in warnings:
        found = _UNVERIFIED_MAPPING.match(warning)
        if found is None:
            others.append(warning)
        else:
            mappings.append((found.group(2).replace("http://loinc.org|", "LOINC "),
                             found.group(1)))
    return mappings, others
