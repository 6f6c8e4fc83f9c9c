"""The service's settings: one pydantic-settings object, read from `THROMBO_*` variables.

Outside development it refuses to start with an insecure default: no secret key, a short one, or
a well-known placeholder. Development mode (`--dev`) turns authentication off, so it binds to the
loopback interface only and says so loudly.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from thrombo.errors import ThromboUserError
from thrombo.store.sql import default_url

MIN_SECRET_LENGTH = 32
"""Characters of a secret key: 32 URL-safe characters carry well over 128 bits."""
PLACEHOLDER_SECRETS = frozenset({"changethis", "change-me", "changeme", "secret", "dev", "test"})
DEV_SECRET = "thrombo-development-only-secret-do-not-deploy"
NO_CDS_JWT_BANNER = (
    "CDS HOOKS CLIENT AUTHENTICATION IS OFF (THROMBO_CDS_REQUIRE_JWT=false): any local process "
    "can call the CDS services as a trusted EHR. Allowed on the loopback interface only."
)
DEV_BANNER = (
    "DEVELOPMENT MODE: AUTHENTICATION IS OFF. Every request acts as a development administrator "
    "who sees identified data of every centre. The server listens on the loopback interface only. "
    "Never use --dev with real patient data."
)


class InsecureSettingsError(ThromboUserError):
    """A setting that would be unsafe outside development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THROMBO_", extra="ignore", frozen=True)

    db: str = Field(default_factory=default_url)
    dev: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: SecretStr | None = None
    session_hours: float = 8.0
    cookie_secure: bool = True
    public_url: str | None = None
    """Where clients reach the service (for links in cards and the JWT audience)."""
    cds_trusted_issuers: dict[str, str] = Field(default_factory=dict)
    """CDS client issuer -> its public key: a PEM text, or a path to a PEM or JWKS file."""
    cds_issuer_centres: dict[str, list[str]] = Field(default_factory=dict)
    """CDS client issuer -> the centres whose stored patients it may ask about ("*": every
    centre). Every trusted issuer needs an entry outside development."""
    cds_require_jwt: bool = True
    """False (no client authentication) is allowed under --dev, or on the loopback interface
    with a loud warning; anywhere else the service refuses to start."""
    demo_patients: int = 40
    """Size of the demo cohort `serve --dev` loads into an empty store."""
    request_threads: int = Field(default=8, ge=1)
    """Threads that run request handlers at once in each process. Beyond a few, more threads
    only take turns at Python's interpreter lock: each handler waits for the lock after every
    database round trip, and under 50 concurrent clients that convoy costs CPU and latency.
    Requests over the limit wait in arrival order instead."""
    replay_store: str | None = None
    """A SQLite file the worker processes of one server share to refuse replayed CDS client
    JWTs (set by `thrombo serve --workers N`); unset, one process remembers them in memory."""

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        if self.dev:
            if not _is_loopback(self.host):
                raise InsecureSettingsError(
                    f"--dev turns authentication off and binds to loopback only, not {self.host!r}"
                )
            return self
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        if not secret:
            raise InsecureSettingsError(
                "THROMBO_SECRET_KEY is not set: generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'` (or use --dev)"
            )
        if len(secret) < MIN_SECRET_LENGTH or secret.lower() in PLACEHOLDER_SECRETS:
            raise InsecureSettingsError(
                f"THROMBO_SECRET_KEY must be a random string of at least {MIN_SECRET_LENGTH} "
                "characters"
            )
        if secret == DEV_SECRET:
            raise InsecureSettingsError("the development secret cannot be used outside --dev")
        self._refuse_open_cds()
        return self

    def _refuse_open_cds(self) -> None:
        if not self.cds_require_jwt and not _is_loopback(self.host):
            raise InsecureSettingsError(
                "THROMBO_CDS_REQUIRE_JWT=false lets anyone call the CDS services as a trusted EHR:"
                f" allowed on the loopback interface only, not {self.host!r} (or use --dev)")
        unbound = sorted(set(self.cds_trusted_issuers) - set(self.cds_issuer_centres))
        if unbound:
            raise InsecureSettingsError(
                f"CDS issuer(s) {', '.join(unbound)} have no centres: set "
                'THROMBO_CDS_ISSUER_CENTRES, e.g. {"https://ehr.example": ["C01"]} ("*" for all)')

    def issuer_centres(self, issuer: str) -> frozenset[str] | None:
        """The centres a trusted CDS client may ask about; None for every centre."""
        centres = self.cds_issuer_centres.get(issuer, [])
        return None if "*" in centres else frozenset(centres)

    @property
    def open_cds(self) -> bool:
        """CDS client authentication off outside development (loopback only)."""
        return not self.dev and not self.cds_require_jwt

    @property
    def secret(self) -> bytes:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return DEV_SECRET.encode()

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure and not self.dev

    def cookie_name(self, base: str) -> str:
        """`__Host-` names over HTTPS: the browser then takes the cookie only from this host,
        over a secure connection, for the whole site (no sibling subdomain can set it)."""
        return f"__Host-{base}" if self.secure_cookies else base

    @property
    def authentication_on(self) -> bool:
        return not self.dev

    def issuer_key(self, issuer: str) -> str | None:
        """The configured public key text (PEM or JWKS JSON) of a trusted CDS client."""
        value = self.cds_trusted_issuers.get(issuer)
        if value is None:
            return None
        if "-----BEGIN" in value or value.lstrip().startswith("{"):
            return value
        path = Path(value)
        if not path.is_file():
            raise InsecureSettingsError(f"key file of CDS issuer {issuer!r} not found: {value}")
        return path.read_text()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
