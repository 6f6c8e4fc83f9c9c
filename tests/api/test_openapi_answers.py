"""The OpenAPI document describes every JSON answer, and real answers hold to it (issue 18, 5).

A route returning `dict[str, Any]` shows up as an anonymous "object with any properties": the
client learns nothing. Every 2xx JSON answer must name a component schema (directly, as the
items of an array, or as alternatives), and each field of the answers the service gives for
the test cohort must be one the schema declares.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth

EMPTY_ANSWERS = {"CdsFeedbackAccepted"}
"""CDS Hooks feedback is acknowledged with `{}` (CDS Hooks 2.0)."""
Schema = dict[str, Any]


def named_schemas(schema: Schema) -> list[str] | None:
    """The component names an answer's schema refers to; None when it names none."""
    if "$ref" in schema:
        return [schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return named_schemas(schema.get("items", {}))
    if "anyOf" in schema:
        names = [named_schemas(s) for s in schema["anyOf"]]
        return None if None in names else [n for ns in names if ns for n in ns]
    return None


def json_answers(document: Schema) -> list[tuple[str, str, str, Schema]]:
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                content = answer.get("content", {})
                if status.startswith("2") and "application/json" in content:
                    found.append((method.upper(), path, status,
                                  content["application/json"]["schema"]))
    return found


def test_every_json_route_names_its_answers_schema(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    answers = json_answers(document)
    assert len(answers) >= 20  # every JSON route of /api/v1 and /cds-services
    anonymous = [f"{m} {p} {s}" for m, p, s, schema in answers if named_schemas(schema) is None]
    assert anonymous == []
    empty = {name for *_, schema in answers for name in named_schemas(schema) or []
             if not components[name].get("properties") and name not in EMPTY_ANSWERS}
    assert empty == set()


def undeclared(value: Any, schema: Schema, components: dict[str, Schema], where: str
               ) -> list[str]:
    """Fields of `value` that the schema does not declare, as paths."""
    if "$ref" in schema:
        return undeclared(value, components[schema["$ref"].rsplit("/", 1)[-1]], components,
                          where)
    if "anyOf" in schema:
        tries = [undeclared(value, s, components, where) for s in schema["anyOf"]
                 if s.get("type") != "null" or value is None]
        return min(tries, key=len) if tries else []
    if isinstance(value, list) and "items" in schema:
        return [miss for i, v in enumerate(value)
                for miss in undeclared(v, schema["items"], components, f"{where}[{i}]")]
    properties = schema.get("properties")
    if not isinstance(value, dict) or properties is None:
        return []
    missing = []
    for key, v in value.items():
        if key not in properties:
            missing.append(f"{where}.{key}")
        else:
            missing += undeclared(v, properties[key], components, f"{where}.{key}")
    return missing


def test_real_answers_hold_to_the_schema(client: TestClient, tokens: dict[str, str],
                                         cohort: Cohort) -> None:
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    admin = auth(tokens["admin"])
    patients = sorted(cohort.centres)
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/v1/auth/me", None), ("GET", "/api/v1/users", None),
        ("GET", "/api/v1/patients", None), ("GET", "/api/v1/screening", None),
        ("GET", "/api/v1/screening?criteria=all", None), ("GET", "/api/v1/drugs", None),
        ("GET", "/api/v1/study", None), ("GET", "/api/v1/imports", None),
        ("GET", "/api/v1/quarantine", None), ("GET", "/api/v1/audit", None),
        ("GET", "/api/v1/audit/verify", None), ("GET", "/cds-services", None),
        ("POST", "/api/v1/dose", {"drug": "defibrotide", "weight_kg": 20}),
    ]
    for pid in patients:
        calls += [("GET", f"/api/v1/patients/{pid}/{what}", None)
                  for what in ("timeline", "screening", "itp", "assessment", "plan")]
    calls.append(("GET", f"/api/v1/patients/{patients[0]}/screening?criteria=all", None))
    templates = {(m, p): s for m, p, _, s in json_answers(document)}
    missing: list[str] = []
    for method, url, body in calls:
        answer = client.request(method, url, headers=admin, json=body)
        assert answer.status_code == 200, (url, answer.text)
        template = next(p for (m, p) in templates if m == method and _matches(p, url))
        missing += undeclared(answer.json(), templates[(method, template)], components, url)
    assert sorted(set(missing)) == []


def _matches(template: str, url: str) -> bool:
    parts, wanted = template.split("/"), url.split("?", maxsplit=1)[0].split("/")
    return len(parts) == len(wanted) and all(
        p == w or (p.startswith("{") and p.endswith("}")) for p, w in zip(parts, wanted,
                                                                         strict=True))
