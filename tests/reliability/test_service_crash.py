"""The service killed mid-request: a SIGKILLed `thrombo serve` leaves nothing of the upload it was
importing half-present, the audit chain still verifies, and after a restart the same upload
completes with every record stored exactly once.

The server is a real `thrombo serve` subprocess on loopback over a temporary SQLite store; the
upload is large enough (50,000 observations) that the import is still running when the kill
lands. Several kill moments are tried, as in the CLI's crash test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import free_port
from tests.reliability.test_crash_safety import N_PATIENTS, OBS_PER_PATIENT, _state, _write_dataset
from thrombo.store.sql import Store
from thrombo.store.users import create_user

pytestmark = pytest.mark.slow

PASSWORD = "a long enough passphrase"
SECRET = "crash-test-secret-" + "c" * 40
KILL_AFTER_SECONDS = (0.3, 1.0, 2.5)


class Serve:
    """`thrombo serve` as a subprocess; `kill()` is SIGKILL, no chance to clean up."""

    def __init__(self, url: str) -> None:
        self.url, self.port = url, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        env = {**os.environ, "THROMBO_SECRET_KEY": SECRET, "THROMBO_COOKIE_SECURE": "false"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from thrombo.cli import main; main()", "serve",
             "--db", self.url, "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "")
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("thrombo serve did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    store = Store.open(url)
    with store.engine.begin() as conn:
        create_user(conn, "admin", PASSWORD, "administrator")
    store.engine.dispose()
    server = Serve(url)
    yield server
    server.kill()


def _token(base: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/api/v1/auth/token",
                        json={"username": "admin", "password": PASSWORD}, timeout=30)
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _files(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.glob("*.csv"))]


def _upload(base: str, headers: dict[str, str], folder: Path) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/imports", headers=headers, files=_files(folder),
                      timeout=300)


def test_sigkill_mid_upload_then_retry(serve: Serve, tmp_path: Path) -> None:
    folder = tmp_path / "big"
    n_obs = _write_dataset(folder)
    kills_mid_request = 0
    for delay in KILL_AFTER_SECONDS:
        base = serve.start()
        headers = _token(base)
        outcome: dict[str, object] = {}

        def send(base: str = base, headers: dict[str, str] = headers,
                 outcome: dict[str, object] = outcome) -> None:
            try:
                outcome["status"] = _upload(base, headers, folder).status_code
            except httpx.TransportError as exc:
                outcome["error"] = type(exc).__name__

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(delay)
        killed_mid_request = sender.is_alive()
        serve.kill()
        sender.join(timeout=30)
        _, n_patients, stored, intact = _state(serve.url)
        assert intact, "the audit chain verifies after the kill"
        assert (n_patients, stored) in {(0, 0), (N_PATIENTS, n_obs)}, "all or nothing"
        if killed_mid_request:
            kills_mid_request += 1
            assert "error" in outcome, "the client saw the connection drop"
        if stored:
            break
    assert kills_mid_request >= 1, "at least one kill landed while the upload was in flight"
    base = serve.start()
    answer = _upload(base, _token(base), folder)
    assert answer.status_code == 201, answer.text
    source = answer.json()["sources"][0]
    assert source["records"] == (source["stored"] + source["duplicates"] + source["skipped"]
                                 + source["quarantined"])
    again = _upload(base, _token(base), folder).json()["sources"][0]
    assert again["stored"] == 0, "a second retry stores nothing new"
    serve.stop()
    _, n_patients, stored, intact = _state(serve.url)
    assert (n_patients, stored) == (N_PATIENTS, n_obs), "every record exactly once"
    assert intact
    assert n_obs == OBS_PER_PATIENT * N_PATIENTS
