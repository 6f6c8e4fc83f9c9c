"""Disclosure control: every answer a researcher can get holds no patient-level value.

The researcher (a role that sees de-identified data only) calls every route open to them, taken
from the application's own route table (`tests/security/routes.py`), and each answer is walked:

- no patient id of the store appears anywhere in it (JSON text or HTML);
- every patient count is 0, hidden (null), or at least the threshold, and so is its complement
  within a known total (k of n);
- counts that add up to a known total (the flow, sex, patients per centre) never hide a single
  cell, which subtraction would give back;
- no minimum, maximum, curve step (`times`), at-risk table or median survival time: each is one
  patient's value.

The fixture cohort (10 screened patients in 2 centres) has small groups everywhere, so every rule
is exercised. Policy: `thrombo.analytics.study_disclosure`, threshold `RESEARCHER_SUPPRESS_BELOW`.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Cohort
from tests.security.routes import CALLS, DENIED
from tests.security.test_access import _token, call
from thrombo.api.study_document import RESEARCHER_SUPPRESS_BELOW

T = RESEARCHER_SUPPRESS_BELOW
COUNT_KEYS = {"n", "k", "patients", "treated", "n_treated", "deaths_by_6_months", "high_risk",
              "renal_involvement", "neurological_involvement", "at_risk", "events_so_far",
              "censored_so_far", "observed", "events"}
PATIENT_VALUE_KEYS = {"min", "max", "times", "event_free", "incidence"}

RESEARCHER_ROUTES = sorted(r for r, spec in CALLS.items() if "res" not in DENIED[spec.access])


def _counts_ok(value: Any, where: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [f"{where} = {v}" for v in values
            if isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < T]


def _walk(value: Any, where: str = "") -> list[str]:
    problems: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{where}.{key}"
            if key in PATIENT_VALUE_KEYS and item is not None:
                problems.append(f"{here}: a single patient's value")
            if key in COUNT_KEYS:
                problems += _counts_ok(item, here)
            problems += _walk(item, here)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _walk(item, f"{where}[{i}]")
    return problems


def _derivable(cells: list[int | None], total: int | None) -> bool:
    """One hidden value among a total and its parts is given back by subtraction."""
    return sum(v is None for v in [*cells, total]) == 1


def _complementary_problems(document: dict[str, Any]) -> list[str]:
    problems = []
    flow = document["flow"]
    for before, step in pairwise(flow):
        parts = [step["n"], *(e["n"] for e in step["excluded"])]
        if _derivable(parts, before["n"]):
            problems.append(f"flow step {step['step']}: one hidden count, derivable")
    baseline = document["baseline"]
    if _derivable(list(baseline["sex"].values()), baseline["n"]):
        problems.append("sex: one hidden count, derivable")
    if _derivable([c["treated"] for c in document["centres"]], document["n_treated"]):
        problems.append("patients per centre: one hidden count, derivable")
    return problems


@pytest.mark.parametrize(("method", "path"), RESEARCHER_ROUTES)
def test_no_patient_level_value_reaches_a_researcher(client: TestClient, tokens: dict[str, str],
                                                     cohort: Cohort, method: str,
                                                     path: str) -> None:
    spec = CALLS[(method, path)]
    patient_id = sorted(cohort.of_centre("C01"))[0]
    token = _token(client, tokens, "res", spec.ends_session)
    answer = call(client, method, path, spec, token, patient_id)
    assert answer.status_code < 400, answer.text
    text = answer.text
    named = [pid for pid in cohort.centres if pid in text]
    assert not named, f"{path} names patients {named}"
    if not answer.content or "json" not in answer.headers.get("content-type", ""):
        return
    document = answer.json()
    assert not _walk(document), _walk(document)
    if path == "/api/v1/study":
        assert not _complementary_problems(document), _complementary_problems(document)


def test_the_study_page_shows_no_individual_figure(client: TestClient,
                                                   tokens: dict[str, str]) -> None:
    page = client.get("/study", headers={"Authorization": f"Bearer {tokens['res']}"})
    assert page.status_code == 200
    assert "data:image/svg" not in page.text  # curves, swimmer plot, trajectories, flow figure
    assert 'id="suppression"' in page.text


def test_a_clinician_still_sees_the_full_document(client: TestClient,
                                                  tokens: dict[str, str]) -> None:
    document = client.get("/api/v1/study",
                          headers={"Authorization": f"Bearer {tokens['clin1']}"}).json()
    assert document["suppress_below"] is None
    assert document["baseline"]["age_years"]["min"] is not None
