"""Dashboard pages for the study, the imports with their quarantine, and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from thrombo.api.deps import AdminDep, ServiceDep, UserDep
from thrombo.api.routes.audit_log import query_audit
from thrombo.api.routes.imports import import_history, import_uploads, quarantine_list
from thrombo.errors import ThromboUserError
from thrombo.web.pages_common import checked_form, render, text
from thrombo.web.study_page import study_view

router = APIRouter(include_in_schema=False)


@router.get("/study", response_class=HTMLResponse)
def study_page(request: Request, service: ServiceDep, user: UserDep) -> Response:
    return render(request, service, "study.html", user, view=study_view(service, user))


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, service: ServiceDep, admin: AdminDep) -> Response:
    return render(request, service, "imports.html", admin, history=import_history(service),
                  quarantine=quarantine_list(service), result=None, error=None)


@router.post("/imports", response_class=HTMLResponse)
async def imports_upload(request: Request, service: ServiceDep, admin: AdminDep,
                         files: Annotated[list[UploadFile], File()]) -> Response:
    form = await checked_form(request, service)
    result, error = None, None
    try:
        result = import_uploads(service, admin, files, text(form, "timezone") or "UTC")
    except ThromboUserError as exc:
        error = str(exc)
    return render(request, service, "imports.html", admin, history=import_history(service),
                  quarantine=quarantine_list(service), result=result, error=error,
                  status_code=201 if error is None else 422)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, service: ServiceDep, admin: AdminDep,
               actor: str | None = None, action: str | None = None,
               patient_id: str | None = None) -> Response:
    entries = query_audit(service, actor=actor or None, action=action or None,
                          patient_id=patient_id or None)
    return render(request, service, "audit.html", admin, entries=entries,
                  filters={"actor": actor or "", "action": action or "",
                           "patient_id": patient_id or ""})
