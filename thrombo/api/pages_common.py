"""What every dashboard page shares: templates, the CSRF token in forms, the page user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from thrombo.api import security
from thrombo.api.deps import CsrfError
from thrombo.api.service import Service
from thrombo.api.settings import DEV_BANNER
from thrombo.store.users import User

WEB = Path(__file__).resolve().parents[1] / "web"
templates = Jinja2Templates(directory=WEB / "templates")


def render(request: Request, service: Service, name: str, user: User | None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the form CSRF token and (under --dev) the loud banner."""
    nonce = request.cookies.get(security.CSRF_COOKIE) or security.new_nonce()
    context.update(
        user=user,
        csrf=security.csrf_token(service.settings.secret, nonce),
        csrf_field=security.CSRF_FIELD,
        dev_banner=DEV_BANNER if service.settings.dev else None,
    )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if security.CSRF_COOKIE not in request.cookies:
        secure = service.settings.cookie_secure and not service.settings.dev
        security.set_csrf_cookie(response, nonce, secure=secure)
    return response


async def checked_form(request: Request, service: Service) -> dict[str, Any]:
    """The posted form, refused unless it carries a valid CSRF token."""
    form = await request.form()
    token = form.get(security.CSRF_FIELD)
    nonce = request.cookies.get(security.CSRF_COOKIE)
    if not security.csrf_valid(service.settings.secret, nonce,
                               token if isinstance(token, str) else None):
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
