"""The append-only audit trail, with a keyed hash chain and a signed head.

Each entry's hash is an HMAC-SHA256, under the integrity key kept outside the database
(`store.keys`), of its content and the previous entry's hash: an edited entry, or a chain
rewritten without the key, fails `verify_chain`. The head (`audit_head`: number of entries and
the last hash, signed with the same key) lives outside the audit table and moves with every
append, so that deleting the last entries, or all of them, is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, String, Table, func, select, text
from sqlalchemy.engine import Connection

from thrombo.errors import ThromboUserError
from thrombo.store.keys import subkey
from thrombo.store.schema import audit, imports, metadata

GENESIS = "0" * 64
HEAD_ID = 1

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("entries", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)
"""One row: how many entries the chain has and its last hash, signed (migration 0005)."""


class AuditTamperedError(ThromboUserError):
    """The chain has entries but no signed head: nothing is appended to a chain that cannot be
    anchored (run `thrombo audit verify`)."""


def _chain_key() -> bytes:
    return subkey("audit-chain/1")


def _digest(
    key: bytes,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    patient: str | None,
    detail: dict[str, Any],
) -> str:
    return hmac.new(key, _payload(prev_hash, at, actor, action, patient, detail),
                    hashlib.sha256).hexdigest()


def _payload(prev_hash: str, at: datetime, actor: str, action: str, patient: str | None,
             detail: dict[str, Any]) -> bytes:
    return json.dumps(
        [prev_hash, at.isoformat(), actor, action, patient, detail], sort_keys=True, default=str
    ).encode()


def _head_mac(key: bytes, entries: int, last_hash: str) -> str:
    return hmac.new(key, f"audit-head:{entries}:{last_hash}".encode(), hashlib.sha256).hexdigest()


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
    key = _chain_key()
    _lock_chain(conn)
    count, prev = _current_head(conn)
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows: list[dict[str, Any]] = []
    for e in entries:
        digest = _digest(key, prev, at, e.actor, e.action, e.patient_id, e.detail)
        rows.append({"at": at, "actor": e.actor, "action": e.action, "patient_id": e.patient_id,
                     "detail": e.detail, "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(audit.insert(), rows)
    write_head(conn, key, count + len(rows), prev)
    return [r["hash"] for r in rows]


def _current_head(conn: Connection) -> tuple[int, str]:
    """(entries, last hash) from the head; a store without entries starts at the genesis."""
    head = conn.execute(select(audit_head).where(audit_head.c.id == HEAD_ID)).first()
    if head is not None:
        return int(head.entries), str(head.last_hash)
    if conn.execute(select(audit.c.id).limit(1)).first() is not None:
        raise AuditTamperedError(
            "the audit trail has entries but no signed head: it may have been tampered with; "
            "run `thrombo audit verify`")
    return 0, GENESIS


def write_head(conn: Connection, key: bytes, entries: int, last_hash: str) -> None:
    values = {"entries": entries, "last_hash": last_hash,
              "mac": _head_mac(key, entries, last_hash)}
    updated = conn.execute(audit_head.update().where(audit_head.c.id == HEAD_ID).values(**values))
    if not updated.rowcount:
        conn.execute(audit_head.insert().values(id=HEAD_ID, **values))


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
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "ok": self.ok, "first_bad_id": self.first_bad_id,
                "reason": self.reason}


def verify_chain(conn: Connection) -> ChainCheck:
    """Recompute every entry's HMAC, then check the signed head against the chain's end."""
    key = _chain_key()
    prev = GENESIS
    count = 0
    for row in conn.execute(select(audit).order_by(audit.c.id)):
        count += 1
        expected = _digest(key, prev, row.at, row.actor, row.action, row.patient_id, row.detail)
        if row.prev_hash != prev or not hmac.compare_digest(row.hash, expected):
            return ChainCheck(count, False, row.id,
                              "entry edited, inserted, or written without the integrity key")
        prev = row.hash
    return _check_head(conn, key, count, prev)


def _check_head(conn: Connection, key: bytes, count: int, last: str) -> ChainCheck:
    head = conn.execute(select(audit_head).where(audit_head.c.id == HEAD_ID)).first()
    if head is None:
        if count == 0 and conn.execute(select(func.count()).select_from(imports)).scalar_one():
            return ChainCheck(0, False, None, "the audit trail is empty but the store holds "
                                             "imports: its entries were deleted")
        if count:
            return ChainCheck(count, False, None, "no signed head: the chain's end cannot be "
                                                  "confirmed")
        return ChainCheck(0, True)
    if not hmac.compare_digest(head.mac, _head_mac(key, int(head.entries), head.last_hash)):
        return ChainCheck(count, False, None, "the head's signature is wrong (edited head, or "
                                              "another integrity key)")
    if int(head.entries) != count or head.last_hash != last:
        return ChainCheck(count, False, None,
                          f"the signed head records {head.entries} entries, the table holds "
                          f"{count}: entries were deleted from the end" if count < head.entries
                          else f"the signed head records {head.entries} entries, the table "
                               f"holds {count}")
    return ChainCheck(count, True)


def reseal_legacy_chain(conn: Connection) -> ChainCheck:
    """Move a chain written before keying (plain SHA-256) to HMACs and sign its head (migration
    0005). Only an intact legacy chain is resealed; a broken one is left as it is, for
    `verify_chain` to report, with a head so that appends go on."""
    key = _chain_key()
    rows = list(conn.execute(select(audit).order_by(audit.c.id)))
    prev, intact = GENESIS, True
    for row in rows:
        plain = hashlib.sha256(_payload(prev, row.at, row.actor, row.action, row.patient_id,
                                        row.detail)).hexdigest()
        if row.prev_hash != prev or row.hash != plain:
            intact = False
            break
        prev = row.hash
    last = rows[-1].hash if rows else GENESIS
    if intact:
        last = GENESIS
        for row in rows:
            digest = _digest(key, last, row.at, row.actor, row.action, row.patient_id, row.detail)
            conn.execute(audit.update().where(audit.c.id == row.id)
                         .values(prev_hash=last, hash=digest))
            last = digest
    if rows:
        write_head(conn, key, len(rows), last)
    return ChainCheck(len(rows), intact)
