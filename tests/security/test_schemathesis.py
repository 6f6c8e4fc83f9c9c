"""Generated requests against the OpenAPI document (schemathesis): no route answers 5xx.

Every documented operation gets schema-conforming requests (positive mode) and malformed ones
(negative mode: wrong types, missing fields, out-of-range values), as an administrator so that the
handlers behind the access checks run. A fresh store per run, since generated requests create
users and import uploads. Examples are bounded so that the whole run takes about a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation

from tests.api.conftest import PASSWORD, Cohort, settings_for
from thrombo.api.main import create_app
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user

pytestmark = pytest.mark.slow

OPENAPI = "/api/v1/openapi.json"
EXAMPLES_PER_MODE = 25
SKIPPED = {"POST /api/v1/auth/logout"}
"""Would end the session the generated requests sign in with; tested in tests/security."""


@pytest.fixture(scope="module")
def app(cohort: Cohort, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(cohort.folder)]), actor="test", command="fixture")
    with store.engine.begin() as conn:
        create_user(conn, "admin", PASSWORD, "administrator")
    yield create_app(settings_for(url))
    store.engine.dispose()


@pytest.fixture(scope="module")
def bearer(app: FastAPI) -> dict[str, str]:
    answer = TestClient(app).post("/api/v1/auth/token",
                                  json={"username": "admin", "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _operations(app: FastAPI) -> list[APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_asgi(OPENAPI, app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def _has_inputs(op: APIOperation[Any, Any, Any, Any]) -> bool:
    # A free-text path parameter has no malformed value, so only queries and bodies count.
    return bool(len(op.query) + len(op.body))


def _labels(with_inputs: bool = False) -> list[str]:
    """Operation labels ("METHOD /path"); `with_inputs`: only those that take any input, the
    only ones negative mode can make a malformed request for."""
    app = create_app(settings_for("sqlite://"))
    return [op.label for op in _operations(app) if _has_inputs(op) or not with_inputs]


CASES = [(label, GenerationMode.POSITIVE) for label in _labels() if label not in SKIPPED] + [
    (label, GenerationMode.NEGATIVE) for label in _labels(with_inputs=True)
    if label not in SKIPPED]


def test_every_operation_is_fuzzed() -> None:
    labels = _labels()
    assert len(labels) >= 20
    assert "GET /api/v1/patients/{patient_id}/plan" in labels


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_no_server_error(app: FastAPI, bearer: dict[str, str], label: str,
                         mode: GenerationMode) -> None:
    operation = next(op for op in _operations(app) if op.label == label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        response = case.call(headers=bearer)
        assert response.status_code < 500, (case.method, case.formatted_path, case.query,
                                            case.body, response.text[:500])

    run()


def test_malformed_json_is_a_4xx(app: FastAPI, bearer: dict[str, str]) -> None:
    client = TestClient(app)
    for path in ("/api/v1/dose", "/api/v1/users", "/cds-services/thrombo-ta-tma"):
        answer = client.post(path, content=b'{"drug": ', headers={**bearer,
                                                                 "content-type":
                                                                 "application/json"})
        assert 400 <= answer.status_code < 500, (path, answer.status_code)
