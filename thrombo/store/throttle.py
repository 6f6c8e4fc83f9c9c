"""Sign-in throttling: failed attempts counted per account, per address and per both, with an
exponential back-off once a limit is passed (OWASP Authentication Cheat Sheet, "Login
Throttling"; NIST SP 800-63B 5.2.2 rate limiting).

Kept in the store so that every worker process of one service counts the same attempts. An
attempt made while blocked is refused without checking the password and is not counted, so an
attacker cannot lengthen a block by hammering: every block ends by itself after at most
`MAX_DELAY`. An address from which the account signed in before (`known`) is not held by the
account-wide limit nor by the address's, only by its own: someone guessing a clinician's
password from elsewhere, or spraying guesses from behind the hospital's proxy, does not lock the
clinician out at their own workstation. An administrator can lift every block of an
account at once (`thrombo users unlock`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Integer, String, Table, delete, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from thrombo.store.schema import metadata

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("blocked_until", DateTime),
)
"""One row per counted key (migration 0005); `known:` rows mark an address's past success."""


@dataclass(frozen=True)
class Limit:
    free: int
    """Failures allowed before the back-off starts."""
    forget: timedelta
    """A count starts again after this long without a failure."""


# [Design] Limits chosen for a clinical service (no published numbers fit one): a person
# mistyping stays well inside them, an online guesser gets a few dozen tries a day per account.
PAIR = Limit(free=5, forget=timedelta(hours=24))
"""One account from one address."""
ACCOUNT = Limit(free=10, forget=timedelta(hours=24))
"""One account from any address not known for it (guessing spread over many addresses)."""
ADDRESS = Limit(free=30, forget=timedelta(hours=1))
"""Any account from one address (password spraying); looser and shorter, since a hospital's
users may share one address behind a proxy."""
FIRST_DELAY = 1.0
"""Seconds of the first block; each further failure doubles it."""
MAX_DELAY = 900.0
"""A block never lasts longer than 15 minutes: no permanent lock-out."""
KNOWN_FOR = timedelta(days=90)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Attempt:
    username: str
    address: str

    @property
    def account(self) -> str:
        return f"account:{self.username.casefold()}"

    @property
    def pair(self) -> str:
        return f"pair:{self.username.casefold()}|{self.address}"

    @property
    def from_address(self) -> str:
        return f"address:{self.address}"

    @property
    def known(self) -> str:
        return f"known:{self.username.casefold()}|{self.address}"

    def limits(self) -> dict[str, Limit]:
        return {self.pair: PAIR, self.account: ACCOUNT, self.from_address: ADDRESS}


def retry_after(conn: Connection, attempt: Attempt) -> int | None:
    """Seconds to wait before this attempt may be tried, or None if it may go ahead."""
    now = _now()
    keys = [attempt.pair]
    if not _is_known(conn, attempt, now):
        keys += [attempt.account, attempt.from_address]
    until: list[datetime] = conn.execute(
        select(sign_in_throttle.c.blocked_until)
        .where(sign_in_throttle.c.key.in_(keys))
        .where(sign_in_throttle.c.blocked_until > now)
    ).scalars().all()  # type: ignore[assignment]
    if not until:
        return None
    return max(1, math.ceil(max((u - now).total_seconds() for u in until)))


def _is_known(conn: Connection, attempt: Attempt, now: datetime) -> bool:
    row = conn.execute(select(sign_in_throttle.c.updated_at)
                       .where(sign_in_throttle.c.key == attempt.known)).first()
    return row is not None and row.updated_at > now - KNOWN_FOR


def record_failure(conn: Connection, attempt: Attempt) -> None:
    now = _now()
    for key, limit in attempt.limits().items():
        row = conn.execute(select(sign_in_throttle).where(sign_in_throttle.c.key == key)).first()
        failures = 1
        if row is not None and row.updated_at > now - limit.forget:
            failures = int(row.failures) + 1
        blocked = None
        if failures >= limit.free:
            delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - limit.free))
            blocked = now + timedelta(seconds=delay)
        _put(conn, key, failures, now, blocked, exists=row is not None)


def record_success(conn: Connection, attempt: Attempt) -> None:
    """The account's and this pair's counts start again (not the address's: signing in to an
    account of one's own must not buy more guesses at others), and the address becomes known."""
    conn.execute(delete(sign_in_throttle)
                 .where(sign_in_throttle.c.key.in_([attempt.pair, attempt.account])))
    exists = conn.execute(select(sign_in_throttle.c.key)
                          .where(sign_in_throttle.c.key == attempt.known)).first() is not None
    _put(conn, attempt.known, 0, _now(), None, exists=exists)


def unlock(conn: Connection, username: str) -> int:
    """Lift every block and count of one account (its known addresses stay known)."""
    name = username.casefold()
    result = conn.execute(delete(sign_in_throttle).where(or_(
        sign_in_throttle.c.key == f"account:{name}",
        sign_in_throttle.c.key.startswith(f"pair:{name}|", autoescape=True))))
    return int(result.rowcount or 0)


def _put(conn: Connection, key: str, failures: int, now: datetime, blocked: datetime | None,
         *, exists: bool) -> None:
    values = {"failures": failures, "updated_at": now, "blocked_until": blocked}
    if exists:
        conn.execute(sign_in_throttle.update().where(sign_in_throttle.c.key == key)
                     .values(**values))
        return
    try:
        with conn.begin_nested():  # another worker may insert the same key at the same moment
            conn.execute(sign_in_throttle.insert().values(key=key, **values))
    except IntegrityError:
        conn.execute(sign_in_throttle.update().where(sign_in_throttle.c.key == key)
                     .values(**values))
