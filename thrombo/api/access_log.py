"""One access-log line per request, naming the route template instead of the requested path.

A path such as /patients/HSCT-000123 carries a patient identifier, and so does a query string
(?patient_id=..., ?q=...): uvicorn's own access log writes both verbatim, so `thrombo serve`
turns it off and logs this instead: method, route template, status and duration, no query.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

log = logging.getLogger("thrombo.access")


def route_template(request: Request) -> str:
    """The matched route's template ("/patients/{patient_id}"), or a placeholder when no route
    matched (an unmatched path may itself be identifying)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "(no route)"


class AccessLogMiddleware(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1f ms", request.method, route_template(request),
                 response.status_code, elapsed_ms)
        return response


def _drop(_record: logging.LogRecord) -> bool:
    return False


def silence_uvicorn_access_log() -> None:
    """uvicorn writes its access line whenever the `uvicorn.access` logger has any handler, also
    one inherited from a root handler an operator configured; a filter on the logger itself
    drops those lines whatever the logging configuration."""
    logger = logging.getLogger("uvicorn.access")
    if _drop not in logger.filters:
        logger.addFilter(_drop)
