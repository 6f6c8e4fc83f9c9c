"""The API reference at /api/docs (under --dev): the OpenAPI document as one plain page, built
on the server from `app.openapi()`. Swagger UI loads its script from a CDN and shows nothing on
a machine without network; this page needs no script at all, and the document itself stays at
/api/v1/openapi.json for tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from thrombo.web.pages_common import templates

DOCS_PATH = "/api/docs"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[str]
    body: str | None
    responses: list[str]


def _schema_name(content: dict[str, Any]) -> str | None:
    for media in content.values():
        schema = media.get("schema", {})
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
        if ref:
            return str(ref).rsplit("/", 1)[-1]
        return str(schema.get("type") or schema.get("title") or "JSON")
    return None


def _parameter(parameter: dict[str, Any]) -> str:
    required = ", required" if parameter.get("required") else ""
    return f"{parameter['name']} ({parameter.get('in', '')}{required})"


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every path and method of the OpenAPI document, in the document's order."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [_parameter(p) for p in op.get("parameters", [])]
            body = _schema_name(op.get("requestBody", {}).get("content", {}))
            responses = [f"{code} {answer.get('description', '')}".strip()
                         for code, answer in op.get("responses", {}).items()]
            found.append(Operation(method.upper(), path, op.get("summary", ""),
                                   op.get("description", ""), parameters, body, responses))
    return found


def docs_router(app: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(DOCS_PATH, response_class=HTMLResponse)
    def api_docs(request: Request) -> HTMLResponse:
        document = app.openapi()
        return templates.TemplateResponse(request, "api_docs.html", {
            "info": document.get("info", {}), "operations": operations(document)})

    return router
