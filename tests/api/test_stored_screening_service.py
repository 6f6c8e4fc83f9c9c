"""The service's side of stored screening results (issue 22 item 3).

An upload is screened after its commit like `thrombo import`: the patients it wrote to, under
the default set with its default options, as of the service's day in its time zone, each
result stored with the patient's data version. The service reads a stored result whose data
version still matches instead of screening again, and stores one it screened itself for today.
Every stored result must equal a fresh screening of the patient's stored timeline (the path
before item 3: `screen_patient`), and every answer must be the one the fresh path gives.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from tests.api.test_service_cache import empty_service  # noqa: F401  (the fixture)
from thrombo.api import clinical
from thrombo.api.main import create_app
from thrombo.api.screening_memo import screening
from thrombo.api.service import Service
from thrombo.rules.screening import screen_patient
from thrombo.services import importing, stored_screening
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.schema import patients, screening_results
from thrombo.store.sources import read_sources

PATIENTS = SimulationConfig(seed=5, patients=6, itp_patients=1, centers=1, tma_fraction=0.5)
"""Six transplant recipients, about half with TA-TMA in the simulator's truth, and one ITP
patient (not applicable): seven patients, every status."""
MARK = "stored result, read back"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stored-service") / "dataset"
    write_dataset(PATIENTS, folder, "csv")
    (folder / "truth.csv").unlink()  # not a file the readers take
    return folder


@pytest.fixture
def service(empty_service: Service) -> Service:  # noqa: F811
    """A development service (everyone the administrator) over an empty store of its own."""
    return Service(empty_service.settings.model_copy(update={"dev": True}), empty_service.store)


def upload(client: TestClient, folder: Path) -> dict[str, Any]:
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.glob("*.csv"))]
    answer = client.post("/api/v1/imports", files=files)
    assert answer.status_code == 201, answer.text
    document: dict[str, Any] = answer.json()
    return document


def stored_rows(service: Service) -> dict[str, dict[str, Any]]:
    """patient id -> the stored row (data version, day, result, when computed)."""
    table = screening_results
    with service.store.engine.connect() as conn:
        rows = conn.execute(select(table.c.patient_id, table.c.data_version, table.c.as_of,
                                   table.c.result, table.c.computed_at)).all()
    return {r.patient_id: {"version": r.data_version, "as_of": r.as_of, "result": r.result,
                           "computed_at": r.computed_at} for r in rows}


def fresh(service: Service, day: date | None = None) -> dict[str, dict[str, Any]]:
    """Every stored patient screened again from the store (the default set and options)."""
    criteria = clinical.criteria_set()
    return {t.patient_id: screen_patient(t, criteria, day or service.today()).to_json()
            for t in service.store.timelines(service.tz)}


def results_of(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {pid: row["result"] for pid, row in rows.items()}


def one_more_count(dataset: Path, folder: Path, patient_id: str) -> Path:
    """An upload of one patient with one new platelet count (7 x 10^9/L) the day before the
    patient's last result; the patient row again, already stored (a duplicate)."""
    folder.mkdir()
    header, *rows = (dataset / "patients.csv").read_text().splitlines()
    (folder / "patients.csv").write_text(
        "\n".join([header, *(r for r in rows if r.split(",")[0] == patient_id)]) + "\n")
    _, *observations = (dataset / "observations.csv").read_text().splitlines()
    last = max(r.split(",")[1] for r in observations if r.split(",")[0] == patient_id)
    when = date.fromisoformat(last[:10]) - timedelta(days=1)
    (folder / "observations.csv").write_text(
        f"patient_id,time,code,value,unit\n{patient_id},{when}T08:00:00+00:00,platelets,7,"
        "10*9/L\n")
    return folder


def transplanted(dataset: Path) -> str:
    header, *rows = (dataset / "patients.csv").read_text().splitlines()
    column = header.split(",").index("hsct_date")
    return next(r.split(",")[0] for r in rows if r.split(",")[column])


def test_an_upload_stores_each_patients_result_equal_to_a_fresh_screening(
        service: Service, dataset: Path) -> None:
    client = TestClient(create_app(service.settings, service))

    answer = upload(client, dataset)

    assert answer["screening"]["rules"] == clinical.criteria_set().rules_json()
    assert answer["screening"]["as_of"] == service.today().isoformat()
    assert answer["screening"]["time_zone"] == str(service.tz)
    assert (answer["screening"]["patients_touched"], answer["screening"]["results_stored"],
            answer["screening"]["patients_failed"]) == (7, 7, 0)
    rows = stored_rows(service)
    assert results_of(rows) == fresh(service)
    assert {row["as_of"] for row in rows.values()} == {service.today()}


def test_a_second_upload_screens_only_the_patient_it_wrote_to(
        service: Service, dataset: Path, tmp_path: Path) -> None:
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    before = stored_rows(service)
    changed = transplanted(dataset)

    answer = upload(client, one_more_count(dataset, tmp_path / "extra", changed))

    assert answer["sources"][0]["stored"] == 1 and answer["sources"][0]["duplicates"] == 1
    assert (answer["screening"]["patients_touched"],
            answer["screening"]["results_stored"]) == (1, 1)
    after = stored_rows(service)
    assert after[changed]["version"] != before[changed]["version"]
    assert {pid: row for pid, row in after.items() if pid != changed} == {
        pid: row for pid, row in before.items() if pid != changed}  # not even rewritten
    assert results_of(after) == fresh(service)
    # The new count is in the stored result: 7 x 10^9/L is below every platelet limit.
    assert after[changed]["result"] != before[changed]["result"]


def test_the_service_answers_from_the_stored_result(service: Service, dataset: Path) -> None:
    """Every stored result is given a warning no screening writes: each route that screens
    under the default set for today must show it (it read the store, did not screen again),
    and under another set or day must not."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    mark_every_result(service)
    pid = transplanted(dataset)

    one = client.get(f"/api/v1/patients/{pid}/screening").json()
    listed = client.get("/api/v1/screening").json()
    both = client.get(f"/api/v1/patients/{pid}/screening", params={"criteria": "all"}).json()
    hook = client.post("/cds-services/thrombo-ta-tma", json={
        "hook": "patient-view", "hookInstance": "stored",
        "context": {"userId": "Practitioner/1", "patientId": pid}}).json()

    assert MARK in one["patient"]["warnings"]
    assert all(MARK in p["warnings"] for p in listed["patients"])
    assert MARK in listed["warnings"]
    default, *others = both["results"]
    assert default["rules"]["name"] == clinical.DEFAULT_CRITERIA
    assert MARK in default["patient"]["warnings"]
    assert others and not any(MARK in r["patient"]["warnings"] for r in others)
    assert MARK in hook["cards"][0]["detail"]
    yesterday = (service.today() - timedelta(days=1)).isoformat()
    earlier = client.get(f"/api/v1/patients/{pid}/screening", params={"as_of": yesterday})
    assert MARK not in earlier.json()["patient"]["warnings"]


def mark_every_result(service: Service) -> None:
    with service.store.engine.begin() as conn:
        rows = conn.execute(select(screening_results.c.patient_id, screening_results.c.result))
        for pid, result in rows.all():
            marked = {**result, "warnings": [*result["warnings"], MARK]}
            conn.execute(update(screening_results)
                         .where(screening_results.c.patient_id == pid).values(result=marked))


def test_a_patient_screened_by_the_service_today_is_stored_for_the_next_reader(
        service: Service, dataset: Path) -> None:
    """Without stored results (here removed), the first view of a patient screens it and
    stores today's result; a view of another day or set stores nothing."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    with service.store.engine.begin() as conn:
        conn.execute(screening_results.delete())
    pid = transplanted(dataset)
    yesterday = (service.today() - timedelta(days=1)).isoformat()
    client.get(f"/api/v1/patients/{pid}/screening", params={"as_of": yesterday})
    client.get(f"/api/v1/patients/{pid}/screening", params={"criteria": "jodele-2014"})
    assert stored_rows(service) == {}

    answer = client.get(f"/api/v1/patients/{pid}/screening").json()

    rows = stored_rows(service)
    assert list(rows) == [pid]
    assert rows[pid]["as_of"] == service.today()
    assert rows[pid]["result"] == answer["patient"] == fresh(service)[pid]


def test_answers_are_those_of_a_fresh_screening(service: Service, dataset: Path) -> None:
    """Read from stored results, the screening routes give, byte for byte, what screening
    every patient again gives (the documents as the routes built them before item 3)."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    day = service.today()
    timelines = service.store.timelines(service.tz)
    for criteria in (clinical.DEFAULT_CRITERIA, clinical.ALL_CRITERIA):
        sets = clinical.chosen_sets(criteria)
        expected = clinical.results_document(
            [clinical.screen_all(timelines, day, s.name) for s in sets], criteria)
        listed = client.get("/api/v1/screening", params={"criteria": criteria})
        assert in_order(listed.json()) == in_order(expected)
        for timeline in timelines:
            one = client.get(f"/api/v1/patients/{timeline.patient_id}/screening",
                             params={"criteria": criteria})
            assert in_order(one.json()) == in_order(
                clinical.patient_screening_document(timeline, day, sets, criteria))


def in_order(document: dict[str, Any]) -> str:
    """The document as JSON text with its keys in their order: equal texts, equal answers."""
    return json.dumps(document)


def test_a_failing_screening_leaves_the_upload_committed_and_says_so(
        service: Service, dataset: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """One patient's screening raises: the import stands, the others' results are stored, the
    answer counts the failure and names the error's type and place, and the log says so."""
    failing = transplanted(dataset)
    real = screen_patient

    def screen_or_fail(timeline: Any, criteria: Any, as_of: date) -> Any:
        if timeline.patient_id == failing:
            raise RuntimeError("evaluator broke")
        return real(timeline, criteria, as_of)

    monkeypatch.setattr(stored_screening, "screen_patient", screen_or_fail)
    client = TestClient(create_app(service.settings, service))

    with caplog.at_level(logging.ERROR, logger="thrombo.services"):
        answer = upload(client, dataset)

    screening = answer["screening"]
    assert (screening["patients_touched"], screening["results_stored"],
            screening["patients_failed"]) == (7, 6, 1)
    assert screening["error"].startswith("RuntimeError in screen_or_fail")
    assert "evaluator broke" not in screening["error"]  # a message may carry patient values
    with service.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(patients)).scalar_one() == 7
    assert failing not in stored_rows(service)
    assert any("1 of 7 patients left without a stored result" in r.getMessage()
               for r in caplog.records)


def test_a_failing_write_of_the_results_leaves_the_upload_committed(
        service: Service, dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_write(*_: Any) -> int:
        raise RuntimeError("the store refused")

    monkeypatch.setattr(stored_screening, "store_results", no_write)
    client = TestClient(create_app(service.settings, service))

    answer = upload(client, dataset)

    assert (answer["screening"]["results_stored"], answer["screening"]["patients_failed"]) \
        == (0, 7)
    with service.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(patients)).scalar_one() == 7
    monkeypatch.undo()
    pid = transplanted(dataset)  # the service screens the patient on the first view instead
    shown = client.get(f"/api/v1/patients/{pid}/screening").json()
    assert shown["patient"] == fresh(service)[pid]


def test_an_upload_whose_patients_cannot_be_found_afterwards_still_stands(
        service: Service, dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store fails right after the commit, when the import's patients are looked up: the
    answer is the import's, its screening says none was screened and why."""
    def unreachable(*_: Any) -> dict[str, str]:
        raise OperationalError("SELECT ...", {}, RuntimeError("connection lost"))

    monkeypatch.setattr(importing, "written_since", unreachable)
    client = TestClient(create_app(service.settings, service))

    answer = upload(client, dataset)

    assert (answer["screening"]["patients_touched"], answer["screening"]["results_stored"]) \
        == (0, 0)
    assert answer["screening"]["error"].startswith("OperationalError in unreachable")
    assert stored_rows(service) == {}
    with service.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(patients)).scalar_one() == 7


def test_a_timeline_read_before_an_import_is_never_stored_under_the_new_data(
        service: Service, dataset: Path, tmp_path: Path) -> None:
    """The dashboard's warm-up reads the timelines, then the store version: an import that
    commits in between must not get the old timeline's result stored under the patient's new
    data version (every worker would serve it as current). Screened and answered, not stored;
    the next view, on a fresh read, stores the new data's result."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    with service.store.engine.begin() as conn:
        conn.execute(screening_results.delete())
    changed = transplanted(dataset)
    (old,) = service.timelines([changed])
    extra = one_more_count(dataset, tmp_path / "extra", changed)
    service.store.import_dataset(read_sources([str(extra)], known_patients=frozenset({changed})),
                                 actor="test", command="no screening")

    screening(service, old, service.today(), service.store_version())

    assert stored_rows(service) == {}
    # Another worker of the service (this one remembers what it answered for this version).
    other = Service(service.settings, service.store)
    shown = TestClient(create_app(other.settings, other)).get(
        f"/api/v1/patients/{changed}/screening").json()
    assert stored_rows(service)[changed]["result"] == shown["patient"] == fresh(service)[changed]


def test_the_patient_view_hook_stores_what_it_screened(service: Service, dataset: Path) -> None:
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    with service.store.engine.begin() as conn:
        conn.execute(screening_results.delete())
    pid = transplanted(dataset)

    client.post("/cds-services/thrombo-ta-tma", json={
        "hook": "patient-view", "hookInstance": "store",
        "context": {"userId": "Practitioner/1", "patientId": pid}})

    assert results_of(stored_rows(service)) == {pid: fresh(service)[pid]}
