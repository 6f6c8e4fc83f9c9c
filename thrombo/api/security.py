"""Request-level protections: security headers, CSRF tokens and the session cookie.

CSRF uses the signed double-submit pattern (OWASP CSRF cheat sheet): a random nonce in a
SameSite=Strict cookie, and in each form an HMAC, under the server's secret, of that nonce and of
the session it was issued to. A cross-site page can neither read the cookie nor forge the HMAC;
a token is worthless in another session, and sign-in issues a new nonce, so a token planted
before sign-in does not survive it. Bearer-token API calls carry no ambient credentials and need
no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "thrombo_session"
CSRF_COOKIE = "thrombo_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# The dashboard uses no third-party script, style or frame, so the policy can be strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the headers to every response (an ASGI middleware: Starlette's BaseHTTPMiddleware
    runs each request through an extra task and stream, a cost paid on every call)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(MutableHeaders(scope=message), path)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add(self, headers: MutableHeaders, path: str) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if self.hsts:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if not path.startswith("/static/"):
            # Patient pages as well as API answers: no copy in a shared browser's cache.
            headers.setdefault("Cache-Control", "no-store")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(secret: bytes, nonce: str, session: str | None = None) -> str:
    """The form token for this browser's nonce and session (none before sign-in)."""
    bound = hashlib.sha256((session or "").encode()).hexdigest()
    return hmac.new(secret, f"{nonce}|{bound}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, nonce: str | None, token: str | None,
               session: str | None = None) -> bool:
    if not nonce or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, nonce, session), token)


def set_csrf_cookie(response: Response, nonce: str, *, secure: bool) -> None:
    response.set_cookie(_named(CSRF_COOKIE, secure), nonce, httponly=True, samesite="strict",
                        secure=secure, path="/")


def _named(base: str, secure: bool) -> str:
    return f"__Host-{base}" if secure else base  # as Settings.cookie_name


def set_session_cookie(response: Response, token: str, *, secure: bool, max_age: int) -> None:
    response.set_cookie(_named(SESSION_COOKIE, secure), token, httponly=True, samesite="lax",
                        secure=secure, max_age=max_age, path="/")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
