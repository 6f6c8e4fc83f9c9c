"""The REST API through real endpoints, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Cohort, auth

SITE = "tests/fixtures/datasets/bad_rows"


def test_openapi_document_lists_the_resources(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/patients", "/api/v1/patients/{patient_id}/timeline",
                 "/api/v1/patients/{patient_id}/screening", "/api/v1/dose", "/api/v1/study",
                 "/api/v1/imports", "/api/v1/audit", "/cds-services"):
        assert path in paths


def test_wrong_password_is_refused_and_audited(client: TestClient,
                                               tokens: dict[str, str]) -> None:
    answer = client.post("/api/v1/auth/token", json={"username": "clin1", "password": "x" * 20})
    assert answer.status_code == 401
    entries = client.get("/api/v1/audit", params={"action": "sign-in-failed"},
                         headers=auth(tokens["admin"])).json()
    assert any(e["actor"] == "anonymous:clin1" for e in entries)


def test_timeline_and_screening_of_a_patient(client: TestClient, tokens: dict[str, str],
                                             cohort: Cohort) -> None:
    pid = sorted(p for p in cohort.of_centre("C01") if p.startswith("HSCT-"))[0]
    timeline = client.get(f"/api/v1/patients/{pid}/timeline",
                          headers=auth(tokens["clin1"])).json()
    assert timeline["patient"]["patient_id"] == pid
    assert timeline["observations"], "the simulated patient has laboratory values"
    assert all(o["time"][-6] in "+-" for o in timeline["observations"][:20]), "offsets kept"
    screening = client.get(f"/api/v1/patients/{pid}/screening", params={"as_of": "2030-01-01"},
                           headers=auth(tokens["clin1"])).json()
    assert screening["rules"]["name"] == "harmonized-2023"
    assert screening["patient"]["status"] in ("ta-tma", "no-ta-tma", "insufficient-data")


def test_every_view_of_identified_data_is_audited(client: TestClient, tokens: dict[str, str],
                                                  cohort: Cohort) -> None:
    pid = sorted(cohort.of_centre("C02"))[0]
    client.get(f"/api/v1/patients/{pid}/timeline", headers=auth(tokens["clin2"]))
    entries = client.get("/api/v1/audit", params={"patient_id": pid, "actor": "user:clin2"},
                         headers=auth(tokens["admin"])).json()
    assert entries[0]["action"] == "view"
    assert entries[0]["detail"] == {"what": "timeline"}
    assert client.get("/api/v1/audit/verify", headers=auth(tokens["admin"])).json()["ok"]


def test_dose_matches_the_interface_example(client: TestClient, tokens: dict[str, str]) -> None:
    """interface.md `dose --json`: defibrotide 6.25 mg/kg for 18.4 kg is 115.0 mg every 6 h."""
    answer = client.post("/api/v1/dose", headers=auth(tokens["clin1"]),
                         json={"drug": "defibrotide", "weight_kg": 18.4})
    assert answer.status_code == 200
    body = answer.json()
    assert body["dose"] == {"value": 115.0, "unit": "mg"}
    assert body["interval_hours"] == 6


def test_implausible_weight_is_a_4xx(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.post("/api/v1/dose", headers=auth(tokens["clin1"]),
                         json={"drug": "defibrotide", "weight_kg": 900})
    assert answer.status_code == 422
    assert "weight" in answer.json()["detail"].lower()


def test_upload_csv_dataset_quarantines_bad_rows(client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    folder = Path(SITE)
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.glob("*"))
             if p.is_file()]
    answer = client.post("/api/v1/imports", headers=auth(tokens["admin"]), files=files)
    assert answer.status_code == 201, answer.text
    source = answer.json()["sources"][0]
    assert source["path"].startswith("upload:")
    assert source["records"] == (source["stored"] + source["duplicates"] + source["skipped"]
                                 + source["quarantined"])
    assert source["quarantined"] > 0
    quarantine = client.get("/api/v1/quarantine", headers=auth(tokens["admin"])).json()
    assert any(q["source"].startswith("upload:") for q in quarantine)
    again = client.post("/api/v1/imports", headers=auth(tokens["admin"]), files=files).json()
    assert again["sources"][0]["stored"] == 0, "re-importing stores nothing new"


def test_upload_zip_refuses_path_traversal(client: TestClient, tokens: dict[str, str]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../evil/patients.csv", "patient_id,birth_date\n")
    answer = client.post("/api/v1/imports", headers=auth(tokens["admin"]),
                         files={"files": ("data.zip", buffer.getvalue(), "application/zip")})
    assert answer.status_code == 422
    assert "unsafe path" in answer.json()["detail"]


def test_cookie_session_needs_csrf_header_for_changes(client: TestClient) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = client.post("/login", data={"username": "clin1", "password": PASSWORD,
                                            "csrf_token": token, "next": "/"},
                            follow_redirects=False)
    assert signed_in.status_code == 303
    body = {"drug": "ivig", "weight_kg": 20}
    try:
        assert client.post("/api/v1/dose", json=body).status_code == 403
        assert client.post("/api/v1/dose", json=body,
                           headers={"x-csrf-token": token}).status_code == 403, \
            "the sign-in page's token does not outlive the sign-in (rotated, bound to the session)"
        page = client.get("/dose")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        ok = client.post("/api/v1/dose", json=body, headers={"x-csrf-token": token})
        assert ok.status_code == 200
    finally:
        client.cookies.clear()


def test_sign_in_form_without_csrf_token_is_refused(client: TestClient) -> None:
    answer = client.post("/login", data={"username": "clin1", "password": PASSWORD})
    assert answer.status_code == 403
    client.cookies.clear()


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    client.cookies.clear()


def test_sign_in_redirects_only_within_the_site(client: TestClient) -> None:
    page = client.get("/login", params={"next": "//evil.example/x"})
    assert 'name="next" value="/"' in page.text
    client.cookies.clear()
