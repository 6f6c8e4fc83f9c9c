"""What the API application takes from the dashboard: its page routes and static files.

The dashboard sits above the API (it reads through the API's service, sign-in and CSRF checks);
`thrombo.api.main` is the one module of the API that imports it, as the application's
composition root (the one exception the layers contract names in pyproject.toml).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from thrombo.web.api_docs import docs_router
from thrombo.web.pages_common import WEB
from thrombo.web.patient_page import warm_status_cache
from thrombo.web.routes import ROUTERS

__all__ = ["mount_dashboard", "warm_status_cache"]


def mount_dashboard(app: FastAPI, api_docs: bool = False) -> None:
    """The page routes after the API's own, /static, and with `api_docs` (--dev) the API
    reference at /api/docs."""
    for router in ROUTERS:
        app.include_router(router)
    if api_docs:
        app.include_router(docs_router(app))
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
