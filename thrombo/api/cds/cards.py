"""Cards as the CDS Hooks 2.0 specification shapes them: a summary under 140 characters, and no
null or empty element anywhere (the specification forbids them in responses)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

SUMMARY_LIMIT = 140
SOURCE = {"label": "thrombo", "topic": {"system": "https://thrombo.dev/cds", "code": "thrombo"}}
Indicator = Literal["info", "warning", "critical"]


def prune(value: Any) -> Any:
    """Drop None, empty strings, lists and objects, recursively."""
    if isinstance(value, dict):
        kept = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    return value


def short(summary: str) -> str:
    if len(summary) < SUMMARY_LIMIT:
        return summary
    return summary[: SUMMARY_LIMIT - 2].rstrip() + "…"


def card(
    summary: str,
    indicator: Indicator,
    *,
    detail: str | None = None,
    links: list[dict[str, Any]] | None = None,
    suggestions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": short(summary),
        "indicator": indicator,
        "detail": detail,
        "source": SOURCE,
        "links": links,
        "suggestions": suggestions,
    }
    if suggestions:
        document["selectionBehavior"] = "at-most-one"
    pruned: dict[str, Any] = prune(document)
    return pruned


def link(label: str, url: str) -> dict[str, Any]:
    return {"label": label, "url": url, "type": "absolute"}


def response(cards: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cards": cards}
