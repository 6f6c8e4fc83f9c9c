"""The service's caches and its audit writer: nothing stale after an import, every access audited.

The patient-view card and the patient list are kept per store data version; these tests import
new data into a running service and require the very next answer to show it, with the expected
status computed independently (a fresh read of the store, screened by the clinical layer).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError

from tests.api.conftest import BACKENDS, postgres_url, settings_for
from thrombo.api import clinical
from thrombo.api.audit_writer import AuditWriteError, AuditWriter
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store import audit
from thrombo.store.audit import AuditEntry
from thrombo.store.schema import audit as audit_table
from thrombo.store.schema import imports
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.web.patient_page import status_rows, warm_status_cache

PATIENT_VIEW = "/cds-services/thrombo-ta-tma"


@pytest.fixture(params=BACKENDS)
def empty_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A service over a store of its own (these tests write to it)."""
    if request.param == "postgres":
        url = postgres_url(f"cache_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    else:
        url = f"sqlite:///{tmp_path / 'cache.db'}"
    store = Store.open(url)
    yield Service(settings_for(url, cds_require_jwt=False), store)
    store.engine.dispose()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Simulated patients, every one with a TA-TMA course: the full data decides the status."""
    folder = tmp_path_factory.mktemp("cache") / "full"
    write_dataset(SimulationConfig(seed=11, patients=4, itp_patients=0, centers=1,
                                   tma_fraction=1.0, poor_graft_function_fraction=0.0,
                                   infection_lookalike_fraction=0.0), folder)
    return folder


def patients_only(dataset: Path) -> Path:
    """The same patients without a single observation (patients.csv is the one required file)."""
    folder = dataset.parent / "patients-only"
    folder.mkdir(exist_ok=True)
    shutil.copy(dataset / "patients.csv", folder / "patients.csv")
    return folder


def load(service: Service, folder: Path) -> None:
    service.store.import_dataset(read_sources([str(folder)]), actor="test", command="import")


def call(client: TestClient, patient_id: str) -> dict[str, Any]:
    answer = client.post(PATIENT_VIEW, json={
        "hook": "patient-view", "hookInstance": f"cache-{patient_id}",
        "context": {"userId": "Practitioner/1", "patientId": patient_id}})
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def expected_status(store: Store, service: Service, patient_id: str) -> str:
    (timeline,) = store.timelines(service.tz, [patient_id])
    return clinical.screen_one(timeline, service.today()).status


def audit_count(service: Service, action: str) -> int:
    with service.store.engine.connect() as conn:
        stmt = select(func.count()).select_from(audit_table).where(
            audit_table.c.action == action)
        return int(conn.execute(stmt).scalar_one())


def test_patient_view_card_shows_data_imported_after_it_was_cached(
    empty_service: Service, dataset: Path
) -> None:
    """First import: patients without observations, so "not enough data"; the card is cached.
    Second import (the observations): the next call must give the status of the new data."""
    service = empty_service
    load(service, patients_only(dataset))
    client = TestClient(create_app(service.settings, service))
    patient_id = sorted(service.store.known_patient_ids())[0]
    before = call(client, patient_id)["cards"][0]["summary"]
    assert call(client, patient_id)["cards"][0]["summary"] == before  # served from the cache
    assert "not enough data" in before

    load(service, dataset)
    status = expected_status(service.store, service, patient_id)
    assert status != "insufficient-data"  # the simulated course has TA-TMA data
    after = call(client, patient_id)["cards"][0]
    assert after["summary"] != before
    assert f"**Status:** {status}" in after["detail"]


def test_patient_list_shows_a_patient_imported_after_it_was_cached(
    empty_service: Service, dataset: Path, tmp_path: Path
) -> None:
    service = empty_service
    first_only = tmp_path / "first-patient"
    first_only.mkdir()
    lines = (dataset / "patients.csv").read_text().splitlines(keepends=True)
    (first_only / "patients.csv").write_text("".join(lines[:2]))
    load(service, first_only)
    viewer = Service(service.settings.model_copy(update={"dev": True}), service.store)
    client = TestClient(create_app(viewer.settings, viewer))
    listed = client.get("/")
    (first,) = service.store.known_patient_ids()
    assert f"/patients/{first}" in listed.text  # the patient list, not a sign-in page
    later = sorted(all_ids(dataset) - {first})
    assert later and not any(pid in listed.text for pid in later)
    load(service, dataset)
    listed = client.get("/")
    assert all(f"/patients/{pid}" in listed.text for pid in later)


def all_ids(dataset: Path) -> set[str]:
    lines = (dataset / "patients.csv").read_text().splitlines()[1:]
    return {line.split(",")[0] for line in lines}


def test_every_cached_patient_view_is_audited(empty_service: Service, dataset: Path) -> None:
    service = empty_service
    load(service, dataset)
    client = TestClient(create_app(service.settings, service))
    patient_id = sorted(service.store.known_patient_ids())[0]
    before = audit_count(service, "cds-patient-view")
    for _ in range(5):
        call(client, patient_id)
    assert audit_count(service, "cds-patient-view") == before + 5
    with service.store.engine.connect() as conn:
        assert audit.verify_chain(conn).ok


def test_data_version_changes_when_an_earlier_started_import_commits_last(
    empty_service: Service,
) -> None:
    """Of two overlapping imports the later-started one may commit first: the other's commit
    then adds an import below the last id, and the version must still change."""
    service = empty_service
    now = datetime.now(UTC).replace(tzinfo=None)
    with service.store.engine.begin() as conn:
        conn.execute(imports.insert().values(id=10, started_at=now, actor="t", command="b",
                                             summary={}))
    version = service.store_version()
    with service.store.engine.begin() as conn:
        conn.execute(imports.insert().values(id=5, started_at=now, actor="t", command="a",
                                             summary={}))
    assert service.store_version() != version


def test_concurrent_appends_share_transactions_and_keep_the_chain(
    empty_service: Service,
) -> None:
    service = empty_service
    threads, each = 16, 25

    def work(n: int) -> None:
        for i in range(each):
            service.record(f"user:t{n}", "view", {"i": i}, f"P{n}")

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    writer = service.audit_writer
    assert writer.entries == threads * each
    assert writer.batches <= writer.entries
    with service.store.engine.connect() as conn:
        check = audit.verify_chain(conn)
    assert check.ok and check.entries == threads * each


def test_a_failed_audit_write_fails_every_request_in_it(tmp_path: Path) -> None:
    """No table to write to: the writer's own request gets the database error, any request
    whose entry rode in the same transaction gets AuditWriteError; none returns quietly."""
    engine = create_engine(f"sqlite:///{tmp_path / 'no-schema.db'}")
    writer = AuditWriter(engine, threading.Lock())
    failures: list[BaseException] = []

    def append() -> None:
        try:
            writer.append(AuditEntry("user:t", "view", {}, "P1"))
        except (OperationalError, AuditWriteError) as exc:
            failures.append(exc)

    threads = [threading.Thread(target=append) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(failures) == 8
    assert all(isinstance(f, OperationalError) or isinstance(f.__cause__, OperationalError)
               for f in failures)
    assert writer.entries == 0


def test_the_warm_up_keeps_nothing_stale_when_an_import_commits_during_it(
    empty_service: Service, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's warm-up reads every timeline and screens it. An import that commits
    after the timelines were read must not leave the old status cached under the new store
    version: the next list shows the imported data."""
    service = empty_service
    load(service, patients_only(dataset))
    read_timelines = service.store.timelines
    imported: list[bool] = []

    def read_then_import(*args: Any, **kwargs: Any) -> Any:
        found = read_timelines(*args, **kwargs)
        if not imported:
            imported.append(True)
            load(service, dataset)  # commits between the read and the screening
        return found

    monkeypatch.setattr(service.store, "timelines", read_then_import)
    warm_status_cache(service)
    monkeypatch.undo()
    assert imported
    ids = sorted(service.store.known_patient_ids())
    rows = status_rows(service, service.timelines(ids), service.today())
    assert [row.tma_status for row in rows] == [
        expected_status(service.store, service, pid) for pid in ids]
    assert any(row.tma_status != "insufficient-data" for row in rows)
