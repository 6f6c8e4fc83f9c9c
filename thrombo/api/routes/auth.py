"""Sign-in for API clients: a bearer token for a user name and password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from thrombo.api import security
from thrombo.api.answers import Me
from thrombo.api.deps import ServiceDep, SignInRequiredError, UserDep
from thrombo.api.schemas import Credentials, TokenOut
from thrombo.api.sign_in import sign_in
from thrombo.store.users import close_session

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", responses={429: {"description": "too many failed sign-ins; see "
                                                      "Retry-After"}})
def token(credentials: Credentials, request: Request, service: ServiceDep) -> TokenOut:
    """Exchange a user name and password for a bearer token (a server-side session). Failed
    attempts are limited per account and per address (429 with Retry-After)."""
    signed_in = sign_in(service, request, credentials.username, credentials.password, "api")
    if signed_in is None:
        raise SignInRequiredError
    _user, access = signed_in
    return TokenOut(access_token=access,
                    expires_in=int(service.settings.session_lifetime.total_seconds()))


@router.post("/logout", status_code=204)
def logout(request: Request, service: ServiceDep, user: UserDep) -> None:
    cookie = service.settings.cookie_name(security.SESSION_COOKIE)
    tok = security.bearer_token(request) or request.cookies.get(cookie)
    if tok:
        with service.store.engine.begin() as conn:
            close_session(conn, tok)
    service.record(user, "sign-out", {"via": "api"})


@router.get("/me", response_model=Me)
def me(user: UserDep) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "centre": user.centre}
