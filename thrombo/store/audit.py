"""The append-only audit trail, with a hash chain so that tampering can be detected.

Each entry's hash covers its content and the previous entry's hash; `verify_chain` recomputes the
chain. (Database-level protection against updates and deletes is added where the server allows it.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from thrombo.store.schema import audit

GENESIS = "0" * 64


def _digest(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    patient: str | None,
    detail: dict[str, Any],
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor, action, patient, detail], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    detail: dict[str, Any]
    patient_id: str | None = None


def record(
    conn: Connection,
    actor: str,
    action: str,
    detail: dict[str, Any],
    patient_id: str | None = None,
) -> str:
    """Append one audit entry inside the caller's transaction; returns its hash."""
    return record_many(conn, [AuditEntry(actor, action, detail, patient_id)])[0]


def record_many(conn: Connection, entries: Sequence[AuditEntry]) -> list[str]:
    """Append entries in order inside the caller's transaction; returns their hashes.

    One lock, one read of the last hash and one multi-row insert whatever the number of entries:
    a busy service appends what its concurrent requests produced together (group commit)."""
    if not entries:
        return []
    _lock_chain(conn)
    last = conn.execute(select(audit.c.hash).order_by(audit.c.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows: list[dict[str, Any]] = []
    for e in entries:
        digest = _digest(prev, at, e.actor, e.action, e.patient_id, e.detail)
        rows.append({"at": at, "actor": e.actor, "action": e.action, "patient_id": e.patient_id,
                     "detail": e.detail, "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(audit.insert(), rows)
    return [r["hash"] for r in rows]


CHAIN_LOCK_KEY = 7_346_012
"""PostgreSQL advisory lock id that serialises appends to the audit chain."""


def _lock_chain(conn: Connection) -> None:
    """Hold the chain's write lock until the transaction ends, so that two writers (processes
    or threads) cannot both read the same last hash and fork the chain."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # A write statement takes SQLite's single writer lock (no row changes).
        conn.execute(text("UPDATE audit SET id = id WHERE 1 = 0"))


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    ok: bool
    first_bad_id: int | None = None


def verify_chain(conn: Connection) -> ChainCheck:
    prev = GENESIS
    count = 0
    for row in conn.execute(select(audit).order_by(audit.c.id)):
        count += 1
        expected = _digest(prev, row.at, row.actor, row.action, row.patient_id, row.detail)
        if row.prev_hash != prev or row.hash != expected:
            return ChainCheck(count, False, row.id)
        prev = row.hash
    return ChainCheck(count, True)
