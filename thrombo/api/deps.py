"""Dependencies every router shares, declared once as `Annotated` aliases.

Those that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread pool,
a hand-off that costs more than the dependency itself.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from thrombo.api import security
from thrombo.api.service import DEV_USER, ForbiddenError, Service
from thrombo.api.settings import Settings
from thrombo.store.users import User, session_user

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MIN_AS_OF = date(1900, 1, 1)
MAX_AS_OF = date(2100, 12, 31)
"""[Design] The days a clinical question can be asked about: a day outside them is refused (422)
rather than run through date arithmetic that overflows or loops over millennia."""
AsOf = Annotated[date | None, Query(ge=MIN_AS_OF, le=MAX_AS_OF,
                                    description="Use only what was known by this day.")]


class SignInRequiredError(Exception):
    """No valid session or token: the API answers 401, a page redirects to sign-in."""


class CsrfError(Exception):
    """A cookie-authenticated change without a valid CSRF token."""


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_settings(service: ServiceDep) -> Settings:
    return service.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def check_csrf(request: Request, settings: Settings, supplied: str | None) -> None:
    nonce = request.cookies.get(settings.cookie_name(security.CSRF_COOKIE))
    session = request.cookies.get(settings.cookie_name(security.SESSION_COOKIE))
    if not security.csrf_valid(settings.secret, nonce, supplied, session):
        raise CsrfError


def current_user(request: Request, service: ServiceDep) -> User:
    """The signed-in user: a bearer token, or the session cookie (then unsafe methods need the
    CSRF header). Under --dev everyone is the development administrator."""
    if service.settings.dev:
        return DEV_USER
    token = security.bearer_token(request)
    from_cookie = token is None
    token = token or request.cookies.get(service.settings.cookie_name(security.SESSION_COOKIE))
    if not token:
        raise SignInRequiredError
    with service.reading() as conn:  # one SELECT: no transaction needed
        user = session_user(conn, token)
    if user is None:
        raise SignInRequiredError
    if from_cookie and request.method in UNSAFE_METHODS and request.url.path.startswith("/api/"):
        check_csrf(request, service.settings, request.headers.get(security.CSRF_HEADER))
    return user


UserDep = Annotated[User, Depends(current_user)]


async def administrator(user: UserDep) -> User:
    if user.role != "administrator":
        raise ForbiddenError("this needs the administrator role")
    return user


AdminDep = Annotated[User, Depends(administrator)]


async def identified_reader(user: UserDep) -> User:
    if not user.sees_identified_data:
        raise ForbiddenError("this role sees de-identified data and study pages only")
    return user


ClinicalUserDep = Annotated[User, Depends(identified_reader)]
