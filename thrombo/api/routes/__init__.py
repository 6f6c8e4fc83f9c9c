"""One router per resource; `ROUTERS` is the order the application includes them in (the
dashboard's page routes are thrombo.web's, mounted after these by `thrombo.api.main`)."""

from __future__ import annotations

from fastapi import APIRouter

from thrombo.api.routes import (
    audit_log,
    auth,
    care,
    cds_hooks,
    dosing,
    imports,
    itp,
    patients,
    screening,
    study,
    users,
    watch,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    users.router,
    patients.router,
    screening.router,
    itp.router,
    care.router,
    dosing.router,
    study.router,
    imports.router,
    audit_log.router,
    cds_hooks.router,
    watch.router,
)
