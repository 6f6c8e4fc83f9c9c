"""Request body limits per route, checked while the body arrives (never read whole first).

A declared Content-Length over the route's limit is refused (413) before any of the body is read;
a body without one (chunked) is counted as it streams and refused at the first byte over. Uploads
have their own, larger limit: Starlette's multipart parser spools files to disk, so an upload
costs disk, not memory, up to `UPLOAD_LIMIT`.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# [Design] Limits chosen from what each route legitimately receives, with a wide margin.
DEFAULT_LIMIT = 256 * 1024
"""Sign-in, dosing and user forms and JSON: a few hundred bytes each."""
CDS_LIMIT = 32 * 1024**2
"""A CDS Hooks request carries prefetched FHIR resources: a long stay's observations, a few MB."""
UPLOAD_LIMIT = 1024**3
"""An import upload (a FHIR file, a dataset's CSVs or a zip of them)."""
UPLOAD_PATHS = frozenset({"/api/v1/imports", "/imports"})


def limit_for(path: str) -> int:
    if path in UPLOAD_PATHS:
        return UPLOAD_LIMIT
    if path.startswith("/cds-services"):
        return CDS_LIMIT
    return DEFAULT_LIMIT


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body over the limit of {limit} bytes for this route")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)  # answered 413 by the app's exception handling
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = f'{{"detail": "request body over the limit of {limit} bytes for this route"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
