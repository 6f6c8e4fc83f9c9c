"""Every route of the OpenAPI document is named in the README's "What the service answers" table,
so an integrator reading the README finds each answer the service gives (the /watch list was
served before the README named it)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import settings_for
from thrombo.api.main import create_app

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_routes() -> set[tuple[str, str]]:
    section = README.read_text(encoding="utf-8").split("### What the service answers", 1)[1]
    section = section.split("\n## ", 1)[0]
    routes: set[tuple[str, str]] = set()
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        last = ""
        first_cell = row.split(" | ")[0]
        for method, path in re.findall(r"`(?:(GET|POST|PUT|DELETE) )?([^`]+)`", first_cell):
            # `.../plan` continues the previous route's path
            full = last.rsplit("/", 1)[0] + path[3:] if path.startswith("...") else path
            routes.add((method, full.replace("{id}", "{}")))
            last = full
    return routes


def test_every_route_is_in_the_readme() -> None:
    client = TestClient(create_app(settings_for("sqlite://", dev=True, secret_key=None)))
    document = client.get("/api/v1/openapi.json").json()
    served = {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
              for path, item in document["paths"].items() for method in item}
    named = _readme_routes()
    # A path is documented once per row; its methods are listed beside it.
    named_paths = {path for _, path in named}
    missing = sorted(f"{m} {p}" for m, p in served if p not in named_paths)
    assert missing == []
    assert len(served) >= 24
