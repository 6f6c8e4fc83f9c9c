"""CDS client authentication: a signed JWT in the Authorization header (CDS Hooks 2.0, "Trusting
CDS Clients").

The client signs with its private key; the service knows each trusted issuer's public key (a PEM
or a JWKS, configured: the service fetches nothing). Checked: signature (RS384 or ES384, the
algorithms the specification requires), `iss` trusted, `aud` the service's own URL, `exp` no more
than five minutes ahead, `iat`, and a `jti` not seen before (replay).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import jwt
from jwt import PyJWK, PyJWKSet

from thrombo.api.settings import Settings
from thrombo.errors import ThromboUserError

ALGORITHMS = ["RS384", "ES384"]
MAX_LIFETIME_SECONDS = 300
"""The specification: `exp` "should not be set to more than 5 minutes in the future"."""
LEEWAY_SECONDS = 30
"""Clock skew tolerated between client and service."""
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]


class ClientAuthError(ThromboUserError):
    """A CDS client request without an acceptable JWT (answered 401)."""


class ReplayGuard:
    """`jti` values seen while their tokens are still valid: in this process, or in a SQLite
    file that every worker process of one server shares (`thrombo serve --workers`), so that a
    token replayed to another worker is refused too."""

    def __init__(self, shared_file: str | None = None) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if shared_file:
            # autocommit; each INSERT takes the file's writer lock (waiting up to 5 s)
            self._db = sqlite3.connect(shared_file, timeout=5.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS seen_jti "
                             "(jti TEXT PRIMARY KEY, expires REAL NOT NULL)")

    def first_use(self, jti: str, expires: float) -> bool:
        now = time.time()
        with self._lock:
            if self._db is not None:
                self._db.execute("DELETE FROM seen_jti WHERE expires <= ?",
                                 (now - LEEWAY_SECONDS,))
                added = self._db.execute("INSERT OR IGNORE INTO seen_jti VALUES (?, ?)",
                                         (jti, expires))
                return added.rowcount == 1
            self._seen = {k: v for k, v in self._seen.items() if v > now - LEEWAY_SECONDS}
            if jti in self._seen:
                return False
            self._seen[jti] = expires
            return True


def _key_for(text: str, kid: str | None) -> Any:
    if text.lstrip().startswith("{"):
        keys = PyJWKSet.from_json(text).keys if '"keys"' in text else [PyJWK.from_json(text)]
        matching = [k for k in keys if kid is None or k.key_id == kid]
        if not matching:
            raise ClientAuthError(f"no trusted key with kid {kid!r}")
        return matching[0]
    return text


def verify_client_jwt(
    authorization: str | None, settings: Settings, audiences: list[str], replay: ReplayGuard
) -> dict[str, Any]:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ClientAuthError("a CDS client must send Authorization: Bearer <signed JWT>")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ClientAuthError(f"malformed JWT: {exc}") from None
    issuer = unverified.get("iss")
    key_text = settings.issuer_key(issuer) if isinstance(issuer, str) else None
    if key_text is None:
        raise ClientAuthError(f"issuer {issuer!r} is not trusted")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, _key_for(key_text, header.get("kid")), algorithms=ALGORITHMS,
            audience=audiences, issuer=issuer, leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as exc:
        raise ClientAuthError(f"JWT rejected: {exc}") from None
    if claims["exp"] > time.time() + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise ClientAuthError("JWT exp is more than 5 minutes ahead")
    if not replay.first_use(str(claims["jti"]), float(claims["exp"])):
        raise ClientAuthError("JWT jti already used (replay)")
    return claims
