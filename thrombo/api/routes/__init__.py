"""One router per resource; `ROUTERS` is the order the application includes them in."""

from __future__ import annotations

from fastapi import APIRouter

from thrombo.api.routes import (
    admin_pages,
    audit_log,
    auth,
    care,
    cds_hooks,
    dosing,
    imports,
    itp,
    pages,
    patients,
    screening,
    study,
    users,
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
    pages.router,
    admin_pages.router,
)
