"""Who may see what: role x endpoint x centre, through the real endpoints, on every backend.

Ground truth is the dataset's patients.csv: a clinician of C01 sees exactly the C01 patients.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth

ROLES = ("anonymous", "clin1", "clin2", "res", "admin")


def headers(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {} if who == "anonymous" else auth(tokens[who])


def c01_patient(cohort: Cohort) -> str:
    return sorted(cohort.of_centre("C01"))[0]


# Expected status for a patient of centre C01, per role.
PATIENT_ENDPOINTS = ("/timeline", "/screening", "/itp")
PATIENT_EXPECTED = {"anonymous": 401, "clin1": 200, "clin2": 404, "res": 403, "admin": 200}


@pytest.mark.parametrize("suffix", PATIENT_ENDPOINTS)
@pytest.mark.parametrize("who", ROLES)
def test_patient_data_by_role_and_centre(client: TestClient, tokens: dict[str, str],
                                         cohort: Cohort, who: str, suffix: str) -> None:
    url = f"/api/v1/patients/{c01_patient(cohort)}{suffix}"
    answer = client.get(url, headers=headers(tokens, who))
    assert answer.status_code == PATIENT_EXPECTED[who], answer.text


ADMIN_ONLY = ("/api/v1/audit", "/api/v1/audit/verify", "/api/v1/imports", "/api/v1/quarantine",
              "/api/v1/users")
ADMIN_EXPECTED = {"anonymous": 401, "clin1": 403, "clin2": 403, "res": 403, "admin": 200}


@pytest.mark.parametrize("url", ADMIN_ONLY)
@pytest.mark.parametrize("who", ROLES)
def test_administrator_endpoints(client: TestClient, tokens: dict[str, str], who: str,
                                 url: str) -> None:
    assert client.get(url, headers=headers(tokens, who)).status_code == ADMIN_EXPECTED[who]


@pytest.mark.parametrize("who", ROLES)
def test_upload_is_for_administrators(client: TestClient, tokens: dict[str, str],
                                      who: str) -> None:
    files = {"files": ("patients.csv", b"patient_id,birth_date\n", "text/csv")}
    answer = client.post("/api/v1/imports", headers=headers(tokens, who), files=files)
    expected = {"anonymous": 401, "admin": 201}.get(who, 403)
    assert answer.status_code == expected, answer.text


EVERY_SIGNED_IN = {"anonymous": 401, "clin1": 200, "clin2": 200, "res": 200, "admin": 200}


@pytest.mark.parametrize("who", ROLES)
def test_study_and_dosing_for_every_signed_in_role(client: TestClient, tokens: dict[str, str],
                                                   who: str) -> None:
    h = headers(tokens, who)
    assert client.get("/api/v1/study", headers=h).status_code == EVERY_SIGNED_IN[who]
    dose = client.post("/api/v1/dose", headers=h, json={"drug": "ivig", "weight_kg": 20})
    assert dose.status_code == EVERY_SIGNED_IN[who]


@pytest.mark.parametrize(("who", "centre"), [("clin1", "C01"), ("clin2", "C02")])
def test_clinician_lists_exactly_their_centre(client: TestClient, tokens: dict[str, str],
                                              cohort: Cohort, who: str, centre: str) -> None:
    listed = client.get("/api/v1/patients", headers=auth(tokens[who])).json()
    assert {p["patient_id"] for p in listed} == cohort.of_centre(centre)
    assert {p["center"] for p in listed} == {centre}


def test_administrator_lists_every_centre(client: TestClient, tokens: dict[str, str],
                                          cohort: Cohort) -> None:
    listed = client.get("/api/v1/patients", headers=auth(tokens["admin"])).json()
    assert {p["patient_id"] for p in listed} >= set(cohort.centres)


def test_researcher_gets_aggregates_only(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/v1/patients", headers=auth(tokens["res"])).status_code == 403
    assert client.get("/api/v1/screening", headers=auth(tokens["res"])).status_code == 403
    study = client.get("/api/v1/study", headers=auth(tokens["res"])).json()
    assert "patients" not in study
    assert all("patient_id" not in str(step) for step in study["flow"])


def test_clinician_study_counts_only_their_centre(client: TestClient, tokens: dict[str, str],
                                                  cohort: Cohort) -> None:
    """The flow's first step counts every stored patient of the centre, none of another."""
    study = client.get("/api/v1/study", headers=auth(tokens["clin1"])).json()
    assert study["scope"] == "centre C01"
    assert study["flow"][0]["step"] == "screened"
    assert study["flow"][0]["n"] == len(cohort.of_centre("C01"))
