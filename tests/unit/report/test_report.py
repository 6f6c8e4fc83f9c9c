"""The study report's HTML, figures and tables, on the hand-built cohort (no browser needed)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.study.hand_cohort import hand_cohort
from thrombo.analytics.study import (
    DEATH_EVENT,
    RESOLUTION_EVENT,
    HistoricalControl,
    StudyOptions,
    build_study,
)
from thrombo.analytics.study_results import StudyResults
from thrombo.report import tables
from thrombo.report.figures import incidence_axis_end, study_figures
from thrombo.report.render import render_html, write_report

CONTROL = HistoricalControl("hand check", resolution_rate=0.3, survival_6_months=0.5)
OPTIONS = StudyOptions("harmonized-2023", control=CONTROL)


@pytest.fixture(scope="module")
def results() -> StudyResults:
    return build_study(hand_cohort(), OPTIONS)


def drawn_marks(svg: str) -> int:
    """Paths, lines and polylines that carry a drawing (a 'd' or 'points' attribute)."""
    return len(re.findall(r"<path[^>]* d=\"M", svg)) + len(re.findall(r"<(?:polyline|line)\b",
                                                                       svg))


def test_every_figure_is_an_svg_with_drawn_marks(results: StudyResults) -> None:
    figures = study_figures(results, individual=True)
    assert set(figures) == {"flow", "survival", "incidence", "swimmer", "trajectories"}
    for name, svg in figures.items():
        assert svg.startswith("<svg"), name
        assert drawn_marks(svg) > 5, name


def test_html_is_self_contained_and_shows_the_endpoints(results: StudyResults) -> None:
    html = render_html(results)
    # Nothing fetched: no scripts, stylesheets, images or links to other files.
    assert not re.search(r"<script|<link|<img|src=|href=\"(?!#)", html)
    assert html.count("<svg") == 5
    # The endpoint table: 6/10 resolved, 60.0% (26.2% to 87.8%); 6-month OS 64.3%.
    assert "6/10" in html and "26.2% to 87.8%" in html and "64.3%" in html
    assert "Clopper-Pearson" in html and "Aalen-Johansen" in html
    assert results.input_sha256 in html
    assert "harmonized-2023" in html


def test_endpoint_table_mirrors_the_study_document(results: StudyResults) -> None:
    table = tables.endpoint_table(results)
    reported = {row[0]: row[-1] for row in table.rows}
    assert reported["TA-TMA resolution by day 28"] == "70%"
    assert reported["Overall survival at 6 months (183 days)"] == "80%"
    assert reported["Renal or neurological recovery"] == "60%"
    assert reported["Major bleeding"] == "none"
    assert "hypotension" in table.note


def test_adverse_event_table_has_worst_grade_columns(results: StudyResults) -> None:
    table = tables.adverse_event_table(results)
    rows = {row[0]: row[1:] for row in table.rows}
    # hypotension: one patient worst grade 1 (T02), one worst grade 2 (T01); any grade 2.
    assert rows["hypotension"] == ("1", "1", "0", "0", "0", "2")


def test_suppressed_report_hides_small_counts_and_single_patients() -> None:
    suppressed = build_study(hand_cohort(), replace(OPTIONS, suppress_below=3))
    html = render_html(suppressed)
    assert "&lt;3" in html
    assert "swimmer" not in study_figures(suppressed, individual=False)
    assert "T01" not in html
    bleeding = {row[0]: row[1:] for row in tables.endpoint_table(suppressed).rows}
    assert bleeding["Major bleeding"][1] == "suppressed"


def test_missing_chromium_writes_html_and_says_so(results: StudyResults, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROMBO_CHROMIUM", str(tmp_path / "no-such-browser"))
    paths = write_report(results, tmp_path / "out")
    assert paths.html.exists() and paths.html.stat().st_size > 10_000
    assert paths.pdf is None
    assert "not made" in paths.pdf_note


def test_report_folder_that_is_a_file_is_refused(results: StudyResults, tmp_path: Path) -> None:
    from thrombo.errors import ThromboUserError

    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ThromboUserError):
        write_report(results, target, make_pdf=False)


def test_no_raw_json_section(results: StudyResults) -> None:
    """issue 21 item 13: the criteria set and the input are tables of readable rows, not a JSON
    dump: "options / time origin | treatment-start", "demo seed | 7"."""
    html = render_html(results, {"demo_seed": 7, "data": "thrombo-demo/data"})
    assert "<pre>" not in html and '"options": {' not in html
    assert "<td>options / time origin</td><td>treatment-start</td>" in html
    assert "<td>demo seed</td><td>7</td>" in html


def test_cox_covariates_read_in_words_with_their_unit(results: StudyResults) -> None:
    """issue 21 item 13: "Cox: age at TA-TMA diagnosis (per year older)", not "Cox: age_years"
    (StudyPatient.age_years is the age on the diagnosis day, analytics.from_timelines). The hand
    cohort's ten patients with three deaths fit both covariates."""
    names = [row[0] for row in tables.comparison_table(results).rows if row[0].startswith("Cox")]
    assert names == ["Cox: age at TA-TMA diagnosis (per year older)",
                     "Cox: male sex (vs female)"]


def test_numbers_at_risk_sit_under_their_ticks(results: StudyResults) -> None:
    """issue 21 item 13: each tick of the survival figure's time axis is a day of the at-risk
    table, labelled with the day and, on a second line, the patients at risk (hand cohort:
    10 at day 0, 9 at day 30, ..., 5 at day 183)."""
    svg = study_figures(results, individual=True)["survival"]
    ticks = re.split(r'<g id="xtick_\d+">', svg)[1:]  # each tick's group, its label first
    labels = [re.findall(r"<text[^>]*>([^<]*)</text>",
                         re.search(r'<g id="text_\d+">(.*?)</g>', tick, re.S).group(1))  # type: ignore[union-attr]
              for tick in ticks]
    assert results.overall_survival is not None
    assert labels == [[f"{r.time:g}", str(r.at_risk)] for r in results.overall_survival.at_risk]
    assert labels[0] == ["0", "10"] and labels[-1] == ["183", "5"]


def test_the_resolution_figure_ends_where_the_events_end(results: StudyResults) -> None:
    """issue 21 item 13: hand cohort, resolutions rise until day 35 and the last death before
    resolution is on day 100: the axis ends at 110 (a tenth past it), not at the longest
    follow-up; resolution alone would end at 38.5 (35 x 1.1)."""
    assert results.cif_resolution is not None
    estimate = results.cif_resolution.estimate
    resolution, death = estimate.curve(RESOLUTION_EVENT), estimate.curve(DEATH_EVENT)
    assert incidence_axis_end(resolution, death) == pytest.approx(110.0)
    assert incidence_axis_end(resolution) == pytest.approx(38.5)


def test_the_flow_diagram_is_compact(results: StudyResults) -> None:
    """issue 21 item 13: at most 0.9 inch (64.8 pt) of figure per step of the flow (the hand
    cohort's 5 steps took 6.25 inches, 1.25 per step, before; 4.25 now)."""
    svg = study_figures(results, individual=True)["flow"]
    height = float(re.search(r'<svg[^>]* height="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert height <= 64.8 * len(results.flow)
