"""Assessment, plan, criteria sets and the study through the service, on SQLite and PostgreSQL.

Each endpoint must give the same document as the library function the CLI calls, for the same
patient and day: the service arranges, it computes nothing of its own.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth
from thrombo.analytics.assessment import assess_patient
from thrombo.api.service import Service
from thrombo.api.study_document import RESEARCHER_SUPPRESS_BELOW
from thrombo.plans import plan_for
from thrombo.rules.registry import SETS

AS_OF = date(2030, 1, 1)


def _c01(cohort: Cohort, prefix: str) -> str:
    return sorted(p for p in cohort.of_centre("C01") if p.startswith(prefix))[0]


@pytest.mark.parametrize("prefix", ["HSCT-", "ITP-"])
def test_assessment_is_the_assess_document(client: TestClient, tokens: dict[str, str],
                                           service: Service, cohort: Cohort, prefix: str) -> None:
    pid = _c01(cohort, prefix)
    answer = client.get(f"/api/v1/patients/{pid}/assessment", params={"as_of": AS_OF.isoformat()},
                        headers=auth(tokens["clin1"]))
    assert answer.status_code == 200, answer.text
    timeline = service.store.timelines(service.tz, [pid])[0]
    expected = assess_patient(timeline, AS_OF)
    assert answer.json() == {"as_of": "2030-01-01",
                             "patient": {**expected, **_jsonish(answer.json()["patient"])}}
    assert answer.json()["patient"]["patient_id"] == pid


def _jsonish(document: dict[str, object]) -> dict[str, object]:
    """Keys whose values JSON turns from tuples into lists compare as sent."""
    return {k: v for k, v in document.items() if isinstance(v, list)}


@pytest.mark.parametrize("prefix", ["HSCT-", "ITP-"])
def test_plan_is_the_plan_document(client: TestClient, tokens: dict[str, str], service: Service,
                                   cohort: Cohort, prefix: str) -> None:
    pid = _c01(cohort, prefix)
    answer = client.get(f"/api/v1/patients/{pid}/plan", params={"as_of": AS_OF.isoformat()},
                        headers=auth(tokens["clin1"])).json()
    timeline = service.store.timelines(service.tz, [pid])[0]
    expected = plan_for(timeline, AS_OF).to_json()
    assert answer["plan"]["condition"] == expected["condition"]
    assert answer["plan"]["next"] == expected["next"]
    assert [o["drug"] for o in answer["plan"]["options"]] == [o["drug"] for o in
                                                              expected["options"]]
    assert answer["note"] is None


def test_plan_and_assessment_follow_the_centre_rule(client: TestClient, tokens: dict[str, str],
                                                    cohort: Cohort) -> None:
    pid = _c01(cohort, "HSCT-")
    for suffix in ("assessment", "plan"):
        url = f"/api/v1/patients/{pid}/{suffix}"
        assert client.get(url, headers=auth(tokens["clin2"])).status_code == 404
        assert client.get(url, headers=auth(tokens["res"])).status_code == 403
        assert client.get(url).status_code == 401


def test_every_registered_criteria_set_is_offered(client: TestClient,
                                                  tokens: dict[str, str], cohort: Cohort) -> None:
    pid = _c01(cohort, "HSCT-")
    h = auth(tokens["clin1"])
    for name in SETS:
        one = client.get(f"/api/v1/patients/{pid}/screening", params={"criteria": name},
                         headers=h)
        assert one.status_code == 200, one.text
        assert one.json()["rules"]["name"] == name
    every = client.get(f"/api/v1/patients/{pid}/screening", params={"criteria": "all"},
                       headers=h).json()
    assert [r["rules"]["name"] for r in every["results"]] == list(SETS)
    side_by_side = client.get("/api/v1/screening", params={"criteria": "all"}, headers=h).json()
    assert [r["rules"]["name"] for r in side_by_side["results"]] == list(SETS)
    assert "disagreements" in side_by_side


def test_unknown_criteria_set_is_a_clear_4xx(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.get("/api/v1/screening", params={"criteria": "nonsense"},
                        headers=auth(tokens["clin1"]))
    assert answer.status_code == 422
    assert "unknown criteria set 'nonsense'" in answer.json()["detail"]


def test_study_document_has_the_endpoints(client: TestClient, tokens: dict[str, str]) -> None:
    study = client.get("/api/v1/study", headers=auth(tokens["admin"])).json()
    assert study["scope"] == "all centres"
    assert study["suppress_below"] is None
    for key in ("resolution_by_day_28", "overall_survival_6_months", "organ_recovery",
                "adverse_events", "input_sha256"):
        assert key in study
    assert study["resolution_by_day_28"]["method"] == "clopper-pearson"


def _flow_counts(study: dict[str, Any]) -> list[int | None]:
    return [n for step in study["flow"]
            for n in (step["n"], *(e["n"] for e in step["excluded"]))]


def test_researcher_sees_small_counts_suppressed(client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    """Flow counts from 1 to 4 (the fixture cohort has some, among its exclusions) are null for a
    researcher and shown to an administrator; larger counts are shown to both, unless hidden
    with a small one so that subtraction cannot give it back (tests/security/test_disclosure)."""
    shown = _flow_counts(client.get("/api/v1/study", headers=auth(tokens["admin"])).json())
    answer = client.get("/api/v1/study", headers=auth(tokens["res"])).json()
    hidden = _flow_counts(answer)
    assert answer["suppress_below"] == RESEARCHER_SUPPRESS_BELOW
    small = [b for a, b in zip(shown, hidden, strict=True)
             if a is not None and 0 < a < RESEARCHER_SUPPRESS_BELOW]
    assert small, "the fixture should have a small count"
    assert all(b is None for b in small)
    assert all(b in (a, None) for a, b in zip(shown, hidden, strict=True))


def test_study_page_states_the_suppression_and_draws_figures(client: TestClient,
                                                             tokens: dict[str, str]) -> None:
    """Researchers get the tables only: every figure (flow included) would show what the
    tables hide."""
    page = client.get("/study", headers=auth(tokens["res"]))
    assert page.status_code == 200
    assert 'id="suppression"' in page.text
    assert "data:image/svg+xml;base64," not in page.text
    admin = client.get("/study", headers=auth(tokens["admin"]))
    assert 'id="suppression"' not in admin.text
    assert admin.text.count("data:image/svg+xml;base64,") >= 2


def test_patient_page_shows_assessment_and_plan(client: TestClient, tokens: dict[str, str],
                                                cohort: Cohort) -> None:
    pid = _c01(cohort, "ITP-")
    page = client.get(f"/patients/{pid}", headers=auth(tokens["clin1"]))
    assert page.status_code == 200
    assert 'id="assessment"' in page.text
    assert 'id="plan"' in page.text
    assert "ITP plan as of" in page.text


def test_patient_page_plan_of_a_deceased_child_says_it_ended(
        client: TestClient, tokens: dict[str, str], cohort: Cohort) -> None:
    """Issue 17 finding 5: a child whose recorded death is before today has an ended plan on the
    dashboard, with the death date, and no next option."""
    with (cohort.folder / "patients.csv").open() as handle:
        dead = [r for r in csv.DictReader(handle)
                if r["death_date"] and r["hsct_date"] and r["center"] in ("C01", "C02")]
    assert dead, "the simulated cohort (seed 7) has a transplant recipient who died"
    row = dead[0]
    user = "clin1" if row["center"] == "C01" else "clin2"
    page = client.get(f"/patients/{row['patient_id']}", headers=auth(tokens[user]))
    assert page.status_code == 200
    assert 'id="plan-state">plan ended' in page.text
    assert f"patient died on {row['death_date']}" in page.text
    assert ": next <strong>" not in page.text
