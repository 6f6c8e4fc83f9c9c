"""Sources cited by title and year, never by a seed file name (issue 21 item 11): what the
terminal, the dashboard and the report show. The titles and years are those of the two source
documents (shared seeds/README.md; the ITP article is dated 2026-01-06, the study report states
no year)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.study.hand_cohort import hand_cohort
from thrombo.analytics.study import StudyOptions, build_study
from thrombo.report.pdf import NO_CHROMIUM, print_to_pdf
from thrombo.report.render import render_html
from thrombo.report.words import SOURCES, cite, interval

STUDY = "Single-centre study of defibrotide for TA-TMA in children (undated report)"
ITP = "Refractory ITP in children: definition and treatment ladder (2026)"


@pytest.mark.parametrize(("text", "shown"), [
    ("protocol treatment (seed 000)", f"protocol treatment ({STUDY})"),
    ("Refractory paediatric ITP, seed 002_135c7129447af5c0.txt: monthly dexamethasone",
     f"Refractory paediatric ITP, {ITP}: monthly dexamethasone"),
    ("a project definition from 002_135c7129447af5c0.txt, not published",
     f"a project definition from {ITP}, not published"),
    ("seed document 000_56e8c5c5802e858b.txt, 30 patients", f"{STUDY}, 30 patients"),
    # Names a user types stay as they are; so do identifiers with the same digits.
    ("ladder seed-002, definition practical-002", "ladder seed-002, definition practical-002"),
    ("HSCT-000002 from seed 0001", "HSCT-000002 from seed 0001"),
])
def test_seed_mentions_become_titles(text: str, shown: str) -> None:
    assert cite(text) == shown
    assert SOURCES["000"] == STUDY and SOURCES["002"] == ITP


def test_the_report_names_no_seed_file() -> None:
    html = render_html(build_study(hand_cohort(), StudyOptions("harmonized-2023")))
    assert "56e8c5c5802e858b" not in html and "135c7129447af5c0" not in html
    assert STUDY in html


def test_a_missing_chromium_is_said_once_with_how_to_install_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROMBO_CHROMIUM", "/nonexistent/chromium")
    page = tmp_path / "r.html"
    page.write_text("<p>report</p>")
    made = print_to_pdf(page, tmp_path / "r.pdf")
    assert made.path is None
    assert made.note == f"PDF not made: {NO_CHROMIUM}"
    assert "apt-get install chromium" in made.note and "THROMBO_CHROMIUM" in made.note


@pytest.mark.parametrize(("hours", "shown"), [
    (6, "every 6 h"), (24, "every 24 h"), (168, "every 7 days"), (72, "every 3 days"),
    (None, ""),
])
def test_intervals_read_as_the_terminal_prints_them(hours: float | None, shown: str) -> None:
    """Eculizumab maintenance every 168 h reads "every 7 days" on the dashboard too."""
    assert interval(hours) == shown
