"""CDS Hooks 2.0 through the real endpoints: discovery, patient-view with full, partial and
absent prefetch, order-sign with a wrong dose, feedback, and signed-JWT client authentication.

Prefetch resources are written from the stored timelines with thrombo's own FHIR writer, so the
test knows what the card must say (the store's screening of the same data)."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from tests.api.conftest import settings_for
from thrombo.api import clinical
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.io.fhir_write import fhir_resources
from thrombo.normalize.concepts import fhir_vocabulary

PATIENT_VIEW = "/cds-services/thrombo-ta-tma"
ORDER_SIGN = "/cds-services/thrombo-dose-check"
ISSUER = "https://ehr.example.org"
SUMMARY_LIMIT = 140


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r} for r in resources]}


def prefetch_of(timeline: PatientTimeline) -> dict[str, Any]:
    vocab = fhir_vocabulary()
    history = list(fhir_resources([timeline.patient], vocabulary=vocab))
    observations = list(fhir_resources(observations=timeline.observations, vocabulary=vocab))
    return {"patient": history[0],
            "observations": searchset(observations),
            "transplant": searchset([r for r in history if r["resourceType"] == "Procedure"])}


def renamed(timeline: PatientTimeline, new_id: str) -> PatientTimeline:
    return PatientTimeline.build(
        replace(timeline.patient, patient_id=new_id),
        [replace(o, patient_id=new_id, id=f"{new_id}-{o.id}") for o in timeline.observations])


def hook(hook_name: str, patient_id: str, prefetch: dict[str, Any] | None = None,
         **context: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"hook": hook_name, "hookInstance": str(uuid.uuid4()),
                            "context": {"userId": "Practitioner/1", "patientId": patient_id,
                                        **context}}
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


@pytest.fixture(scope="module")
def tma_timeline(service: Service) -> PatientTimeline:
    today = service.today()
    for timeline in service.store.timelines(service.tz):
        if clinical.screen_one(timeline, today).status == "ta-tma":
            return timeline
    raise AssertionError("the simulated cohort has a TA-TMA patient (tma_fraction 0.5)")


@pytest.fixture(scope="module")
def open_client(service: Service) -> TestClient:
    """CDS calls with JWT checking off, to test the services themselves."""
    settings = settings_for(service.settings.db, cds_require_jwt=False)
    return TestClient(create_app(settings, Service(settings, service.store)))


def assert_well_formed(card: dict[str, Any]) -> None:
    """Specification: summary under 140 characters; no null or empty element anywhere."""
    assert 0 < len(card["summary"]) < SUMMARY_LIMIT
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]

    def walk(value: Any) -> None:
        assert value not in (None, "", [], {})
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(card)


def test_discovery_shape(client: TestClient) -> None:
    services = client.get("/cds-services").json()["services"]
    by_hook = {s["hook"]: s for s in services}
    assert set(by_hook) == {"patient-view", "order-sign"}
    for s in services:
        assert {"hook", "id", "title", "description", "prefetch"} <= set(s)
    prefetch = by_hook["patient-view"]["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    assert "http://loinc.org|777-3" in prefetch["observations"], "platelets are prefetched"
    assert prefetch["transplant"].startswith("Procedure?patient={{context.patientId}}")
    # An EHR administrator reads the description to decide what the service may show: the
    # patient-view service also returns the watch card for children not yet diagnosed.
    assert "watch level" in by_hook["patient-view"]["description"]


def test_patient_view_full_prefetch_alone(open_client: TestClient,
                                          tma_timeline: PatientTimeline) -> None:
    """A patient the store does not hold: the card rests on the prefetch only."""
    stranger = renamed(tma_timeline, "EHR-ONLY-1")
    answer = open_client.post(PATIENT_VIEW, json=hook("patient-view", "EHR-ONLY-1",
                                                      prefetch_of(stranger)))
    assert answer.status_code == 200, answer.text
    cards = answer.json()["cards"]
    assert len(cards) == 1
    card = cards[0]
    assert_well_formed(card)
    assert card["summary"].startswith("TA-TMA criteria met (harmonized-2023)")
    assert card["indicator"] in ("warning", "critical")
    assert "prefetch (patient, observations, transplant)" in card["detail"]
    assert card["links"][0]["url"].endswith("/patients/EHR-ONLY-1")


def test_patient_view_partial_prefetch_completed_from_store(
        open_client: TestClient, tma_timeline: PatientTimeline) -> None:
    full = prefetch_of(tma_timeline)
    partial = {"patient": full["patient"], "observations": None}
    answer = open_client.post(PATIENT_VIEW, json=hook("patient-view", tma_timeline.patient_id,
                                                      partial))
    card = answer.json()["cards"][0]
    assert_well_formed(card)
    assert card["summary"].startswith("TA-TMA criteria met")
    assert "thrombo store (observations, transplant)" in card["detail"]


def test_patient_view_absent_prefetch_uses_store(open_client: TestClient,
                                                 tma_timeline: PatientTimeline,
                                                 service: Service) -> None:
    answer = open_client.post(PATIENT_VIEW, json=hook("patient-view", tma_timeline.patient_id))
    card = answer.json()["cards"][0]
    assert_well_formed(card)
    expected = clinical.screen_one(tma_timeline, service.today())
    assert expected.first_met is not None
    assert expected.first_met.isoformat() in card["summary"]
    for criterion in expected.criteria_met:
        assert criterion in card["detail"]
    assert "*Data:* thrombo store" in card["detail"]


def test_patient_view_unknown_patient_without_prefetch(open_client: TestClient) -> None:
    answer = open_client.post(PATIENT_VIEW, json=hook("patient-view", "NOBODY"))
    assert answer.json() == {"cards": []}


def draft_order(drug_text: str, mg: float) -> dict[str, Any]:
    request = {"resourceType": "MedicationRequest", "id": "draft-1", "status": "draft",
               "intent": "order", "subject": {"reference": "Patient/X"},
               "medicationCodeableConcept": {"coding": [
                   {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1311089",
                    "display": drug_text}]},
               "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {
                   "value": mg, "unit": "mg", "system": "http://unitsofmeasure.org",
                   "code": "mg"}}]}]}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": request}]}


def weight_prefetch(kg: float) -> dict[str, Any]:
    obs = {"resourceType": "Observation", "id": "w1", "status": "final",
           "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
           "subject": {"reference": "Patient/ORDER-1"},
           "effectiveDateTime": "2026-01-05T08:00:00+00:00",
           "valueQuantity": {"value": kg, "unit": "kg", "system": "http://unitsofmeasure.org",
                             "code": "kg"}}
    patient = {"resourceType": "Patient", "id": "ORDER-1", "birthDate": "2019-04-01",
               "gender": "female"}
    return {"patient": patient, "measurements": searchset([obs])}


def test_order_sign_wrong_dose_gets_a_correcting_suggestion(open_client: TestClient) -> None:
    """Defibrotide 6.25 mg/kg every 6 h (interface.md `dose --json`): 18.4 kg -> 115.0 mg.
    An order of 200 mg is corrected to 115 mg."""
    body = hook("order-sign", "ORDER-1", weight_prefetch(18.4),
                draftOrders=draft_order("defibrotide", 200))
    cards = open_client.post(ORDER_SIGN, json=body).json()["cards"]
    assert len(cards) == 1
    card = cards[0]
    assert_well_formed(card)
    assert card["indicator"] == "warning"
    assert "200 mg ordered" in card["summary"] and "115 mg" in card["summary"]
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    fixed = action["resource"]["dosageInstruction"][0]
    assert fixed["doseAndRate"][0]["doseQuantity"]["value"] == 115.0
    assert fixed["timing"]["repeat"]["period"] == 6
    assert action["resource"]["id"] == "draft-1"


def test_order_sign_right_dose_gives_no_card(open_client: TestClient) -> None:
    body = hook("order-sign", "ORDER-1", weight_prefetch(18.4),
                draftOrders=draft_order("defibrotide", 115))
    assert open_client.post(ORDER_SIGN, json=body).json() == {"cards": []}


def test_order_sign_without_weight_says_so(open_client: TestClient) -> None:
    prefetch = {"patient": weight_prefetch(18.4)["patient"], "measurements": searchset([])}
    body = hook("order-sign", "ORDER-1", prefetch, draftOrders=draft_order("defibrotide", 200))
    card = open_client.post(ORDER_SIGN, json=body).json()["cards"][0]
    assert "no body weight" in card["summary"]


def test_order_sign_refuses_defibrotide_ordered_with_an_anticoagulant(
        open_client: TestClient) -> None:
    """Defibrotide (right dose, 115 mg for 18.4 kg) and enoxaparin (RxNorm 67108) signed in one
    order set: systemic anticoagulation is a contraindication (US label section 4, clinical
    reference I1) -> a critical card on each order, the defibrotide one suggesting its removal;
    no dose card. The same rule blocks defibrotide in the TA-TMA plan
    (tests/spec/plans/test_defibrotide_holds.py)."""
    orders = draft_order("defibrotide", 115)
    enoxaparin = {"resourceType": "MedicationRequest", "id": "draft-2", "status": "draft",
                  "intent": "order", "subject": {"reference": "Patient/ORDER-1"},
                  "medicationCodeableConcept": {"coding": [
                      {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "67108",
                       "display": "enoxaparin"}]}}
    orders["entry"].append({"resource": enoxaparin})
    body = hook("order-sign", "ORDER-1", weight_prefetch(18.4), draftOrders=orders)
    cards = open_client.post(ORDER_SIGN, json=body).json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical", "critical"]
    for found in cards:
        assert_well_formed(found)
    assert cards[0]["summary"].startswith("Defibrotide on hold")
    removal = cards[0]["suggestions"][0]["actions"][0]
    assert removal == {"type": "delete", "description": "Remove the defibrotide order",
                       "resourceId": ["MedicationRequest/draft-1"]}
    assert "while defibrotide runs" in cards[1]["summary"]


def test_feedback_is_audited(open_client: TestClient, client: TestClient,
                             tokens: dict[str, str]) -> None:
    card_id = str(uuid.uuid4())
    feedback = {"feedback": [{"card": card_id, "outcome": "overridden",
                              "overrideReason": {"userComment": "weight from today"},
                              "outcomeTimestamp": "2026-01-05T09:00:00Z"}]}
    assert open_client.post(f"{ORDER_SIGN}/feedback", json=feedback).status_code == 200
    entries = client.get("/api/v1/audit", params={"action": "cds-feedback"},
                         headers={"Authorization": f"Bearer {tokens['admin']}"}).json()
    assert any(e["detail"].get("card") == card_id for e in entries)


# --- client authentication ------------------------------------------------------------------


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def client_trusting(service: Service, key: ec.EllipticCurvePrivateKey,
                    centres: list[str]) -> TestClient:
    """A client of an app that trusts ISSUER's tokens signed with `key`, for these centres."""
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    settings = settings_for(service.settings.db, cds_trusted_issuers={ISSUER: public},
                            cds_issuer_centres={ISSUER: centres})
    return TestClient(create_app(settings, Service(settings, service.store)))


@pytest.fixture(scope="module")
def jwt_client(service: Service, signing_key: ec.EllipticCurvePrivateKey) -> TestClient:
    return client_trusting(service, signing_key, ["*"])


def token(key: ec.EllipticCurvePrivateKey, *, aud: str = f"http://testserver{PATIENT_VIEW}",
          iss: str = ISSUER, lifetime: int = 120, jti: str | None = None) -> str:
    now = int(time.time())
    claims = {"iss": iss, "sub": "ehr-client", "aud": aud, "iat": now, "exp": now + lifetime,
              "jti": jti or str(uuid.uuid4())}
    return jwt.encode(claims, key, algorithm="ES384", headers={"kid": "k1"})


def call(client: TestClient, bearer: str | None) -> int:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    body = hook("patient-view", "NOBODY")
    return int(client.post(PATIENT_VIEW, json=body, headers=headers).status_code)


def test_signed_jwt_from_trusted_issuer_is_accepted(jwt_client: TestClient,
                                                     signing_key: ec.EllipticCurvePrivateKey
                                                     ) -> None:
    assert call(jwt_client, token(signing_key)) == 200


def test_requests_without_a_good_jwt_are_refused(jwt_client: TestClient,
                                                 signing_key: ec.EllipticCurvePrivateKey
                                                 ) -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    assert call(jwt_client, None) == 401
    assert call(jwt_client, token(other)) == 401, "signed by an unknown key"
    assert call(jwt_client, token(signing_key, iss="https://rogue.example")) == 401
    assert call(jwt_client, token(signing_key, aud="http://testserver/elsewhere")) == 401
    assert call(jwt_client, token(signing_key, lifetime=3600)) == 401, "exp beyond 5 minutes"
    assert call(jwt_client, token(signing_key, lifetime=-120)) == 401, "expired"
    once = token(signing_key, jti="only-once")
    assert call(jwt_client, once) == 200
    assert call(jwt_client, once) == 401, "replayed jti"


def test_discovery_needs_no_authentication(jwt_client: TestClient) -> None:
    assert jwt_client.get("/cds-services").status_code == 200


