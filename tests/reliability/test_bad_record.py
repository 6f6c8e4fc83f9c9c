"""One bad record must not take a page down (issue 20, item 7).

A patient born on 0001-01-01 made `/study` answer 422 for everyone, recomputed on every call.
Now the study leaves that patient out with a reason in its flow (never the id), the other
patients' results stand, a refusal is cached like a result, and an `as_of` outside 1900-2100 is a
422 instead of a 500. Through the real endpoints, on a store of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.api.conftest import PASSWORD, Cohort, auth, settings_for
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.study_document import UNANALYSABLE
from thrombo.errors import ImplausibleValueError
from thrombo.store.schema import patients
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user


@pytest.fixture(scope="module")
def bad(cohort: Cohort, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('bad') / 'bad.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(cohort.folder)]), actor="test", command="fixture")
    broken = sorted(cohort.centres)[0]
    with store.engine.begin() as conn:
        conn.execute(update(patients).where(patients.c.patient_id == broken)
                     .values(birth_date=date(1, 1, 1)))
        create_user(conn, "admin", PASSWORD, "administrator")
        create_user(conn, "res", PASSWORD, "researcher")
    client = TestClient(create_app(settings_for(url)))
    tokens = {name: client.post("/api/v1/auth/token", json={"username": name,
                                                           "password": PASSWORD}
                                ).json()["access_token"] for name in ("admin", "res")}
    yield client, tokens, broken
    store.engine.dispose()


def _excluded(document: dict[str, object]) -> dict[str, object]:
    flow = document["flow"]
    assert isinstance(flow, list)
    return {e["reason"]: e["n"] for e in flow[0]["excluded"]}


def test_the_study_leaves_the_bad_patient_out_and_says_why(
        bad: tuple[TestClient, dict[str, str], str]) -> None:
    client, tokens, broken = bad
    answer = client.get("/api/v1/study", headers=auth(tokens["admin"]))
    assert answer.status_code == 200, answer.text
    assert _excluded(answer.json())[UNANALYSABLE] == 1
    research = client.get("/api/v1/study", headers=auth(tokens["res"]))
    assert research.status_code == 200
    assert _excluded(research.json())[UNANALYSABLE] is None, "a count of 1 is suppressed"
    assert broken not in research.text
    assert client.get("/study", headers=auth(tokens["res"])).status_code == 200


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_an_as_of_out_of_range_is_refused(bad: tuple[TestClient, dict[str, str], str],
                                          as_of: str) -> None:
    client, tokens, _ = bad
    for path in ("/api/v1/screening", "/api/v1/patients/{p}/screening",
                 "/api/v1/patients/{p}/assessment", "/api/v1/patients/{p}/plan",
                 "/api/v1/patients/{p}/itp"):
        url = path.replace("{p}", "HSCT-001")
        answer = client.get(url, params={"as_of": as_of}, headers=auth(tokens["admin"]))
        assert answer.status_code == 422, (url, answer.status_code)


def test_a_refusal_is_cached_like_a_result(bad: tuple[TestClient, dict[str, str], str],
                                           tmp_path: Path) -> None:
    client, _, _ = bad
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    calls = []

    def compute() -> None:
        calls.append(1)
        raise ImplausibleValueError("refused")

    for _ in range(3):
        with pytest.raises(ImplausibleValueError):
            service.memo(("test-refusal", service.store_version()), compute)
    assert len(calls) == 1
