"""Concurrent writers on SQLite: wait for the writer lock, or say so in one line.

SQLite has one writer at a time. A second import used to end in a raw "database is locked"
traceback after pysqlite's 5 seconds; now a command waits up to the busy timeout (60 s,
`THROMBO_SQLITE_BUSY_TIMEOUT` to change it) and then exits 2 with one line, and the service
answers 503 with Retry-After. The lock is held by the test itself (BEGIN IMMEDIATE), so the
timing is certain.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.reliability.test_service_crash import PASSWORD, Serve
from thrombo.store.sql import Store
from thrombo.store.users import create_user

BAD_ROWS = Path(__file__).parents[1] / "fixtures" / "datasets" / "bad_rows"


@contextmanager
def writer_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Hold SQLite's writer lock, as a long import in another process does."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def _import(url: str, timeout: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if timeout is not None:
        env["THROMBO_SQLITE_BUSY_TIMEOUT"] = timeout
    return subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "import", str(BAD_ROWS),
         "--db", url], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "busy.db"
    Store.open(f"sqlite:///{path}").engine.dispose()
    return path


def test_an_import_behind_a_held_lock_exits_2_with_one_line(store_file: Path) -> None:
    with writer_lock(store_file):
        done = _import(f"sqlite:///{store_file}", timeout="1")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "busy" in lines[0], done.stderr


def test_an_import_waits_for_a_lock_released_in_time(store_file: Path) -> None:
    """The default busy timeout outlasts another writer's few seconds."""
    with writer_lock(store_file) as conn:
        threading.Timer(2.0, lambda: conn.execute("COMMIT")).start()
        started = time.monotonic()
        done = _import(f"sqlite:///{store_file}", timeout=None)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 2.0


def test_two_imports_at_once_both_complete(store_file: Path) -> None:
    url = f"sqlite:///{store_file}"
    with writer_lock(store_file) as conn:  # both start behind the lock, then race for it
        threading.Timer(1.0, lambda: conn.execute("COMMIT")).start()
        env = dict(os.environ)
        procs = [subprocess.Popen(
            [sys.executable, "-c", "from thrombo.cli import main; main()", "import",
             str(BAD_ROWS), "--db", url], env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
        codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0], [p.stderr.read() if p.stderr else "" for p in procs]


@pytest.fixture
def busy_server(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    store = Store.open(f"sqlite:///{store_file}")
    with store.engine.begin() as conn:
        create_user(conn, "admin", PASSWORD, "administrator")
    store.engine.dispose()
    monkeypatch.setenv("THROMBO_SQLITE_BUSY_TIMEOUT", "1")
    server = Serve(f"sqlite:///{store_file}")
    base = server.start()
    yield base, store_file
    server.stop()


def test_the_service_answers_503_while_an_import_holds_the_store(
        busy_server: tuple[str, Path]) -> None:
    base, path = busy_server
    answer = httpx.post(f"{base}/api/v1/auth/token",
                        json={"username": "admin", "password": PASSWORD}, timeout=30)
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    with writer_lock(path):
        busy = httpx.get(f"{base}/api/v1/patients", headers=headers, timeout=30)
    assert busy.status_code == 503, busy.text
    assert int(busy.headers["Retry-After"]) > 0
    assert httpx.get(f"{base}/api/v1/patients", headers=headers, timeout=30).status_code == 200
