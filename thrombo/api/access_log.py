"""One access-log line per request, naming the route template instead of the requested path.

A path such as /patients/HSCT-000123 carries a patient identifier, and so does a query string
(?patient_id=..., ?q=...): uvicorn's own access log writes both verbatim, so `thrombo serve`
turns it off and logs this instead: method, route template, status and duration, no query.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("thrombo.access")


def route_template(scope: Scope) -> str:
    """The matched route's template ("/patients/{patient_id}"), or a placeholder when no route
    matched (an unmatched path may itself be identifying)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "(no route)"


class AccessLogMiddleware:
    """An ASGI middleware (Starlette's BaseHTTPMiddleware costs an extra task and stream per
    request): the status is read from the response as it starts, the line written at the end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, send_noting_status)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1f ms", scope["method"], route_template(scope), status, elapsed_ms)


def _drop(_record: logging.LogRecord) -> bool:
    return False


def silence_uvicorn_access_log() -> None:
    """uvicorn writes its access line whenever the `uvicorn.access` logger has any handler, also
    one inherited from a root handler an operator configured; a filter on the logger itself
    drops those lines whatever the logging configuration."""
    logger = logging.getLogger("uvicorn.access")
    if _drop not in logger.filters:
        logger.addFilter(_drop)
