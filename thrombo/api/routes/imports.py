"""Imports: upload a FHIR file or CSV dataset into the store; the import history and quarantine.

Administrators only: an upload may hold patients of any centre.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from sqlalchemy import select

from thrombo.api.answers import ImportAnswer, ImportRecord, QuarantinedRecord
from thrombo.api.deps import AdminDep, ServiceDep
from thrombo.api.service import Service, actor_of
from thrombo.api.uploads import relabel, safe_name, source_path, upload_prefix
from thrombo.services.importing import import_upload
from thrombo.store.schema import imports, quarantine
from thrombo.store.users import User

router = APIRouter(prefix="/api/v1", tags=["imports"])
COPY_CHUNK = 1024 * 1024


def import_uploads(service: Service, user: User, files: list[UploadFile], timezone: str
                   ) -> dict[str, Any]:
    """Save the uploaded files, read them as one source and import it (shared with the page);
    the patients it wrote to are then screened as the service reads them (in its time zone,
    as of its today) and their results stored (services.importing.screen_upload)."""
    with tempfile.TemporaryDirectory(prefix=upload_prefix()) as tmp:
        folder = Path(tmp)
        names = []
        for upload in files:
            name = safe_name(upload.filename or "upload")
            with (folder / name).open("wb") as out:
                while chunk := upload.file.read(COPY_CHUNK):
                    out.write(chunk)
            names.append(name)
        source = source_path(folder, names)
        label = "upload:" + "+".join(names)
        summary = import_upload(service.store, source, tz=timezone, actor=actor_of(user),
                                command="api upload", writing=service.audit_lock,
                                relabel=lambda summary: relabel(summary, folder, label),
                                screen_in=service.tz)
    return summary.to_json()


@router.post("/imports", status_code=201, response_model=ImportAnswer,
             response_model_exclude_unset=True)
def upload(
    service: ServiceDep,
    admin: AdminDep,
    files: Annotated[list[UploadFile], File(description="A FHIR .json/.ndjson, a dataset's CSV "
                                                         "files, or a .zip of a dataset folder")],
    timezone: Annotated[str, Form()] = "UTC",
) -> dict[str, Any]:
    """Import one source; the answer is the `import --json` document."""
    return import_uploads(service, admin, files, timezone)


def import_history(service: Service, limit: int = 50) -> list[dict[str, Any]]:
    stmt = select(imports).order_by(imports.c.id.desc()).limit(limit)
    with service.store.engine.connect() as conn:
        return [
            {"id": r.id, "started_at": r.started_at.isoformat() + "+00:00", "actor": r.actor,
             "command": r.command, "sources": (r.summary or {}).get("sources", [])}
            for r in conn.execute(stmt)
        ]


def quarantine_list(service: Service, limit: int = 500) -> list[dict[str, Any]]:
    stmt = select(quarantine).order_by(quarantine.c.id.desc()).limit(limit)
    with service.store.engine.connect() as conn:
        return [{"import_id": r.import_id, "source": r.source, "location": r.location,
                 "reason": r.reason} for r in conn.execute(stmt)]


@router.get("/imports", response_model=list[ImportRecord])
def history(service: ServiceDep, _admin: AdminDep) -> list[dict[str, Any]]:
    return import_history(service)


@router.get("/quarantine", response_model=list[QuarantinedRecord])
def quarantined(service: ServiceDep, _admin: AdminDep) -> list[dict[str, Any]]:
    """Records refused by imports, with their source, location and reason (newest first)."""
    return quarantine_list(service)
