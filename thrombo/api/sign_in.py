"""Sign-in shared by the form (`POST /login`) and the token endpoint: throttled and audited.

An attempt while blocked is answered 429 with Retry-After before the password is looked at
(`store.throttle` has the limits and why no block is permanent); every failure and every refusal
is written to the audit trail with the address it came from.
"""

from __future__ import annotations

from fastapi import Request

from thrombo.api.service import Service
from thrombo.errors import ThromboUserError
from thrombo.store.throttle import Attempt, record_failure, record_success, retry_after
from thrombo.store.users import User, authenticate, open_session, purge_expired_sessions


class TooManyAttemptsError(ThromboUserError):
    """Too many failed sign-ins: answered 429 with Retry-After."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {seconds} seconds")
        self.retry_after = seconds


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sign_in(service: Service, request: Request, username: str, password: str, via: str
            ) -> tuple[User, str] | None:
    """(user, new session token), or None for a wrong name or password; raises
    TooManyAttemptsError while the account or the address is held back."""
    if not (_encodable(username) and _encodable(password)):
        # A lone surrogate cannot be hashed nor stored: such a sign-in can only be wrong, and
        # must not end in a traceback that would carry the password into the log.
        username, password = username.encode("utf-8", "replace").decode(), ""
    attempt = Attempt(username, client_address(request))
    actor = f"anonymous:{username[:100]}"
    with service.store.engine.begin() as conn:
        wait = retry_after(conn, attempt)
        if wait is None:
            user = authenticate(conn, username, password) if password else None
            if user is None:
                record_failure(conn, attempt)
            else:
                record_success(conn, attempt)
                purge_expired_sessions(conn)  # sign-ins are rare enough to tidy up on
                token = open_session(conn, user, service.settings.session_lifetime)
    if wait is not None:
        service.record(actor, "sign-in-throttled",
                       {"via": via, "address": attempt.address, "retry_after": wait})
        raise TooManyAttemptsError(wait)
    if user is None:
        service.record(actor, "sign-in-failed", {"via": via, "address": attempt.address})
        return None
    service.record(user, "sign-in", {"via": via, "address": attempt.address})
    return user, token
