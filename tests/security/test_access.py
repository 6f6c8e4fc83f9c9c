"""Authentication and role/centre checks on EVERY route, and security headers on every answer.

Routes come from the application itself (`tests/security/routes.py`), so a new route without an
entry in the access table fails `test_every_route_has_an_access_rule`. Each route is then called
by every role with a well-formed request: the roles the table denies must be refused (401 or a
redirect to sign-in when anonymous, 404 for another centre's patient so its existence is not
revealed, 403 otherwise), and the others must get an answer that is neither a refusal nor a
server error.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.api.conftest import PASSWORD, USERS, Cohort, auth
from tests.security.routes import (
    CALLS,
    CDS_CLIENT,
    DENIED,
    MOUNTS,
    OWN_CENTRE,
    ROLES,
    Call,
    app_routes,
    is_page,
)
from thrombo.api import security

CSRF_NONCE = "fixed-test-nonce-" + "n" * 16


def test_every_route_has_an_access_rule(client: TestClient) -> None:
    served = app_routes(client.app)  # type: ignore[arg-type]
    unlisted = [r for r in served if r not in CALLS and r[1] not in MOUNTS]
    assert not unlisted, f"routes without an access rule in tests/security/routes.py: {unlisted}"
    stale = [r for r in CALLS if r not in served]
    assert not stale, f"access rules for routes the app no longer serves: {stale}"


def _url(path: str, patient_id: str) -> str:
    return path.replace("{patient_id}", patient_id).replace("{service_id}", "thrombo-ta-tma")


def _fill(value: Any, patient_id: str) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, patient_id) for k, v in value.items()}
    if isinstance(value, str):
        return value.replace("{patient_id}", patient_id).replace("{unique}",
                                                                 uuid.uuid4().hex[:12])
    return value


def _token(client: TestClient, tokens: dict[str, str], who: str, fresh: bool) -> str | None:
    if who == "anonymous":
        return None
    if not fresh:
        return tokens[who]
    answer = client.post("/api/v1/auth/token", json={"username": who, "password": PASSWORD})
    return str(answer.json()["access_token"])


def call(client: TestClient, method: str, path: str, spec: Call, token: str | None,
         patient_id: str) -> Response:
    """One request as `token`'s user, through a client with its own cookie jar; forms carry a
    valid CSRF token, so that what is tested is the role check, not the CSRF check."""
    secret = client.app.state.service.settings.secret  # type: ignore[attr-defined]
    fresh = TestClient(client.app, cookies={security.CSRF_COOKIE: CSRF_NONCE})
    headers = auth(token) if token else {}
    form = None
    if spec.form is not None:
        form = {**_fill(spec.form, patient_id),
                security.CSRF_FIELD: security.csrf_token(secret, CSRF_NONCE)}
    if path == "/login" and method == "POST":
        form = {**(form or {}), "username": "clin1", "password": PASSWORD}
    body = _fill(spec.json, patient_id)
    if path == "/api/v1/auth/token":
        body = {"username": "clin1", "password": PASSWORD}
    answer: Response = fresh.request(method, _url(path, patient_id), headers=headers, json=body,
                                     data=form, files=spec.files, params=spec.params,
                                     follow_redirects=False)
    return answer


def expected_refusal(access: str, who: str, path: str) -> set[int]:
    if access == CDS_CLIENT:
        return {401}
    if who == "anonymous":
        return {303} if is_page(path) else {401}
    if access == OWN_CENTRE and who == "clin2":
        return {404}
    if path in {"/", "/watch"} and who == "res":  # the patient lists send it to the study
        return {303}
    return {403}


def check_headers(answer: Response, path: str) -> None:
    for name, value in security.SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, (path, name, answer.status_code)
    if not is_page(path) and not path.startswith("/docs"):
        assert answer.headers.get("cache-control") == "no-store", path


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(CALLS))
def test_route_access(client: TestClient, tokens: dict[str, str], cohort: Cohort, method: str,
                      path: str, who: str) -> None:
    spec = CALLS[(method, path)]
    patient_id = sorted(cohort.of_centre("C01"))[0]
    token = _token(client, tokens, who, spec.ends_session)
    answer = call(client, method, path, spec, token, patient_id)
    assert answer.status_code < 500, answer.text
    check_headers(answer, path)
    if who in DENIED[spec.access]:
        assert answer.status_code in expected_refusal(spec.access, who, path), answer.text
        if answer.status_code == 303:
            target = "/study" if who == "res" else "/login"
            assert answer.headers["location"].startswith(target)
        return
    assert answer.status_code < 400, answer.text
    if answer.status_code == 303 and path not in {"/login", "/logout"}:
        assert not answer.headers["location"].startswith("/login"), "sent back to sign in"


def test_static_files_carry_the_headers_too(client: TestClient) -> None:
    answer = client.get("/static/style.css")
    assert answer.status_code == 200
    check_headers(answer, "/static/style.css")


def test_error_answers_carry_the_headers(client: TestClient) -> None:
    for answer in (client.get("/no-such-page"), client.get("/api/v1/no-such-thing"),
                   client.post("/api/v1/dose", content=b"{not json",
                               headers={"content-type": "application/json"})):
        assert answer.status_code in (401, 404, 422)
        check_headers(answer, str(answer.request.url.path))


def test_roles_in_the_matrix_are_the_fixture_users() -> None:
    assert set(ROLES) - {"anonymous"} == set(USERS)
