"""The integrity key: the secret, kept outside the database, that signs the audit chain and backups.

Someone who can write to the database (a stolen file, a database administrator, an injected
statement) can recompute a plain SHA-256 chain after editing it; without this key they cannot
recompute an HMAC. The key comes from `THROMBO_INTEGRITY_KEY` (the key itself), or from the file
named by `THROMBO_INTEGRITY_KEY_FILE`, or from `~/.config/thrombo/integrity.key` (created on
first use, readable by its owner only). Every process that writes to one store (the service, its
workers, `thrombo import`) needs the same key, and a backup restores only where its key is.
Keep a copy of the key apart from the database's backups.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from thrombo.errors import ThromboUserError

KEY_ENV = "THROMBO_INTEGRITY_KEY"
KEY_FILE_ENV = "THROMBO_INTEGRITY_KEY_FILE"
MIN_KEY_LENGTH = 32
"""Characters of the key: 32 random URL-safe characters carry 190 bits."""


class IntegrityKeyError(ThromboUserError):
    """The integrity key is missing, unreadable or too short."""


def default_key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "thrombo" / "integrity.key"


def key_file() -> Path:
    named = os.environ.get(KEY_FILE_ENV)
    return Path(named) if named else default_key_file()


def integrity_key() -> bytes:
    """The key as bytes (read on every call from the environment, a file at most once)."""
    given = os.environ.get(KEY_ENV)
    if given is not None:
        return _checked(given.strip().encode(), KEY_ENV)
    return _read_or_create(key_file())


def subkey(purpose: str) -> bytes:
    """One key per use (audit chain, backup manifest), so that a MAC of one is never valid as
    the other."""
    return hmac.new(integrity_key(), purpose.encode(), hashlib.sha256).digest()


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_LENGTH:
        raise IntegrityKeyError(f"{where}: the integrity key needs {MIN_KEY_LENGTH} characters")
    return key


@lru_cache(maxsize=8)
def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    try:
        return _checked(path.read_bytes().strip(), str(path))
    except OSError as exc:
        raise IntegrityKeyError(f"{path}: integrity key unreadable ({exc.strerror})") from exc


def _create(path: Path) -> None:
    """Write a new random key, readable by its owner only; two processes racing both end up
    with the one that was linked first."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink()
