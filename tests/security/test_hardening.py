"""Smaller hardening of issue 20 ("should fix"), each through the real application.

- A lone surrogate in a password is a failed sign-in (401), not a 500 whose traceback would
  carry the password into the log.
- Patient pages as well as API answers are sent with `Cache-Control: no-store`.
- Swagger UI (which loads its script from a CDN) is served under --dev only.
- A new SQLite store is created readable by its owner only.
- Upload folders left by a killed server process are removed when the next one starts.
- Patient ids are one encoded path segment in links ("/" and bidi controls included).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Cohort, auth, settings_for
from thrombo.api.main import create_app
from thrombo.api.security import CONTENT_SECURITY_POLICY
from thrombo.api.uploads import sweep_stale_uploads
from thrombo.store.sql import Store
from thrombo.web.pages_common import path_segment


def test_a_lone_surrogate_in_a_password_is_a_failed_sign_in(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    body = b'{"username": "clin1", "password": "secret-\\ud800-password"}'
    page = TestClient(client.app)
    login = page.get("/login")
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = (b"username=clin1&password=secret-%ED%A0%80-password&csrf_token=" + csrf.encode())
    with caplog.at_level(logging.DEBUG):
        answer = client.post("/api/v1/auth/token", content=body,
                             headers={"content-type": "application/json"})
        by_form = page.post("/login", content=form,
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code in (401, 422)
    assert by_form.status_code == 401
    assert "secret-" not in caplog.text
    assert "secret-" not in answer.text


def test_patient_pages_are_not_cached(client: TestClient, tokens: dict[str, str],
                                      cohort: Cohort) -> None:
    patient_id = sorted(cohort.of_centre("C01"))[0]
    for path in (f"/patients/{patient_id}", "/", "/login"):
        answer = client.get(path, headers=auth(tokens["clin1"]))
        assert answer.headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")


def test_swagger_ui_only_under_dev(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
    dev = TestClient(create_app(settings_for("sqlite://", dev=True, secret_key=None)))
    assert dev.get("/api/docs").status_code == 200


def test_a_new_store_file_is_private(tmp_path: Path) -> None:
    Store.open(f"sqlite:///{tmp_path / 'new.db'}").engine.dispose()
    assert (tmp_path / "new.db").stat().st_mode & 0o077 == 0


def test_upload_folders_of_a_killed_server_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f"thrombo-upload-{dead.stdout.strip()}-abc"
    mine = tmp_path / f"thrombo-upload-{os.getpid()}-def"
    for folder in (stale, mine):
        folder.mkdir()
        (folder / "patients.csv").write_text("patient_id\nP1\n")
    assert sweep_stale_uploads(tmp_path) == 1
    assert not stale.exists() and mine.exists()


def test_patient_ids_are_one_encoded_path_segment() -> None:
    assert path_segment("A/B\u202eC") == "A%2FB%E2%80%AEC"
    assert path_segment("HSCT-001") == "HSCT-001"


def test_password_fixture_still_signs_in(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/token", json={"username": "clin1", "password": PASSWORD})
    assert answer.status_code == 200


def test_the_dev_api_reference_works_offline() -> None:
    """issue 21 item 10: /api/docs is the server's own page (no script, no CDN), listing every
    operation of the OpenAPI document."""
    dev = TestClient(create_app(settings_for("sqlite://", dev=True, secret_key=None)))
    page = dev.get("/api/docs")
    assert page.status_code == 200
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    # The page needs no looser policy than any other.
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    document = dev.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in page.text
    assert "/api/docs" not in document["paths"]
