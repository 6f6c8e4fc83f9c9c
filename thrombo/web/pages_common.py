"""What every dashboard page shares: templates, the CSRF token in forms, the page user."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from thrombo.api import security
from thrombo.api.deps import CsrfError
from thrombo.api.service import Service
from thrombo.api.settings import DEV_BANNER
from thrombo.report.words import cite, human, interval
from thrombo.store.users import User

WEB = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=WEB / "templates")


def path_segment(value: object) -> str:
    """One URL path segment: every reserved character encoded, "/" and bidi controls too
    (Jinja's `urlencode` leaves "/" as it is)."""
    return quote(str(value), safe="")


templates.env.filters["path_segment"] = path_segment
templates.env.filters["human"] = human  # None/True/False and snake_case as a clinician reads them
templates.env.filters["cite"] = cite  # source documents by title and year, not file name
templates.env.filters["interval"] = interval  # "every 7 days", as the terminal says it


def render(request: Request, service: Service, name: str, user: User | None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the form CSRF token and (under --dev) the loud banner."""
    settings = service.settings
    csrf_cookie = settings.cookie_name(security.CSRF_COOKIE)
    nonce = request.cookies.get(csrf_cookie) or security.new_nonce()
    session = request.cookies.get(settings.cookie_name(security.SESSION_COOKIE))
    context.update(
        user=user,
        csrf=security.csrf_token(service.settings.secret, nonce, session),
        csrf_field=security.CSRF_FIELD,
        dev_banner=DEV_BANNER if service.settings.dev else None,
    )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if csrf_cookie not in request.cookies:
        security.set_csrf_cookie(response, nonce, secure=settings.secure_cookies)
    return response


async def checked_form(request: Request, service: Service) -> dict[str, Any]:
    """The posted form, refused unless it carries a valid CSRF token."""
    form = await request.form()
    token = form.get(security.CSRF_FIELD)
    settings = service.settings
    nonce = request.cookies.get(settings.cookie_name(security.CSRF_COOKIE))
    session = request.cookies.get(settings.cookie_name(security.SESSION_COOKIE))
    if not security.csrf_valid(settings.secret, nonce,
                               token if isinstance(token, str) else None, session):
        raise CsrfError
    return dict(form.multi_items())


def number(form: dict[str, Any], name: str) -> float | None:
    raw = form.get(name)
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def text(form: dict[str, Any], name: str) -> str | None:
    raw = form.get(name)
    return raw.strip() or None if isinstance(raw, str) else None
