"""The audit trail: query it and verify its hash chain (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from thrombo.api.answers import AuditRecord, AuditVerification
from thrombo.api.deps import AdminDep, ServiceDep
from thrombo.api.service import Service
from thrombo.store.audit import verify_chain
from thrombo.store.schema import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
MAX_ENTRIES = 1000


def query_audit(
    service: Service,
    *,
    actor: str | None = None,
    action: str | None = None,
    patient_id: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    stmt = select(audit).order_by(audit.c.id.desc()).limit(min(limit, MAX_ENTRIES))
    if actor:
        stmt = stmt.where(audit.c.actor == actor)
    if action:
        stmt = stmt.where(audit.c.action == action)
    if patient_id:
        stmt = stmt.where(audit.c.patient_id == patient_id)
    if since:
        stmt = stmt.where(audit.c.at >= since.replace(tzinfo=None))
    with service.store.engine.connect() as conn:
        return [
            {"id": r.id, "at": r.at.isoformat() + "+00:00", "actor": r.actor,
             "action": r.action, "patient_id": r.patient_id, "detail": r.detail, "hash": r.hash}
            for r in conn.execute(stmt)
        ]


@router.get("", response_model=list[AuditRecord])
def entries(
    service: ServiceDep,
    _admin: AdminDep,
    actor: str | None = None,
    action: str | None = None,
    patient_id: str | None = None,
    since: Annotated[datetime | None, Query(description="UTC, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTRIES)] = 200,
) -> list[dict[str, Any]]:
    """Audit entries, newest first."""
    return query_audit(service, actor=actor, action=action, patient_id=patient_id, since=since,
                       limit=limit)


@router.get("/verify", response_model=AuditVerification)
def verify(service: ServiceDep, _admin: AdminDep) -> dict[str, Any]:
    with service.store.engine.connect() as conn:
        check = verify_chain(conn)
    return check.to_json()
