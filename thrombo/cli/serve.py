"""`thrombo serve [--db URL] [--host H] [--port P] [--dev]`: web application, REST API, CDS Hooks.

Outside --dev the settings refuse to start without a proper secret key (THROMBO_SECRET_KEY).
--dev turns authentication off, binds to loopback only, says so loudly, and loads the simulated
demo cohort into an empty development store.
"""

from __future__ import annotations

import os
import threading
from typing import Annotated, Any

import typer
import uvicorn

from thrombo.api.access_log import silence_uvicorn_access_log
from thrombo.api.demo_data import load_demo_cohort
from thrombo.api.main import create_app
from thrombo.api.patient_page import warm_status_cache
from thrombo.api.service import Service
from thrombo.api.settings import DEV_BANNER, Settings
from thrombo.cli.app import app
from thrombo.cli.output import stderr

DEV_DB = "sqlite:///thrombo-dev.db"


@app.command()
def serve(
    db: Annotated[str | None, typer.Option("--db", help="Store URL (default: $THROMBO_DB, "
                                           "or sqlite:///thrombo-dev.db under --dev).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    dev: Annotated[bool, typer.Option("--dev", help="Development: authentication OFF, "
                                      "loopback only, demo cohort loaded.")] = False,
) -> None:
    """Serve the dashboard, the REST API (/api/v1, OpenAPI at /api/docs) and CDS Hooks."""
    given: dict[str, Any] = {"dev": dev}
    if db or (dev and "THROMBO_DB" not in os.environ):
        given["db"] = db or DEV_DB
    if host:
        given["host"] = host
    if port:
        given["port"] = port
    settings = Settings(**given)
    service = Service.open(settings)
    if settings.dev:
        stderr.print(f"[bold red]{DEV_BANNER}[/]")
        loaded = load_demo_cohort(service.store, settings.demo_patients)
        if loaded is not None:
            stderr.print(f"Loaded the simulated demo cohort into {settings.db}.")
    threading.Thread(target=warm_status_cache, args=(service,), daemon=True).start()
    stderr.print(f"thrombo serving on http://{settings.host}:{settings.port}/")
    uvicorn.Server(server_config(settings, service)).run()


def server_config(settings: Settings, service: Service, log_level: str = "info"
                  ) -> uvicorn.Config:
    """uvicorn's access log is off: it writes request paths and query strings verbatim, and
    those carry patient identifiers; the app logs route templates instead (api.access_log)."""
    config = uvicorn.Config(create_app(settings, service), host=settings.host,
                            port=settings.port, access_log=False, log_level=log_level)
    silence_uvicorn_access_log()
    return config
