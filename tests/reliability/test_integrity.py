"""Tamper evidence that survives someone with write access to the database.

The audit chain is keyed (HMAC under the integrity key, kept outside the database) and its head
(number of entries, last hash) is signed in a table of its own: deleting the last entry, deleting
every entry, or rewriting the whole chain with plain SHA-256 is reported by `thrombo audit
verify` (exit 1). A backup is signed over every record: one edited lab value, a dropped row, a
missing signature or another key, and the restore refuses, leaving the store empty.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, delete, func, insert, select, update
from typer.testing import CliRunner

import thrombo.cli.commands  # noqa: F401  (registers every command)
from thrombo.cli.app import app
from thrombo.errors import SourceError
from thrombo.store import audit
from thrombo.store.audit import audit_head
from thrombo.store.backup import backup, restore
from thrombo.store.migrate import alembic_config
from thrombo.store.schema import audit as audit_table
from thrombo.store.schema import observations
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

BAD_ROWS = Path(__file__).parents[1] / "fixtures" / "datasets" / "bad_rows"
OTHER_KEY = "another-integrity-key-" + "x" * 30


def _store(tmp_path: Path, imports: int = 2) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    for i in range(imports):
        store.import_dataset(read_sources([str(BAD_ROWS)]), actor=f"test{i}", command="test")
    return url, store


def _verify(url: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["audit", "verify", "--db", url, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_an_intact_keyed_chain_verifies(tmp_path: Path) -> None:
    url, _ = _store(tmp_path)
    assert _verify(url) == (0, {"entries": 2, "ok": True, "first_bad_id": None, "reason": None})


def test_deleting_the_last_entry_is_detected(tmp_path: Path) -> None:
    url, store = _store(tmp_path)
    with store.engine.begin() as conn:
        last = conn.execute(select(func.max(audit_table.c.id))).scalar_one()
        conn.execute(delete(audit_table).where(audit_table.c.id == last))
    code, document = _verify(url)
    assert code == 1
    assert "deleted from the end" in str(document["reason"])


def test_deleting_every_entry_and_the_head_is_detected(tmp_path: Path) -> None:
    url, store = _store(tmp_path)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_table))
        conn.execute(delete(audit_head))
    code, document = _verify(url)
    assert code == 1
    assert "empty" in str(document["reason"])


def test_a_chain_rewritten_with_plain_sha256_is_detected(tmp_path: Path) -> None:
    """The attack of issue 20: edit an entry, recompute every hash as the old chain did, and
    fix the head's count and last hash (its signature cannot be fixed without the key)."""
    url, store = _store(tmp_path)
    with store.engine.begin() as conn:
        rows = list(conn.execute(select(audit_table).order_by(audit_table.c.id)))
        prev = audit.GENESIS
        for row in rows:
            actor = "someone else" if row.id == rows[0].id else row.actor
            digest = hashlib.sha256(audit._payload(prev, row.at, actor, row.action,
                                                   row.patient_id, row.detail)).hexdigest()
            conn.execute(update(audit_table).where(audit_table.c.id == row.id)
                         .values(actor=actor, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(update(audit_head).values(last_hash=prev))
    code, document = _verify(url)
    assert code == 1
    assert document["first_bad_id"] == rows[0].id


def test_an_edited_head_is_detected(tmp_path: Path) -> None:
    url, store = _store(tmp_path)
    with store.engine.begin() as conn:
        conn.execute(update(audit_head).values(entries=1))
    code, document = _verify(url)
    assert code == 1
    assert "signature" in str(document["reason"])


def test_another_key_does_not_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = _store(tmp_path)
    monkeypatch.setenv("THROMBO_INTEGRITY_KEY", OTHER_KEY)
    assert _verify(url)[0] == 1


def test_nothing_is_appended_to_a_chain_whose_head_was_removed(tmp_path: Path) -> None:
    """An append would otherwise sign a fresh head over a truncated chain."""
    _, store = _store(tmp_path)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_head))
    with pytest.raises(audit.AuditTamperedError), store.engine.begin() as conn:
        audit.record(conn, "test", "view", {})


def _legacy_store(tmp_path: Path, *, tamper: bool) -> str:
    """A store at revision 0004 whose audit chain is plain SHA-256, as written before keying."""
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
        prev = audit.GENESIS
        at = datetime(2026, 1, 1)
        for i in range(3):
            detail = {"i": i}
            digest = hashlib.sha256(audit._payload(prev, at, "cli", "import", None,
                                                   detail)).hexdigest()
            actor = "edited" if tamper and i == 1 else "cli"
            conn.execute(insert(audit_table).values(at=at, actor=actor, action="import",
                                                    patient_id=None, detail=detail,
                                                    prev_hash=prev, hash=digest))
            prev = digest
    engine.dispose()
    return url


def test_an_intact_legacy_chain_is_resealed_by_the_migration(tmp_path: Path) -> None:
    url = _legacy_store(tmp_path, tamper=False)
    Store.open(url)
    assert _verify(url) == (0, {"entries": 3, "ok": True, "first_bad_id": None, "reason": None})


def test_a_broken_legacy_chain_stays_broken(tmp_path: Path) -> None:
    url = _legacy_store(tmp_path, tamper=True)
    Store.open(url)
    assert _verify(url)[0] == 1


# -- backups --------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def _write(path: Path, lines: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _edited_lab_value(lines: list[str]) -> list[str]:
    out, done = [], False
    for line in lines:
        item = json.loads(line)
        if not done and item.get("t") == "observations":
            item["r"]["value"] = float(item["r"]["value"]) * 10
            out.append(json.dumps(item))
            done = True
        else:
            out.append(line)
    assert done
    return out


@pytest.mark.parametrize("damage", ["edited value", "dropped row", "no signature"])
def test_a_tampered_backup_restores_nothing(tmp_path: Path, damage: str) -> None:
    _, store = _store(tmp_path, imports=1)
    original = tmp_path / "b.jsonl.gz"
    backup(store, original)
    lines = _lines(original)
    if damage == "edited value":
        lines = _edited_lab_value(lines)
    elif damage == "dropped row":
        lines = [line for i, line in enumerate(lines) if i != 5]
    else:
        lines = lines[:-1]
    _write(tmp_path / "t.jsonl.gz", lines)
    target = Store.open(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(SourceError):
        restore(target, tmp_path / "t.jsonl.gz")
    with target.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(observations)).scalar_one() == 0


def test_a_backup_signed_with_another_key_restores_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, store = _store(tmp_path, imports=1)
    backup(store, tmp_path / "b.jsonl.gz")
    monkeypatch.setenv("THROMBO_INTEGRITY_KEY", OTHER_KEY)
    target = Store.open(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(SourceError, match="signature"):
        restore(target, tmp_path / "b.jsonl.gz")


def test_the_restore_command_refuses_an_edited_backup(tmp_path: Path) -> None:
    _, store = _store(tmp_path, imports=1)
    backup(store, tmp_path / "b.jsonl.gz")
    _write(tmp_path / "t.jsonl.gz", _edited_lab_value(_lines(tmp_path / "b.jsonl.gz")))
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "t.jsonl.gz"), "--db",
                                      f"sqlite:///{tmp_path / 'target.db'}"])
    assert isinstance(result.exception, SourceError)  # main() prints it as one line, exit 2
    assert "signature" in str(result.exception)
    assert (tmp_path / "b.jsonl.gz").stat().st_mode & 0o077 == 0, "backup readable by others"
