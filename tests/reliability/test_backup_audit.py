"""Backup/restore round trip and tamper detection in the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from thrombo.errors import SourceError, ThromboUserError
from thrombo.store import audit
from thrombo.store.backup import backup, restore
from thrombo.store.schema import audit as audit_table
from thrombo.store.schema import observations, patients
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

BAD_ROWS = Path(__file__).parents[1] / "fixtures" / "datasets" / "bad_rows"


def _filled(url: str) -> Store:
    store = Store.open(url)
    store.import_dataset(read_sources([str(BAD_ROWS)]), actor="test", command="test")
    return store


def _count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_backup_then_restore_gives_the_same_store(tmp_path: Path) -> None:
    original = _filled(f"sqlite:///{tmp_path / 'a.db'}")
    result = backup(original, tmp_path / "b.jsonl.gz")
    assert result.tables["observations"] == 11
    copy = Store.open(f"sqlite:///{tmp_path / 'copy.db'}")
    restore(copy, tmp_path / "b.jsonl.gz")
    assert _count(copy, observations) == _count(original, observations) == 11
    assert _count(copy, patients) == 2
    assert [t.observations for t in copy.timelines()] == [
        t.observations for t in original.timelines()
    ]
    with copy.engine.connect() as conn:
        assert audit.verify_chain(conn).ok


def test_restore_refuses_a_store_that_has_data(tmp_path: Path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'a.db'}")
    backup(store, tmp_path / "b.jsonl.gz")
    with pytest.raises(ThromboUserError, match="empty store"):
        restore(store, tmp_path / "b.jsonl.gz")


def test_a_truncated_backup_restores_nothing(tmp_path: Path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'a.db'}")
    backup(store, tmp_path / "b.jsonl.gz")
    damaged = tmp_path / "damaged.jsonl.gz"
    data = (tmp_path / "b.jsonl.gz").read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    empty = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(SourceError):
        restore(empty, damaged)
    assert _count(empty, observations) == 0
    assert _count(empty, patients) == 0


def test_tampering_with_an_audit_entry_is_detected(tmp_path: Path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'a.db'}")
    store.import_dataset(read_sources([str(BAD_ROWS)]), actor="second", command="test")
    with store.engine.begin() as conn:
        assert audit.verify_chain(conn).ok
        first_id = conn.execute(select(func.min(audit_table.c.id))).scalar_one()
        conn.execute(
            update(audit_table).where(audit_table.c.id == first_id).values(actor="someone else")
        )
    with store.engine.connect() as conn:
        check = audit.verify_chain(conn)
    assert not check.ok
    assert check.first_bad_id == first_id
