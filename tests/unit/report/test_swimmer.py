"""The swimmer plot and the exposure tables of the report, on the hand-built cohort.

The SVG is parsed: every treated patient has a lane (`lane-<id>`), in order of time to
resolution, with a defibrotide bar, and the interruptions and the eculizumab add-on of
tests/unit/analytics/hand_exposure.py where that table puts them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.unit.analytics.hand_exposure import hand_exposure
from tests.unit.study.hand_cohort import hand_cohort
from thrombo.analytics.study import StudyOptions, build_study
from thrombo.analytics.study_results import StudyResults
from thrombo.report import exposure_tables
from thrombo.report.render import render_html
from thrombo.report.swimmer import swimmer_figure

SVG = "{http://www.w3.org/2000/svg}"
# Resolved by day: T01 10, T02 14, T03 14, T06 20, T04 21, T05 28, T07 35; then unresolved by
# follow-up, longest first: T10 (died day 100), T09 (60), T08 (died day 15).
LANE_ORDER = ["T01", "T02", "T03", "T06", "T04", "T05", "T07", "T10", "T09", "T08"]


@pytest.fixture(scope="module")
def results() -> StudyResults:
    return build_study(hand_cohort(), StudyOptions("harmonized-2023"), hand_exposure())


def groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.attrib["id"]: g for g in root.iter(f"{SVG}g") if "id" in g.attrib}


def test_one_lane_per_patient_in_order_of_time_to_resolution(results: StudyResults) -> None:
    svg = swimmer_figure(results.cohort, "treatment-start", results.exposure)
    lanes = [i.removeprefix("lane-") for i in re.findall(r'<g id="(lane-[^"]+)"', svg)]
    assert lanes == LANE_ORDER
    found = groups(svg)
    for pid in LANE_ORDER:
        bar = found[f"defibrotide-{pid}"]
        assert bar.find(f".//{SVG}path") is not None, pid
    # Interruptions where the data put them, with their reason letter; eculizumab only for T04.
    assert {i for i in found if i.startswith("interruption-")} == {"interruption-T04-0",
                                                                   "interruption-T07-0"}
    assert "B" in ET.tostring(found["reason-T04-0"], encoding="unicode")
    assert "P" in ET.tostring(found["reason-T07-0"], encoding="unicode")
    assert {i for i in found if i.startswith("eculizumab-")} == {"eculizumab-T04"}


def test_legend_sits_below_the_lanes(results: StudyResults) -> None:
    svg = swimmer_figure(results.cohort, "treatment-start", results.exposure)
    found = groups(svg)
    assert "legend_1" in found
    legend_text = ET.tostring(found["legend_1"], encoding="unicode")
    assert "interruption: B bleeding" in legend_text and "eculizumab" in legend_text

    def top(element: ET.Element) -> float:
        ys = [float(v) for v in re.findall(r"[ML] *[-\d.]+ +([-\d.]+)",
                                           ET.tostring(element, encoding="unicode"))]
        return min(ys)

    lanes_bottom = max(float(v) for pid in LANE_ORDER for v in re.findall(
        r"[ML] *[-\d.]+ +([-\d.]+)", ET.tostring(found[f"lane-{pid}"], encoding="unicode")))
    assert top(found["legend_1"]) > lanes_bottom


def test_without_exposure_the_lanes_still_show_follow_up(results: StudyResults) -> None:
    svg = swimmer_figure(results.cohort, "treatment-start")
    found = groups(svg)
    assert len([i for i in found if i.startswith("lane-")]) == 10
    assert not any(i.startswith("defibrotide-") for i in found)


def test_report_shows_the_exposure_tables(results: StudyResults) -> None:
    table = exposure_tables.exposure_table(results)
    rows = {row[0]: row for row in table.rows}
    assert rows["T04"][2:5] == ("21", "25.0", "100%")
    assert rows["T04"][6] == "1, 12 h in all: 2025-01-10 12 h (bleeding)"
    assert rows["T04"][7].startswith("eculizumab from day 5")
    assert rows["T06"][2] == "10 (short)" and rows["T09"][4] == "unknown"
    response = exposure_tables.exposure_response_table(results)
    assert response.rows[0][1:3] == ("5/6", "83.3%")
    assert "confounding by indication" in response.note
    html = render_html(results)
    assert 'id="exposure"' in html and 'id="exposure-response"' in html
    assert html.count("<svg") == 5
