"""`thrombo serve [--db URL] [--host H] [--port P] [--workers N] [--dev]`: web application,
REST API, CDS Hooks.

Outside --dev the settings refuse to start without a proper secret key (THROMBO_SECRET_KEY).
--dev turns authentication off, binds to loopback only, says so loudly, and loads the simulated
demo cohort into an empty development store.

--workers N runs N server processes on one socket (uvicorn's workers), each with its own store
connections and caches: a single Python process uses one core however many requests wait.
Several processes are safe for the audit trail (its chain is locked in the database: an
advisory lock on PostgreSQL, the writer lock on SQLite) and for the caches (each request checks
the store's data version). CDS client JWT ids are shared between the workers through a small
file, so that a replayed token is refused whichever worker receives it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from thrombo.api.access_log import silence_uvicorn_access_log
from thrombo.api.demo_data import load_demo_cohort
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.settings import DEV_BANNER, NO_CDS_JWT_BANNER, Settings
from thrombo.cli.app import app
from thrombo.cli.demo_paths import DEMO_STORE
from thrombo.cli.output import stderr
from thrombo.web.patient_page import warm_status_cache

DEV_DB = "sqlite:///thrombo-dev.db"


def dev_db() -> str:
    """The store --dev serves: the one `make demo` wrote when it is there (so the report's
    children are the dashboard's, id for id), else a development store of its own."""
    return f"sqlite:///{DEMO_STORE}" if DEMO_STORE.is_file() else DEV_DB


@app.command()
def serve(
    db: Annotated[str | None, typer.Option("--db", help="Store URL (default: $THROMBO_DB, "
                                           "or under --dev the demo's store, else "
                                           "sqlite:///thrombo-dev.db).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes: about "
                                         "one per core.")] = 1,
    dev: Annotated[bool, typer.Option("--dev", help="Development: authentication OFF, "
                                      "loopback only, the store `make demo` wrote (else a "
                                      "demo cohort loaded).")] = False,
) -> None:
    """Serve the dashboard, the REST API (/api/v1, OpenAPI at /api/docs) and CDS Hooks."""
    given: dict[str, Any] = {"dev": dev}
    if db or (dev and "THROMBO_DB" not in os.environ):
        given["db"] = db or dev_db()
    if host:
        given["host"] = host
    if port:
        given["port"] = port
    settings = Settings(**given)
    service = Service.open(settings)
    if settings.open_cds:
        stderr.print(f"[bold red]{NO_CDS_JWT_BANNER}[/]")
    if settings.dev:
        stderr.print(f"[bold red]{DEV_BANNER}[/]")
        loaded = load_demo_cohort(service.store, settings.demo_patients)
        if loaded is not None:
            stderr.print(f"Loaded the simulated demo cohort into {settings.db}.")
        stderr.print(f"Serving the store {settings.db}" + (
            "" if settings.db == f"sqlite:///{DEMO_STORE}" else
            f" (`make demo` writes {DEMO_STORE}; --dev serves that one when it is there)"),
            markup=False, highlight=False)
    if workers > 1:
        service.store.engine.dispose()
        stderr.print(f"thrombo serving on http://{settings.host}:{settings.port}/ "
                     f"({workers} worker processes)")
        _serve_workers(settings, workers)
        return
    threading.Thread(target=warm_status_cache, args=(service,), daemon=True).start()
    stderr.print(f"thrombo serving on http://{settings.host}:{settings.port}/")
    uvicorn.Server(server_config(settings, service)).run()


def worker_environment(settings: Settings, replay_store: Path) -> dict[str, str]:
    """What each worker process reads its settings from (the rest of THROMBO_* is inherited)."""
    return {"THROMBO_DB": settings.db, "THROMBO_DEV": str(settings.dev).lower(),
            "THROMBO_HOST": settings.host, "THROMBO_PORT": str(settings.port),
            "THROMBO_REPLAY_STORE": str(replay_store)}


def _serve_workers(settings: Settings, workers: int) -> None:
    with tempfile.TemporaryDirectory(prefix="thrombo-serve-") as runtime:
        os.environ.update(worker_environment(settings, Path(runtime) / "cds-replay.db"))
        silence_uvicorn_access_log()
        uvicorn.run("thrombo.api.main:app_from_environment", factory=True, host=settings.host,
                    port=settings.port, workers=workers, access_log=False, log_level="info")


def server_config(settings: Settings, service: Service, log_level: str = "info"
                  ) -> uvicorn.Config:
    """uvicorn's access log is off: it writes request paths and query strings verbatim, and
    those carry patient identifiers; the app logs route templates instead (api.access_log)."""
    config = uvicorn.Config(create_app(settings, service), host=settings.host,
                            port=settings.port, access_log=False, log_level=log_level)
    silence_uvicorn_access_log()
    return config
