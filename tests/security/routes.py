"""Every route of the application, enumerated from the app itself, with a well-formed request for
each and who may call it. A route added without an entry here fails the access tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

ROLES = ("anonymous", "clin1", "clin2", "res", "admin")

PUBLIC = "public"
SIGNED_IN = "signed-in"
OWN_CENTRE = "own-centre"
"""Identified data of one patient of centre C01: clin2 (centre C02) must not learn it exists."""
CLINICAL_LIST = "clinical-list"
ADMIN = "administrator"
CDS_CLIENT = "cds-client"
"""CDS Hooks services: a signed client JWT, never a user's token."""

DENIED = {
    PUBLIC: set(),
    SIGNED_IN: {"anonymous"},
    OWN_CENTRE: {"anonymous", "clin2", "res"},
    CLINICAL_LIST: {"anonymous", "res"},
    ADMIN: {"anonymous", "clin1", "clin2", "res"},
    CDS_CLIENT: set(ROLES),
}


@dataclass(frozen=True)
class Call:
    access: str
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    params: dict[str, str] = field(default_factory=dict)
    ends_session: bool = False


def _hook(name: str) -> dict[str, Any]:
    return {"hook": name, "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": "{patient_id}"}}


DOSE = {"drug": "ivig", "weight_kg": 20}
UPLOAD = {"files": ("patients.csv", b"patient_id,birth_date\n", "text/csv")}

CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/api/v1/openapi.json"): Call(PUBLIC),
    ("POST", "/api/v1/auth/token"): Call(PUBLIC, json={"username": "nobody", "password": "x"}),
    ("POST", "/api/v1/auth/logout"): Call(SIGNED_IN, ends_session=True),
    ("GET", "/api/v1/auth/me"): Call(SIGNED_IN),
    ("GET", "/api/v1/users"): Call(ADMIN),
    ("POST", "/api/v1/users"): Call(ADMIN, json={"username": "{unique}",
                                                  "password": "new user passphrase",
                                                  "role": "researcher"}),
    ("GET", "/api/v1/patients"): Call(CLINICAL_LIST),
    ("GET", "/api/v1/patients/{patient_id}/timeline"): Call(OWN_CENTRE),
    ("GET", "/api/v1/screening"): Call(CLINICAL_LIST),
    ("GET", "/api/v1/watch"): Call(CLINICAL_LIST),
    ("GET", "/api/v1/patients/{patient_id}/screening"): Call(OWN_CENTRE),
    ("GET", "/api/v1/patients/{patient_id}/itp"): Call(OWN_CENTRE),
    ("GET", "/api/v1/patients/{patient_id}/assessment"): Call(OWN_CENTRE),
    ("GET", "/api/v1/patients/{patient_id}/plan"): Call(OWN_CENTRE),
    ("GET", "/api/v1/drugs"): Call(SIGNED_IN),
    ("POST", "/api/v1/dose"): Call(SIGNED_IN, json=DOSE),
    ("GET", "/api/v1/study"): Call(SIGNED_IN),
    ("POST", "/api/v1/imports"): Call(ADMIN, files=UPLOAD),
    ("GET", "/api/v1/imports"): Call(ADMIN),
    ("GET", "/api/v1/quarantine"): Call(ADMIN),
    ("GET", "/api/v1/audit"): Call(ADMIN),
    ("GET", "/api/v1/audit/verify"): Call(ADMIN),
    ("GET", "/cds-services"): Call(PUBLIC),
    ("POST", "/cds-services/{service_id}"): Call(CDS_CLIENT, json=_hook("patient-view")),
    ("POST", "/cds-services/{service_id}/feedback"): Call(CDS_CLIENT, json={"feedback": []}),
    ("GET", "/login"): Call(PUBLIC),
    ("POST", "/login"): Call(PUBLIC, form={"username": "nobody", "password": "x"}),
    ("POST", "/logout"): Call(SIGNED_IN, form={}, ends_session=True),
    ("GET", "/"): Call(CLINICAL_LIST),
    ("GET", "/watch"): Call(CLINICAL_LIST),
    ("GET", "/patients/{patient_id}"): Call(OWN_CENTRE),
    ("GET", "/dose"): Call(SIGNED_IN),
    ("POST", "/dose"): Call(SIGNED_IN, form={"drug": "ivig", "weight_kg": "20"}),
    ("GET", "/study"): Call(SIGNED_IN),
    ("GET", "/imports"): Call(ADMIN),
    ("POST", "/imports"): Call(ADMIN, form={}, files=UPLOAD),
    ("GET", "/audit"): Call(ADMIN),
}
MOUNTS = {"/static"}
"""Static files (the style sheet): public by design, no data."""


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the application serves, HEAD aside."""
    found = []
    for route in iter_route_contexts(app.routes):
        methods = getattr(route, "methods", None)
        if methods is None:
            found.append(("MOUNT", str(route.path)))
            continue
        found += [(m, str(route.path)) for m in sorted(methods) if m != "HEAD"]
    return found


def is_page(path: str) -> bool:
    return not (path.startswith("/api/") or path.startswith("/cds-services")
                or path.startswith("/docs"))
