"""What a clinician reads on the dashboard: no Python value (None, True, False) and no
snake_case name in the visible text of any patient page, for every patient of the cohort."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth

PYTHON_WORDS = re.compile(r"\b(None|True|False)\b")
SNAKE_CASE = re.compile(r"\b(?:[a-z]+_)+[a-z]+\b")


class VisibleText(HTMLParser):
    """The text a browser shows: not scripts, styles or SVG internals."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_patient_pages_use_clinical_words(client: TestClient, tokens: dict[str, str],
                                          cohort: Cohort) -> None:
    checked = 0
    for pid in sorted(cohort.of_centre("C01")):
        page = client.get(f"/patients/{pid}", headers=auth(tokens["clin1"]))
        assert page.status_code == 200, pid
        text = visible(page.text)
        assert not PYTHON_WORDS.findall(text), (pid, PYTHON_WORDS.findall(text))
        snake = [w for w in SNAKE_CASE.findall(text) if not w.startswith("option")]
        context = [text[max(0, text.find(w) - 80):text.find(w) + 40] for w in snake[:3]]
        assert not snake, (pid, context)
        checked += 1
    assert checked >= 3
