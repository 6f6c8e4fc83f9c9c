"""User accounts (administrators only); every change is recorded in the audit trail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from thrombo.api.answers import Account, Me
from thrombo.api.deps import AdminDep, ServiceDep
from thrombo.api.schemas import NewUser
from thrombo.store.users import create_user, list_users

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=list[Account])
def all_users(service: ServiceDep, _admin: AdminDep) -> list[dict[str, Any]]:
    with service.store.engine.connect() as conn:
        return [{"username": u.username, "role": u.role, "centre": u.centre, "active": u.active}
                for u in list_users(conn)]


@router.post("", status_code=201, response_model=Me)
def add_user(body: NewUser, service: ServiceDep, admin: AdminDep) -> dict[str, Any]:
    with service.store.engine.begin() as conn:
        user = create_user(conn, body.username, body.password, body.role, body.centre)
    service.record(admin, "user-created",
                   {"username": user.username, "role": user.role, "centre": user.centre})
    return {"username": user.username, "role": user.role, "centre": user.centre}
