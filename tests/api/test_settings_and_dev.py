"""Settings refuse insecure defaults outside development; --dev is loopback-only, says that
authentication is off, and shows the demo cohort on a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from thrombo.api.demo_data import load_demo_cohort
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.settings import InsecureSettingsError, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THROMBO_SECRET_KEY", raising=False)
    monkeypatch.delenv("THROMBO_DEV", raising=False)


@pytest.mark.parametrize("secret", [None, "", "changethis", "short-secret", "x" * 31])
def test_production_refuses_missing_or_weak_secret(secret: str | None) -> None:
    with pytest.raises(InsecureSettingsError):
        Settings(secret_key=secret, db="sqlite://")


def test_production_accepts_a_long_random_secret() -> None:
    assert Settings(secret_key="q" * 32, db="sqlite://").authentication_on


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROMBO_SECRET_KEY", "e" * 40)
    assert Settings(db="sqlite://").secret == b"e" * 40


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.org"])
def test_dev_binds_to_loopback_only(host: str) -> None:
    with pytest.raises(InsecureSettingsError, match="loopback"):
        Settings(dev=True, host=host, db="sqlite://")


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_dev_on_loopback_needs_no_secret(host: str) -> None:
    assert not Settings(dev=True, host=host, db="sqlite://").authentication_on


def test_dev_shows_the_demo_cohort_without_sign_in(tmp_path: Path) -> None:
    settings = Settings(dev=True, db=f"sqlite:///{tmp_path / 'dev.db'}", demo_patients=6)
    service = Service.open(settings)
    summary = load_demo_cohort(service.store, settings.demo_patients, itp_patients=2)
    assert summary is not None and summary.sources[0].stored >= 8
    assert load_demo_cohort(service.store, 6) is None, "loaded once, never twice"
    client = TestClient(create_app(settings, service))
    page = client.get("/")
    assert page.status_code == 200
    assert "AUTHENTICATION IS OFF" in page.text
    assert page.text.count('href="/patients/') == len(service.store.known_patient_ids())
