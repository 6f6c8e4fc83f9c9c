"""Portable backup and restore of a store: every table as JSON lines in one gzip file.

The file starts with a manifest (schema revision, row counts, creation time); each following line
is one row of one table, in dependency order, so a restore can insert as it reads; the last line
is the signature: an HMAC, under the integrity key kept outside the database (`store.keys`), over
the manifest's digest and every record's digest in order. A restore goes into an empty store in
one transaction, checks the signature, the counts against the manifest and the audit chain, and
otherwise leaves nothing behind: an edited value, a dropped or added row, a truncated file, or
a backup signed with another key restores nothing. Portable across SQLite and PostgreSQL, unlike
either database's own dump format.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.engine import Connection

from thrombo.errors import SourceError, ThromboUserError
from thrombo.store import audit
from thrombo.store.keys import subkey
from thrombo.store.schema import metadata, screening_results
from thrombo.store.sql import Store
from thrombo.store.throttle import sign_in_throttle

FORMAT = "thrombo-backup/2"
UNSIGNED_FORMAT = "thrombo-backup/1"
TRANSIENT = frozenset({sign_in_throttle.name, screening_results.name})
"""Tables not backed up: sign-in counts expire within a day and are no record; stored
screening results are derived from the records (screened again when absent)."""


class _Signer:
    """HMAC over the digest of every line, in order."""

    def __init__(self) -> None:
        self._mac = hmac.new(subkey("backup-manifest/1"), digestmod=hashlib.sha256)

    def add(self, line: str) -> None:
        self._mac.update(hashlib.sha256(line.encode()).digest())

    def signature(self) -> str:
        return self._mac.hexdigest()


@dataclass(frozen=True)
class BackupResult:
    path: str
    tables: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "tables": self.tables}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
        if tag == "$b":
            return base64.b64decode(raw)
    return value


def _tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in TRANSIENT]


def _revision(conn: Connection) -> str | None:
    # Asked first rather than caught: a failed SELECT would abort a PostgreSQL transaction,
    # and a blanket except would hide real faults.
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(store: Store, out: Path) -> BackupResult:
    """Write the backup to a temporary file and rename it: a crash leaves no half file."""
    partial = out.with_name(out.name + ".partial")
    counts: dict[str, int] = {}
    with store.engine.connect() as conn, gzip.open(partial, "wt", encoding="utf-8") as handle:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in _tables()
        }
        manifest = {
            "format": FORMAT,
            "revision": _revision(conn),
            "tables": counts,
            "created": datetime.now(UTC).isoformat(),
        }
        signer = _Signer()
        _write_line(handle, signer, json.dumps(manifest))
        for table in _tables():
            for row in conn.execute(select(table)):
                data = {k: _encode(v) for k, v in row._mapping.items()}
                _write_line(handle, signer, json.dumps({"t": table.name, "r": data}))
        handle.write(json.dumps({"signature": signer.signature(), "mac": "hmac-sha256"}) + "\n")
    os.chmod(partial, 0o600)
    os.replace(partial, out)
    return BackupResult(str(out), counts)


def _write_line(handle: Any, signer: _Signer, line: str) -> None:
    signer.add(line)
    handle.write(line + "\n")


def restore(store: Store, source: Path) -> BackupResult:
    if not source.is_file():
        raise SourceError(f"{source}: no such backup file")
    by_name = {t.name: t for t in _tables()}
    with store.engine.begin() as conn:
        if any(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in _tables()):
            raise ThromboUserError("restore needs an empty store; this one already holds data")
        try:
            with gzip.open(source, "rt", encoding="utf-8") as handle:
                manifest, seen = _insert_signed(conn, handle, by_name, source)
        except (OSError, EOFError, json.JSONDecodeError, KeyError) as exc:
            raise SourceError(f"{source}: damaged backup ({exc})") from exc
        if seen != manifest["tables"]:
            raise SourceError(f"{source}: row counts differ from the manifest; nothing restored")
        check = audit.verify_chain(conn)
        if not check.ok:
            raise SourceError(f"{source}: audit chain broken at entry {check.first_bad_id}")
        _reset_sequences(conn)
    return BackupResult(str(source), seen)


def _insert_signed(conn: Connection, handle: Any, by_name: dict[str, Table], source: Path
                   ) -> tuple[dict[str, Any], dict[str, int]]:
    """Check the signature over the whole file first (nothing unverified is ever inserted),
    then insert every record as it is read again."""
    _check_signature(handle, source)
    handle.seek(0)
    manifest = json.loads(handle.readline())
    seen: dict[str, int] = dict.fromkeys(by_name, 0)
    for line in handle:
        item = json.loads(line)
        if "signature" in item:
            break
        table = by_name[item["t"]]
        conn.execute(table.insert().values(**{k: _decode(v) for k, v in item["r"].items()}))
        seen[table.name] += 1
    return manifest, seen


def _check_signature(handle: Any, source: Path) -> None:
    signer = _Signer()
    first = handle.readline().rstrip("\n")
    manifest = json.loads(first)
    if manifest.get("format") == UNSIGNED_FORMAT:
        raise SourceError(f"{source}: an unsigned backup (written before backups were signed) "
                          "cannot be checked; nothing restored")
    if manifest.get("format") != FORMAT:
        raise ThromboUserError(f"{source}: not a thrombo backup")
    signer.add(first)
    signature = None
    for raw in handle:
        line = raw.rstrip("\n")
        if line.startswith('{"signature"'):
            signature = json.loads(line)["signature"]
            break
        signer.add(line)
    if signature is None or handle.readline():
        raise SourceError(f"{source}: the backup has no signature at its end (truncated or "
                          "unsigned); nothing restored")
    if not hmac.compare_digest(str(signature), signer.signature()):
        raise SourceError(f"{source}: the backup's signature does not match its content "
                          "(edited, or signed with another integrity key); nothing restored")


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL keeps serial counters apart from the rows: move them past restored ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.c.get("id")
        if column is not None and column.autoincrement is True:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
