"""Users, roles and sign-in sessions of the service (SQLAlchemy Core on the store's metadata).

Roles: a `clinician` sees identified data of their own centre; a `researcher` sees de-identified
data and the study pages only; an `administrator` sees everything and the audit trail. Passwords
are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendations); session
tokens are random and only their SHA-256 is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, Literal, cast, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from thrombo.errors import ThromboUserError
from thrombo.store.schema import metadata

Role = Literal["clinician", "researcher", "administrator"]
ROLES: tuple[Role, ...] = get_args(Role)
MIN_PASSWORD_LENGTH = 12
"""NIST SP 800-63B asks for at least 8; 12 is the usual floor for a clinical service."""
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456123456", "qwertyuiopas",
    "qwerty123456", "qwertyuiop12", "1q2w3e4r5t6y", "1qaz2wsx3edc", "password1234",
    "password12345", "passwordpassword", "password123!", "iloveyou1234", "abcdefghijkl",
    "abc123abc123", "administrator", "changeme1234", "welcome12345", "letmein12345",
    "trustno1trustno1", "monkey123456", "dragon123456", "football1234", "baseball1234",
    "sunshine1234", "princess1234", "qazwsxedcrfv", "zaq12wsxcde3", "asdfghjkl123",
    "thisismypassword", "hospital1234", "thrombo12345",
})
"""[Design] NIST SP 800-63B 5.1.1.2 asks to refuse commonly used and expected passwords: the
lists' entries of 12 characters or more (shorter ones fail the length rule already), checked
with case and spaces ignored, beside the repetition, sequence and user-name rules below."""
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,99}")
"""User names after normalising (NFKC, surrounding spaces removed, lower case): ASCII letters,
digits and . _ @ - only, so that no two names differ by a look-alike character."""
CENTRE_PATTERN = re.compile(r"[^\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]{1,200}")
"""A centre name: no control or bidirectional-override characters."""

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("centre", String(200)),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so that a wrong name and a wrong password
# take the same time and the answer does not tell which user names exist.
_DUMMY_HASH = _hasher.hash("thrombo-no-such-user")


class UserError(ThromboUserError):
    """A user that cannot be created as asked (bad role, short password, taken name)."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: Role
    centre: str | None
    active: bool = True

    @property
    def sees_identified_data(self) -> bool:
        return self.role in ("clinician", "administrator")

    def may_see_centre(self, centre: str | None) -> bool:
        """Clinicians see their own centre only; a patient without a centre is nobody's."""
        if self.role == "clinician":
            return centre is not None and centre == self.centre
        return True


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: object) -> User:
    data = row._mapping  # type: ignore[attr-defined]
    return User(data["id"], data["username"], cast(Role, data["role"]), data["centre"],
                bool(data["active"]))


def normalise_username(username: str) -> str:
    """The one spelling of a user name: NFKC, no surrounding spaces, lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def check_password(password: str, username: str = "") -> None:
    """Refuse short, common, repetitive or sequential passwords and the user's own name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    plain = password.lower().replace(" ", "")
    if plain in {p.replace(" ", "") for p in COMMON_PASSWORDS}:
        raise UserError("this password is on the list of common passwords: choose another")
    if len(set(plain)) <= 2 or _sequential(plain):
        raise UserError("a password made of one repeated or sequential run is easy to guess")
    name = normalise_username(username)
    if name and len(name) >= 3 and name in plain:
        raise UserError("a password must not contain the user name")


def _sequential(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return len(steps) == 1 and steps <= {1, -1}


def hash_password(password: str, username: str = "") -> str:
    check_password(password, username)
    return _hasher.hash(password)


def create_user(
    conn: Connection, username: str, password: str, role: str, centre: str | None = None
) -> User:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role == "clinician" and not centre:
        raise UserError("a clinician account needs a centre")
    username = normalise_username(username)
    if not username:
        raise UserError("a user name cannot be empty")
    if not USERNAME_PATTERN.fullmatch(username):
        raise UserError("a user name may hold letters a-z, digits and . _ @ - only")
    if centre is not None and not CENTRE_PATTERN.fullmatch(centre.strip()):
        raise UserError("a centre name may not hold control or direction-override characters")
    centre = centre.strip() if centre is not None else None
    if _find(conn, username) is not None:
        raise UserError(f"user {username!r} exists already")
    user_id = conn.execute(
        users.insert()
        .values(username=username, password_hash=hash_password(password, username), role=role,
                centre=centre, active=True, created_at=_now())
        .returning(users.c.id)
    ).scalar_one()
    return User(user_id, username, role, centre)


def _find(conn: Connection, username: str) -> Any:
    """The row of a user name in any spelling (names stored before normalising included)."""
    name = normalise_username(username)
    return conn.execute(select(users).where(func.lower(users.c.username) == name)).first()


def get_user(conn: Connection, username: str) -> User | None:
    row = _find(conn, username)
    return None if row is None else _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same cost either way)."""
    row = _find(conn, username)
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(update(users).where(users.c.id == row.id)
                     .values(password_hash=_hasher.hash(password)))
    return _user(row)


def open_session(conn: Connection, user: User, lifetime: timedelta) -> str:
    """A new random session token for `user`; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    now = _now()
    conn.execute(user_sessions.insert().values(
        token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=now + lifetime
    ))
    return token


def session_user(conn: Connection, token: str) -> User | None:
    """The active user of an unexpired session token, or None."""
    row = conn.execute(
        select(users)
        .join(user_sessions, user_sessions.c.user_id == users.c.id)
        .where(user_sessions.c.token_hash == _token_hash(token))
        .where(user_sessions.c.expires_at > _now())
        .where(users.c.active.is_(True))
    ).first()
    return None if row is None else _user(row)


def close_session(conn: Connection, token: str) -> None:
    conn.execute(delete(user_sessions).where(user_sessions.c.token_hash == _token_hash(token)))


def disable_user(conn: Connection, username: str) -> User:
    """Refuse the user's sign-in from now on and end every session they hold (the row stays, so
    the audit trail's actor names keep pointing at someone)."""
    user = get_user(conn, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    conn.execute(update(users).where(users.c.id == user.id).values(active=False))
    conn.execute(delete(user_sessions).where(user_sessions.c.user_id == user.id))
    return User(user.id, user.username, user.role, user.centre, active=False)


def purge_expired_sessions(conn: Connection) -> int:
    result = conn.execute(delete(user_sessions).where(user_sessions.c.expires_at <= _now()))
    return int(result.rowcount or 0)


__all__ = [
    "ROLES",
    "Role",
    "User",
    "UserError",
    "authenticate",
    "close_session",
    "create_user",
    "disable_user",
    "get_user",
    "list_users",
    "open_session",
    "session_user",
    "user_sessions",
    "users",
]
