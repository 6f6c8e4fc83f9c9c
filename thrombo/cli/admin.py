"""Data-protection commands: `backup`, `restore`, `audit verify`, `export --deidentify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.importing import DbOption
from thrombo.cli.output import print_json, stdout
from thrombo.errors import SourceError, ThromboUserError
from thrombo.store import audit as audit_trail
from thrombo.store.backup import backup, restore
from thrombo.store.deidentify import export_deidentified
from thrombo.store.sources import load_source
from thrombo.store.sql import Store, default_url

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

audit_app = typer.Typer(help="The append-only audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Option("--out", help="Backup file to write (.jsonl.gz).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a portable backup of the store (every table, with a manifest of counts)."""
    result = backup(Store.open(db or default_url(), existing=True), out)
    if as_json:
        print_json(result.to_json())
    else:
        stdout.print(f"backup written to {result.path}: {result.tables}")


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A backup file written by thrombo backup.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup into an empty store (all or nothing; the audit chain is verified)."""
    if not source.is_file():
        raise SourceError(f"{source}: no such backup file")
    result = restore(Store.open(db or default_url()), source)
    if as_json:
        print_json(result.to_json())
    else:
        stdout.print(f"restored {result.path}: {result.tables}")


@audit_app.command("verify")
def audit_verify(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Recompute the audit trail's keyed hash chain and check its signed head (count and last
    hash); exit 1 if an entry was edited, inserted or deleted."""
    store = Store.open(db or default_url(), existing=True)
    with store.engine.connect() as conn:
        check = audit_trail.verify_chain(conn)
    if as_json:
        print_json(check.to_json())
    elif check.ok:
        stdout.print(f"audit trail intact: {check.entries} entries")
    else:
        where = f" at entry {check.first_bad_id}" if check.first_bad_id is not None else ""
        stdout.print(f"audit trail BROKEN{where}: {check.reason}")
    if not check.ok:
        raise typer.Exit(1)


@app.command("export")
def export_command(
    source: Annotated[str, typer.Argument(help="Dataset folder, FHIR file or store URL.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV dataset to.")],
    deidentify: Annotated[
        bool, typer.Option("--deidentify", help="Pseudonymise ids, shift dates, drop identifiers.")
    ] = False,
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="Secret pseudonym key (same key, same pseudonyms)."),
    ] = None,
    suppress_below: Annotated[
        int, typer.Option("--suppress-below", help="Report centres with fewer patients as 'other'.")
    ] = 0,
    timezone: Annotated[str, typer.Option("--timezone")] = "UTC",
    as_json: JsonOption = False,
) -> None:
    """Export a source as a de-identified CSV dataset (identified export is not offered)."""
    if not deidentify:
        raise ThromboUserError("export writes de-identified data only: add --deidentify")
    key = _read_key(key_file) if key_file is not None else None
    loaded = load_source(source, tz=timezone)
    result = export_deidentified(loaded.timelines, out, key, suppress_below)
    store_url = source if loaded.summary is None else None
    if store_url is not None:
        store = Store.open(store_url)
        with store.engine.begin() as conn:
            audit_trail.record(conn, "cli", "export", result.to_json())
    if as_json:
        print_json({**result.to_json(), "input": loaded.input_json()})
    else:
        stdout.print(f"de-identified dataset written to {result.out}: {result.patients} patients")


def _read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ThromboUserError(f"{path}: key file cannot be read ({exc.strerror})") from exc
    if len(key) < 16:
        raise ThromboUserError(f"{path}: key too short (at least 16 bytes)")
    return key
