"""Data-protection commands: `backup`, `restore`, `audit verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.importing import DbOption
from thrombo.cli.output import print_json, stdout
from thrombo.store import audit as audit_trail
from thrombo.store.backup import backup, restore
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
    result = backup(Store.open(db or default_url()), out)
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
    result = restore(Store.open(db or default_url()), source)
    if as_json:
        print_json(result.to_json())
    else:
        stdout.print(f"restored {result.path}: {result.tables}")


@audit_app.command("verify")
def audit_verify(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Recompute the audit trail's hash chain; exit 1 if it was tampered with."""
    store = Store.open(db or default_url())
    with store.engine.connect() as conn:
        check = audit_trail.verify_chain(conn)
    document = {"entries": check.entries, "ok": check.ok, "first_bad_id": check.first_bad_id}
    if as_json:
        print_json(document)
    elif check.ok:
        stdout.print(f"audit trail intact: {check.entries} entries")
    else:
        stdout.print(f"audit trail BROKEN at entry {check.first_bad_id}")
    if not check.ok:
        raise typer.Exit(1)
