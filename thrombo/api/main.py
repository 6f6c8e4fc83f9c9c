"""The application factory: `create_app(settings)` builds the REST API, CDS Hooks and dashboard.

Errors map once, here: a user error is a 4xx with one clear message; a bug is a 500 (and its
traceback goes to the server log, never to the client).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape

from thrombo import __version__
from thrombo.api.access_log import AccessLogMiddleware, silence_uvicorn_access_log
from thrombo.api.body_limits import BodyLimitMiddleware
from thrombo.api.deps import CsrfError, SignInRequiredError
from thrombo.api.routes import ROUTERS
from thrombo.api.security import SecurityHeadersMiddleware
from thrombo.api.service import ForbiddenError, NotVisibleError, Service
from thrombo.api.settings import DEV_BANNER, NO_CDS_JWT_BANNER, Settings
from thrombo.api.sign_in import TooManyAttemptsError
from thrombo.api.uploads import sweep_stale_uploads
from thrombo.errors import ThromboUserError
from thrombo.store.sql import StoreBusyError
from thrombo.web.mount import mount_dashboard, warm_status_cache

log = logging.getLogger("thrombo.api")
BUSY_RETRY_AFTER = 10
"""[Design] Seconds a client is asked to wait when the store is busy: about one busy timeout."""
MAX_VALIDATION_ERRORS = 20
"""A body with thousands of wrong fields gets the first few reasons, not an answer as large."""


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        yield

    return lifespan


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan(settings),
        title="thrombo",
        version=__version__,
        summary="Decision support for paediatric TA-TMA and ITP. A research aid: every result "
        "must be checked by the treating team.",
        openapi_url="/api/v1/openapi.json",
        # The API reference is the dashboard's offline page (web.api_docs), under --dev only;
        # Swagger UI would load its script from a CDN. The OpenAPI document is always served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service or Service.open(settings)
    sweep_stale_uploads()  # those of a server process that was killed mid-upload
    if settings.dev:
        log.warning(DEV_BANNER)
    if settings.open_cds:
        log.warning(NO_CDS_JWT_BANNER)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure and not settings.dev)
    app.add_middleware(AccessLogMiddleware)
    for router in ROUTERS:
        app.include_router(router)
    mount_dashboard(app, api_docs=settings.dev)
    _errors(app)
    return app


def app_from_environment() -> FastAPI:
    """The application of one worker process of `thrombo serve --workers N`: settings from the
    THROMBO_* variables `serve` sets, a store connection and caches of its own."""
    settings = Settings()
    service = Service.open(settings)
    silence_uvicorn_access_log()
    threading.Thread(target=warm_status_cache, args=(service,), daemon=True).start()
    return create_app(settings, service)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/cds-services"))


def _errors(app: FastAPI) -> None:
    @app.exception_handler(SignInRequiredError)
    async def _sign_in(request: Request, _exc: SignInRequiredError) -> Response:
        if _wants_page(request):
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return JSONResponse({"detail": "sign in first (bearer token or session)"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _exc: CsrfError) -> Response:
        return _answer(request, 403, "missing or invalid CSRF token: reload the page")

    @app.exception_handler(ForbiddenError)
    async def _forbidden(request: Request, exc: ForbiddenError) -> Response:
        return _answer(request, 403, str(exc))

    @app.exception_handler(NotVisibleError)
    async def _not_visible(request: Request, exc: NotVisibleError) -> Response:
        return _answer(request, 404, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """Where and why, never the input itself: a request body may be large, or hold a
        password or a patient's data, and an answer must not carry it back."""
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type")}
                  for e in exc.errors()[:MAX_VALIDATION_ERRORS]]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StoreBusyError)
    async def _busy(request: Request, exc: StoreBusyError) -> Response:
        answer = _answer(request, 503, "the store is busy with another write (an import); "
                                       "try again shortly")
        answer.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return answer

    @app.exception_handler(TooManyAttemptsError)
    async def _throttled(request: Request, exc: TooManyAttemptsError) -> Response:
        answer = _answer(request, 429, str(exc))
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer

    @app.exception_handler(ThromboUserError)
    async def _user_error(request: Request, exc: ThromboUserError) -> Response:
        return _answer(request, 422, str(exc))


def _answer(request: Request, status: int, message: str) -> Response:
    """JSON for API clients; a plain page (with a way back) for people."""
    if not _wants_page(request):
        return JSONResponse({"detail": message}, status_code=status)
    body = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>thrombo</title>"
            f"<link rel=stylesheet href=/static/style.css></head><body><main class=error>"
            f"<h1>{status}</h1><p>{escape(message)}</p><p><a href=/>Back to the patient list</a>"
            f"</p></main></body></html>")
    return HTMLResponse(body, status_code=status)
