"""CDS Hooks 2.0 endpoints: discovery, the two services and their feedback.

Clients authenticate with a signed JWT (see `cds.client_auth`), except under --dev (or with
THROMBO_CDS_REQUIRE_JWT=false, allowed on the loopback interface only). Each trusted issuer may
ask about the patients of its own centres (THROMBO_CDS_ISSUER_CENTRES): a stored patient of
another centre is, for that client, a patient the service does not know. Every call and every
feedback is recorded in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from thrombo.api import clinical
from thrombo.api.answers import CdsCards, CdsDiscovery, CdsFeedbackAccepted
from thrombo.api.cds import order_sign, patient_view
from thrombo.api.cds.cards import card, response
from thrombo.api.cds.client_auth import ClientAuthError, verify_client_jwt
from thrombo.api.cds.prefetch import (
    Assembled,
    assemble_timeline,
    order_sign_templates,
    patient_view_templates,
)
from thrombo.api.cds.watch_card import watch_cards, watch_of
from thrombo.api.deps import ServiceDep
from thrombo.api.screening_memo import screening
from thrombo.api.service import DataVersion, Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.physiology.age import age_in_years
from thrombo.rules.screening_results import ScreeningResult

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])


class HookRequest(BaseModel):
    hook: str
    hookInstance: str
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None
    fhirServer: str | None = None


class FeedbackRequest(BaseModel):
    feedback: list[dict[str, Any]] = Field(default_factory=list)


def discovery_document() -> dict[str, Any]:
    criteria = clinical.criteria_set()
    return {"services": [
        {"hook": "patient-view", "id": patient_view.SERVICE_ID,
         "title": "TA-TMA screening",
         "description": f"TA-TMA status under {criteria.name} with the values behind it and "
                        "high-risk features, for children after stem-cell transplant; for a child "
                        "not yet diagnosed, the TA-TMA watch level (early signals) and what to "
                        "check next.",
         "prefetch": patient_view_templates(criteria)},
        {"hook": "order-sign", "id": order_sign.SERVICE_ID,
         "title": "Defibrotide and ITP drug dose check",
         "description": "Checks a draft MedicationRequest against the dose calculated for the "
                        "child's weight and suggests the corrected order; refuses defibrotide "
                        "while an anticoagulant runs or is within its washout.",
         "prefetch": order_sign_templates()},
    ]}


@router.get("", response_model=CdsDiscovery)
def discovery() -> dict[str, Any]:
    return discovery_document()


@dataclass(frozen=True)
class CdsClient:
    actor: str
    centres: frozenset[str] | None
    """The centres whose stored patients this client may ask about; None: every centre."""

    def may_see(self, centre: str | None) -> bool:
        return self.centres is None or (centre is not None and centre in self.centres)


def _client(request: Request, service: Service) -> CdsClient:
    settings = service.settings
    if settings.dev or not settings.cds_require_jwt:
        return CdsClient("cds:dev", None)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    audiences = [base + request.url.path]
    claims = verify_client_jwt(request.headers.get("authorization"), settings, audiences,
                               service.replay)
    issuer = str(claims["iss"])
    return CdsClient(f"cds:{issuer}", settings.issuer_centres(issuer))


def _stored(service: Service, client: CdsClient, patient_id: str,
            version: DataVersion | None = None) -> tuple[PatientTimeline | None, bool]:
    """The stored timeline if this client may see it, and whether one was withheld."""
    found = service.timelines([patient_id], version)
    if not found:
        return None, False
    if not client.may_see(found[0].patient.center):
        return None, True
    return found[0], False


def _trust_detail(assembled: Assembled, withheld: bool) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    if assembled.ignored:
        detail["prefetch_ignored"] = assembled.ignored
    if withheld:
        detail["store"] = "patient of a centre this client is not bound to: not used"
    return detail


def _screening(service: Service, timeline: PatientTimeline, from_prefetch: bool,
               version: DataVersion) -> ScreeningResult:
    """Screened once per patient, day and store version when the store alone supplied the data
    (an EHR reopening a chart calls the hook again and again); prefetch data is screened anew."""
    today = service.today()
    if from_prefetch:
        return clinical.screen_one(timeline, today)
    return screening(service, timeline, today, version)


def _page_url(request: Request, service: Service, patient_id: str) -> str:
    base = (service.settings.public_url or str(request.base_url)).rstrip("/")
    return f"{base}/patients/{quote(patient_id, safe='')}"


def run_patient_view(request: Request, service: Service, body: HookRequest, client: CdsClient
                     ) -> dict[str, Any]:
    patient_id = str(body.context.get("patientId") or "")
    version = service.store_version()
    stored, withheld = _stored(service, client, patient_id, version)
    assembled = assemble_timeline(body.prefetch or {}, patient_view.KEYS, stored, service.tz,
                                  patient_id)
    detail: dict[str, Any] = {"hook": body.hook, "hookInstance": body.hookInstance,
                              "prefetch_used": list(assembled.used_prefetch),
                              "from_store": list(assembled.from_store),
                              **_trust_detail(assembled, withheld)}
    if assembled.timeline is None:
        service.record(client.actor, "cds-patient-view",
                       {**detail, "result": "unknown patient"}, patient_id or None)
        return response([])
    criteria = clinical.criteria_set()
    result = _screening(service, assembled.timeline, bool(assembled.used_prefetch), version)
    sources = ("prefetch (" + ", ".join(assembled.used_prefetch) + ")"
               if assembled.used_prefetch else "thrombo store")
    if assembled.from_store and assembled.used_prefetch:
        sources += "; thrombo store (" + ", ".join(assembled.from_store) + ")"
    note = assembled.ignored_note()
    if note:
        sources += f"; {note}"
    page_url = _page_url(request, service, patient_id)
    cards = [patient_view.patient_view_card(result, criteria.name, page_url, sources)]
    cards += watch_cards(watch_of(service, assembled.timeline, bool(assembled.used_prefetch),
                                  version), page_url)
    service.record(client.actor, "cds-patient-view", {**detail, "status": result.status},
                   patient_id)
    return response(cards)


def _latest(timeline: PatientTimeline, analyte: str) -> float | None:
    series = timeline.of(analyte)
    return series[-1].value if series else None


def _check_order(timeline: PatientTimeline, entry: dict[str, Any], today: date
                 ) -> dict[str, Any] | None:
    draft = order_sign.draft_dose(entry)
    if draft is None:
        return None
    weight = _latest(timeline, "weight")
    if weight is None:
        return order_sign.missing_weight_card(draft.drug)
    weights = timeline.of("weight")
    note = f"{weight:g} kg measured {weights[-1].time.date().isoformat()}"
    try:
        rec = clinical.dose(draft.drug, weight_kg=weight, height_cm=_latest(timeline, "height"),
                            age_years=age_in_years(timeline.patient.birth_date, today),
                            hb_g_dl=_latest(timeline, "hemoglobin"), sex=timeline.patient.sex)
    except ThromboUserError as exc:
        return card(f"Cannot check the {draft.drug} dose", "info", detail=str(exc))
    ordered = order_sign.ordered_in(draft, rec.dose.unit, weight)
    if ordered is None:
        return card(f"Cannot compare the {draft.drug} dose unit {draft.unit}", "info",
                    detail=f"thrombo calculates {rec.dose} for {weight:g} kg.")
    if order_sign.agrees(ordered, rec):
        return None
    return order_sign.mismatch_card(draft, ordered, rec, weight, note)


def run_order_sign(service: Service, body: HookRequest, client: CdsClient) -> dict[str, Any]:
    patient_id = str(body.context.get("patientId") or "")
    keys = ("patient", "measurements", "transplant")
    stored, withheld = _stored(service, client, patient_id)
    assembled = assemble_timeline(body.prefetch or {}, keys, stored, service.tz, patient_id)
    orders = body.context.get("draftOrders") or {}
    entries = [e.get("resource") for e in orders.get("entry") or [] if isinstance(e, dict)]
    requests = [r for r in entries
                if isinstance(r, dict) and r.get("resourceType") == "MedicationRequest"]
    cards: list[dict[str, Any]] = []
    if assembled.timeline is not None:
        now = datetime.now(service.tz)
        for entry in requests:
            cards += order_sign.hold_cards(assembled.timeline, entry, requests, now)
            found = _check_order(assembled.timeline, entry, service.today())
            if found is not None:
                cards.append(found)
    note = assembled.ignored_note()
    if note:
        cards.append(card("Prefetched data of another patient ignored", "warning", detail=note))
    service.record(client.actor, "cds-order-sign",
                   {"hook": body.hook, "hookInstance": body.hookInstance,
                    "orders": len(requests), "cards": [c["summary"] for c in cards],
                    **_trust_detail(assembled, withheld)},
                   patient_id or None)
    return response(cards)


def _cards_json(document: dict[str, Any]) -> Response:
    """The cards serialised directly (orjson): they are plain JSON already, and FastAPI's own
    path (jsonable_encoder, then json.dumps) costs more than building them."""
    return Response(orjson.dumps(document), media_type="application/json")


@router.post("/{service_id}", response_model=None,
             responses={200: {"model": CdsCards, "description": "The cards"}})
def call_service(service_id: str, body: HookRequest, request: Request, service: ServiceDep
                 ) -> Response:
    try:
        client = _client(request, service)
    except ClientAuthError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=401)
    if service_id == patient_view.SERVICE_ID and body.hook == "patient-view":
        return _cards_json(run_patient_view(request, service, body, client))
    if service_id == order_sign.SERVICE_ID and body.hook == "order-sign":
        return _cards_json(run_order_sign(service, body, client))
    return JSONResponse({"detail": f"no service {service_id!r} for hook {body.hook!r}"},
                        status_code=404)


@router.post("/{service_id}/feedback", response_model=None,
             responses={200: {"model": CdsFeedbackAccepted, "description": "Recorded"}})
def feedback(service_id: str, body: FeedbackRequest, request: Request, service: ServiceDep
             ) -> dict[str, Any] | JSONResponse:
    try:
        client = _client(request, service)
    except ClientAuthError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=401)
    for item in body.feedback:
        service.record(client.actor, "cds-feedback", {"service": service_id, **item})
    return {}
