"""Several server processes on one store (`thrombo serve --workers N`).

The audit chain is locked in the database (PostgreSQL advisory lock, SQLite writer lock), so
processes appending at the same time must leave a chain `thrombo audit verify` accepts; a CDS
client JWT seen by one worker must be refused by another; and a two-worker server must answer
concurrent patient-view calls, auditing each one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.api.conftest import BACKENDS, postgres_url
from tests.reliability.service_load_script import load_script
from thrombo.api.cds.client_auth import ReplayGuard
from thrombo.store.schema import audit as audit_table
from thrombo.store.sql import Store

PROCESSES, THREADS, EACH = 2, 4, 40
APPENDER = f"""
import pathlib, sys, threading, time
from thrombo.api.service import Service
from thrombo.api.settings import Settings
service = Service.open(Settings(db=sys.argv[1], dev=True))
def work(n):
    for i in range({EACH}):
        service.record(f"user:p{{sys.argv[2]}}t{{n}}", "view", {{"i": i}}, "P1")
threads = [threading.Thread(target=work, args=(n,)) for n in range({THREADS})]
# A file barrier, not a wall-clock start: each process says it is ready (thrombo imported, store
# open) and waits for the test's go, so both append at once however slow the machine is.
folder = pathlib.Path(sys.argv[3])
(folder / f"ready-{{sys.argv[2]}}").touch()
while not (folder / "go").exists():
    time.sleep(0.001)
[t.start() for t in threads]
[t.join() for t in threads]
"""
BARRIER_TIMEOUT_SECONDS = 120.0

def thrombo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = postgres_url(f"workers_{worker}") if request.param == "postgres" \
        else f"sqlite:///{tmp_path / 'workers.db'}"
    Store.open(url).engine.dispose()  # migrated once, before the processes race
    return url


def test_two_processes_appending_at_once_leave_a_verifiable_chain(store_url: str,
                                                                   tmp_path: Path) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, store_url, str(n), str(barrier)],
                              stderr=subprocess.PIPE, text=True) for n in range(PROCESSES)]
    deadline = time.monotonic() + BARRIER_TIMEOUT_SECONDS
    while len(list(barrier.glob("ready-*"))) < PROCESSES:
        assert all(p.poll() is None for p in procs), "an appender exited before the barrier"
        assert time.monotonic() < deadline, "appenders not ready within the barrier timeout"
        time.sleep(0.01)
    (barrier / "go").touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    verified = thrombo("audit", "verify", "--db", store_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"intact: {PROCESSES * THREADS * EACH} entries" in verified.stdout


def test_a_jwt_id_seen_by_one_worker_is_refused_by_another(tmp_path: Path) -> None:
    shared = str(tmp_path / "cds-replay.db")
    first_worker, second_worker = ReplayGuard(shared), ReplayGuard(shared)
    expires = time.time() + 60
    assert first_worker.first_use("jti-1", expires)
    assert not second_worker.first_use("jti-1", expires)
    assert not first_worker.first_use("jti-1", expires)
    assert second_worker.first_use("jti-2", expires)


def test_in_memory_guard_still_refuses_a_replay() -> None:
    guard = ReplayGuard()
    assert guard.first_use("jti-1", time.time() + 60)
    assert not guard.first_use("jti-1", time.time() + 60)


@pytest.mark.slow
def test_two_worker_server_answers_and_audits_concurrent_patient_views(tmp_path: Path) -> None:
    bench = load_script()
    url = f"sqlite:///{tmp_path / 'served.db'}"
    ids = bench.prepare(url, tmp_path, 10)
    port = bench.free_port()
    server = bench.start_server(url, port, tmp_path / "server.log", workers=2)
    calls = 60
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http, \
                ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda i: http.post(bench.PATIENT_VIEW, json=bench.hook(ids[i % len(ids)])
                                    ).status_code, range(calls)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert statuses == [200] * calls
    store = Store.open(url)
    with store.engine.connect() as conn:
        audited = conn.execute(select(func.count()).select_from(audit_table)
                               .where(audit_table.c.action == "cds-patient-view")).scalar_one()
    store.engine.dispose()
    assert audited == calls
    verified = thrombo("audit", "verify", "--db", url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
