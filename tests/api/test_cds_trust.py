"""CDS Hooks trust: what a signed client may send and ask, through the real endpoints.

- A prefetch holding another patient's resources: only those of `context.patientId` are used,
  and the card and the audit entry say how many were ignored (issue 20).
- A trusted issuer is bound to its centres: asking about a stored patient of another centre
  gets what an unknown patient gets (no card), and the audit entry says why.
- Client authentication off (THROMBO_CDS_REQUIRE_JWT=false) is refused outside the loopback
  interface, by the settings and by a real `thrombo serve`.
- Blood pressure in the US Core shape (a 85354-9 panel with 8480-6 / 8462-4 components): the
  prefetch template asks for the panel, and the panel's values reach the screening (issue 19).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth, settings_for
from tests.api.test_cds_hooks import (
    ISSUER,
    PATIENT_VIEW,
    client_trusting,
    hook,
    prefetch_of,
    renamed,
    searchset,
    token,
)
from thrombo.api import clinical
from thrombo.api.cds.prefetch import assemble_timeline, patient_view_templates
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.settings import InsecureSettingsError
from thrombo.domain.timeline import PatientTimeline

SECRET = "cds-trust-secret-" + "t" * 40


@pytest.fixture(scope="module")
def open_client(service: Service) -> TestClient:
    settings = settings_for(service.settings.db, cds_require_jwt=False)
    return TestClient(create_app(settings, Service(settings, service.store)))


@pytest.fixture(scope="module")
def timelines(service: Service) -> dict[str, PatientTimeline]:
    return {t.patient_id: t for t in service.store.timelines(service.tz)}


def _status(service: Service, timeline: PatientTimeline) -> str:
    return str(clinical.screen_one(timeline, service.today()).status)


def _audit(client: TestClient, tokens: dict[str, str], action: str) -> dict[str, Any]:
    entries = client.get("/api/v1/audit", params={"action": action},
                         headers=auth(tokens["admin"])).json()
    return dict(entries[0]["detail"])


def test_another_patients_prefetch_is_ignored_and_said(
        open_client: TestClient, client: TestClient, tokens: dict[str, str], service: Service,
        timelines: dict[str, PatientTimeline]) -> None:
    """The call is about a child without TA-TMA; the prefetch carries a TA-TMA patient's
    observations and transplant. Before: the card screened the other child's data."""
    sick = next(t for t in timelines.values() if _status(service, t) == "ta-tma")
    well = renamed(next(t for t in timelines.values()
                        if t.patient.hsct_date and _status(service, t) != "ta-tma"), "EHR-WELL")
    foreign = prefetch_of(sick)
    own = prefetch_of(well)
    body = hook("patient-view", "EHR-WELL", {"patient": own["patient"],
                                            "observations": foreign["observations"],
                                            "transplant": foreign["transplant"]})
    card = open_client.post(PATIENT_VIEW, json=body).json()["cards"][0]
    assert not card["summary"].startswith("TA-TMA criteria met")
    ignored = len(foreign["observations"]["entry"]) + len(foreign["transplant"]["entry"])
    assert f"{ignored} prefetched resource(s) not about this patient were ignored" in \
        card["detail"]
    assert _audit(client, tokens, "cds-patient-view")["prefetch_ignored"] == ignored


def test_a_resource_naming_no_patient_is_ignored(open_client: TestClient,
                                                 timelines: dict[str, PatientTimeline]) -> None:
    timeline = renamed(next(iter(timelines.values())), "EHR-NOREF")
    prefetch = prefetch_of(timeline)
    for entry in prefetch["observations"]["entry"]:
        entry["resource"].pop("subject")
    card = open_client.post(PATIENT_VIEW, json=hook("patient-view", "EHR-NOREF",
                                                    prefetch)).json()["cards"][0]
    assert "not about this patient were ignored" in card["detail"]


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


@pytest.fixture(scope="module")
def c01_client(service: Service, signing_key: ec.EllipticCurvePrivateKey) -> TestClient:
    return client_trusting(service, signing_key, ["C01"])


def test_an_issuer_sees_only_its_centres(c01_client: TestClient, client: TestClient,
                                         tokens: dict[str, str], cohort: Cohort,
                                         signing_key: ec.EllipticCurvePrivateKey) -> None:
    def ask(patient_id: str) -> list[dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token(signing_key)}"}
        answer = c01_client.post(PATIENT_VIEW, json=hook("patient-view", patient_id),
                                 headers=headers)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["cards"])

    assert len(ask(sorted(cohort.of_centre("C01"))[0])) == 1
    assert ask(sorted(cohort.of_centre("C02"))[0]) == [], "as for a patient thrombo lacks"
    detail = _audit(client, tokens, "cds-patient-view")
    assert "not bound" in detail["store"]


def test_a_trusted_issuer_without_centres_is_refused() -> None:
    with pytest.raises(InsecureSettingsError, match="no centres"):
        settings_for("sqlite://", cds_trusted_issuers={ISSUER: "-----BEGIN x"})


def test_no_client_authentication_only_on_loopback() -> None:
    assert settings_for("sqlite://", cds_require_jwt=False).open_cds
    with pytest.raises(InsecureSettingsError, match="loopback"):
        settings_for("sqlite://", cds_require_jwt=False, host="0.0.0.0")


def test_serve_refuses_to_start_open_to_the_network(tmp_path: Any) -> None:
    env = {**os.environ, "THROMBO_SECRET_KEY": SECRET, "THROMBO_CDS_REQUIRE_JWT": "false"}
    done = subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "serve", "--db",
         f"sqlite:///{tmp_path / 's.db'}", "--host", "0.0.0.0", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "loopback" in done.stderr
    assert "Traceback" not in done.stderr


# -- blood pressure as US Core sends it ------------------------------------------------------


def _bp_panel(patient_id: str, systolic: float, diastolic: float) -> dict[str, Any]:
    """US Core Blood Pressure profile: the panel code, each pressure a component."""
    def component(code: str, value: float) -> dict[str, Any]:
        return {"code": {"coding": [{"system": "http://loinc.org", "code": code}]},
                "valueQuantity": {"value": value, "unit": "mmHg",
                                  "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
    return {"resourceType": "Observation", "id": f"bp-{patient_id}", "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
            "subject": {"reference": f"Patient/{patient_id}"},
            "effectiveDateTime": "2026-01-05T08:00:00+00:00",
            "component": [component("8480-6", systolic), component("8462-4", diastolic)]}


def test_the_template_asks_for_blood_pressure_panels() -> None:
    observations = patient_view_templates(clinical.criteria_set())["observations"]
    assert "http://loinc.org|85354-9" in observations
    assert "http://loinc.org|8480-6" in observations


def test_a_us_core_blood_pressure_panel_reaches_the_screening(
        timelines: dict[str, PatientTimeline]) -> None:
    timeline = renamed(next(t for t in timelines.values() if t.patient.hsct_date), "EHR-BP")
    prefetch = prefetch_of(timeline)
    prefetch["observations"] = searchset([_bp_panel("EHR-BP", 142, 91)])
    assembled = assemble_timeline(prefetch, ("patient", "observations", "transplant"), None,
                                  UTC, "EHR-BP")
    assert assembled.timeline is not None
    assert assembled.ignored == 0
    when = datetime(2026, 1, 5, 8, tzinfo=UTC)
    assert [(o.time, o.value) for o in assembled.timeline.of("systolic_bp")] == [(when, 142)]
    assert [o.value for o in assembled.timeline.of("diastolic_bp")] == [91]
