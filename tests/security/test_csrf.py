"""CSRF: every dashboard form, and every cookie-authenticated API change, needs a valid token.

The forms are enumerated from the application (every POST route outside /api and /cds-services),
so a new form is covered without editing this file. Signed double-submit (OWASP): the form token
must be the HMAC of this browser's CSRF cookie; a token lifted from another browser's page, a
missing cookie or a missing token are all refused with 403 before anything is done.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD
from tests.security.routes import CALLS, app_routes, is_page
from thrombo.api import security

PAGE_FORMS = sorted(path for method, path in CALLS if method == "POST" and is_page(path))
API_CHANGES = sorted(path for method, path in CALLS if method == "POST"
                     and path.startswith("/api/") and path != "/api/v1/auth/token")


def signed_in_browser(client: TestClient, username: str = "admin") -> tuple[TestClient, str]:
    """A browser with its own cookies, signed in through the form; returns it and its form
    token."""
    browser = TestClient(client.app)
    page = browser.get("/login")
    token = page.text.split(f'name="{security.CSRF_FIELD}" value="')[1].split('"')[0]
    answer = browser.post("/login", data={"username": username, "password": PASSWORD,
                                          security.CSRF_FIELD: token, "next": "/"},
                          follow_redirects=False)
    assert answer.status_code == 303
    assert security.SESSION_COOKIE in browser.cookies
    return browser, _form_token(browser)


def _form_token(browser: TestClient) -> str:
    page = browser.get("/dose")
    return str(page.text.split(f'name="{security.CSRF_FIELD}" value="')[1].split('"')[0])


def test_every_form_is_covered(client: TestClient) -> None:
    routes = app_routes(client.app)  # type: ignore[arg-type]
    served = {p for m, p in routes if m == "POST" and is_page(p)}
    assert served == set(PAGE_FORMS)
    assert {"/login", "/logout", "/dose", "/imports"} <= served


FORM_DATA = {"/dose": {"drug": "ivig", "weight_kg": "20"}, "/login": {"username": "admin",
                                                                     "password": PASSWORD}}
UPLOAD = {"files": ("patients.csv", b"patient_id,birth_date\n", "text/csv")}


@pytest.mark.parametrize("path", PAGE_FORMS)
def test_form_without_a_valid_token_is_refused(client: TestClient, path: str) -> None:
    browser, token = signed_in_browser(client)
    other_browser, other_token = signed_in_browser(client)
    files = UPLOAD if path == "/imports" else None
    data = FORM_DATA.get(path, {})
    for forged in (None, "", "0" * 64, other_token, token[:-1] + ("0" if token[-1] != "0"
                                                                    else "1")):
        form = dict(data) if forged is None else {**data, security.CSRF_FIELD: forged}
        answer = browser.post(path, data=form, files=files, follow_redirects=False)
        assert answer.status_code == 403, (path, forged, answer.status_code)
        assert "CSRF" in answer.text
    # Still signed in: the refused forms changed nothing (logout did not sign out).
    assert browser.get("/api/v1/auth/me").status_code == 200
    answer = browser.post(path, data={**data, security.CSRF_FIELD: token}, files=files,
                          follow_redirects=False)
    assert answer.status_code in (200, 201, 303), (path, answer.status_code, answer.text[:300])
    other_browser.close()


def test_token_without_its_cookie_is_refused(client: TestClient) -> None:
    """A cross-site page can post the form but cannot send (or read) the SameSite cookie."""
    browser, token = signed_in_browser(client)
    browser.cookies.delete(security.CSRF_COOKIE)
    answer = browser.post("/dose", data={**FORM_DATA["/dose"], security.CSRF_FIELD: token})
    assert answer.status_code == 403


@pytest.mark.parametrize("path", API_CHANGES)
def test_cookie_authenticated_api_changes_need_the_header(client: TestClient, path: str) -> None:
    browser, token = signed_in_browser(client)
    answer = browser.post(path, json={})
    assert answer.status_code == 403, (path, answer.status_code)
    assert "CSRF" in answer.json()["detail"]
    with_header = browser.post(path, json={}, headers={security.CSRF_HEADER: token})
    assert with_header.status_code != 403, path


def test_csrf_cookie_is_strict_and_http_only(client: TestClient) -> None:
    answer = TestClient(client.app).get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert security.CSRF_COOKIE in cookie
    assert "samesite=strict" in cookie
    assert "httponly" in cookie


def test_sign_in_rotates_the_token_and_binds_it_to_the_session(client: TestClient) -> None:
    """A token from before sign-in (which an attacker could have planted) is refused after it,
    and a token of one session is refused in another even with the same nonce cookie."""
    browser = TestClient(client.app)
    page = browser.get("/login")
    before = page.text.split(f'name="{security.CSRF_FIELD}" value="')[1].split('"')[0]
    nonce_before = browser.cookies.get(security.CSRF_COOKIE)
    browser.post("/login", data={"username": "admin", "password": PASSWORD,
                                 security.CSRF_FIELD: before}, follow_redirects=False)
    assert browser.cookies.get(security.CSRF_COOKIE) != nonce_before, "nonce rotated"
    assert browser.post("/dose", data={**FORM_DATA["/dose"],
                                       security.CSRF_FIELD: before}).status_code == 403
    after = _form_token(browser)
    assert browser.post("/dose", data={**FORM_DATA["/dose"],
                                       security.CSRF_FIELD: after}).status_code == 200
    other, _ = signed_in_browser(client)
    other.cookies.set(security.CSRF_COOKIE, str(browser.cookies.get(security.CSRF_COOKIE)))
    assert other.post("/dose", data={**FORM_DATA["/dose"],
                                     security.CSRF_FIELD: after}).status_code == 403


def test_cookies_carry_the_host_prefix_over_https(client: TestClient) -> None:
    """`__Host-` cookies: set only by this host, over HTTPS, for the whole site."""
    from tests.api.conftest import settings_for
    from thrombo.api.main import create_app
    from thrombo.api.service import Service

    store = client.app.state.service.store  # type: ignore[attr-defined]
    settings = settings_for(client.app.state.service.settings.db,  # type: ignore[attr-defined]
                            cookie_secure=True)
    browser = TestClient(create_app(settings, Service(settings, store)),
                         base_url="https://testserver")
    page = browser.get("/login")
    assert "__Host-thrombo_csrf=" in page.headers["set-cookie"]
    token = page.text.split(f'name="{security.CSRF_FIELD}" value="')[1].split('"')[0]
    answer = browser.post("/login", data={"username": "admin", "password": PASSWORD,
                                          security.CSRF_FIELD: token}, follow_redirects=False)
    cookies = answer.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("__Host-thrombo_session="))
    assert "secure" in session.lower() and "path=/" in session.lower()
    assert browser.get("/api/v1/auth/me").json()["username"] == "admin"
