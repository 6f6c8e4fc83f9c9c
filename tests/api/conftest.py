"""Fixtures for the service tests: a populated store on SQLite and on PostgreSQL, users of every
role, and a TestClient over the real application.

PostgreSQL runs when THROMBO_TEST_POSTGRES_URL is set; under CI (THROMBO_CI) its absence is an
error, never a silent skip. Each xdist worker gets a database of its own on that server.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.postgres import fresh_database
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.settings import Settings
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user

SECRET = "test-secret-" + "k" * 40
PASSWORD = "correct horse battery staple"
USERS = {
    "clin1": ("clinician", "C01"),
    "clin2": ("clinician", "C02"),
    "res": ("researcher", None),
    "admin": ("administrator", None),
}
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_url(worker: str) -> str:
    return fresh_database(f"api_{worker}")


@dataclass
class Cohort:
    folder: Path
    centres: dict[str, str | None]
    """patient_id -> centre, from patients.csv (the ground truth the access tests check)."""

    def of_centre(self, centre: str) -> set[str]:
        return {pid for pid, c in self.centres.items() if c == centre}


@pytest.fixture(scope="session")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    folder = tmp_path_factory.mktemp("cohort") / "dataset"
    write_dataset(SimulationConfig(seed=7, patients=10, itp_patients=4, centers=2,
                                   tma_fraction=0.5), folder)
    with (folder / "patients.csv").open() as handle:
        centres = {r["patient_id"]: r["center"] or None for r in csv.DictReader(handle)}
    return Cohort(folder, centres)


@dataclass
class Backend:
    name: str
    url: str
    store: Store


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, cohort: Cohort,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "postgres":
        url = postgres_url(worker)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'service.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(cohort.folder)]), actor="test", command="fixture")
    with store.engine.begin() as conn:
        for name, (role, centre) in USERS.items():
            create_user(conn, name, PASSWORD, role, centre)
    yield Backend(request.param, url, store)
    store.engine.dispose()


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"db": url, "secret_key": SECRET, "cookie_secure": False}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def service(backend: Backend) -> Service:
    return Service(settings_for(backend.url), backend.store)


@pytest.fixture(scope="session")
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service))


@pytest.fixture(scope="session")
def tokens(client: TestClient) -> dict[str, str]:
    out = {}
    for name in USERS:
        answer = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        out[name] = answer.json()["access_token"]
    return out


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
