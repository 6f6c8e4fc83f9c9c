"""A fresh PostgreSQL database for a test, on the server THROMBO_TEST_POSTGRES_URL names.

Without that variable the test is skipped, except under CI (THROMBO_CI), where PostgreSQL tests
must run and its absence fails them.
"""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError


def fresh_database(suffix: str) -> str:
    """The URL of an empty database `<base>_<suffix>` (dropped first if left over)."""
    base = os.environ.get("THROMBO_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("THROMBO_CI"):
            pytest.fail("THROMBO_TEST_POSTGRES_URL is unset under CI: PostgreSQL tests must run")
        pytest.skip("THROMBO_TEST_POSTGRES_URL unset (PostgreSQL tests run in CI)")
    url = make_url(base)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        _drop(conn, name)
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


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
