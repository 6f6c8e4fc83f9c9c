"""The study report as a person sees it: rendered by headless Chromium to PNG and to PDF.

Runs in CI (THROMBO_CI=1, Chromium installed there); skipped elsewhere only when no Chromium is
installed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.unit.study.hand_cohort import hand_cohort
from thrombo.analytics.study import HistoricalControl, StudyOptions, build_study
from thrombo.report.pdf import chromium_binary, screenshot
from thrombo.report.render import write_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("THROMBO_CI") and chromium_binary() is None,
                       reason="no Chromium installed (CI installs it)"),
]

WIDTH, HEIGHT = 1100, 5200


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    options = StudyOptions("harmonized-2023",
                           control=HistoricalControl("hand check", 0.3, 0.5))
    out = tmp_path_factory.mktemp("report")
    paths = write_report(build_study(hand_cohort(), options), out)
    assert paths.pdf is not None, paths.pdf_note
    return paths.html


def test_report_renders_to_a_non_trivial_png(report: Path) -> None:
    png = report.parent / "report.png"
    shot = screenshot(report, png, WIDTH, HEIGHT)
    assert shot.path is not None, shot.note
    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    assert png.stat().st_size > 50_000
    # Not one colour: a page of text, tables and plots varies a lot from pixel to pixel.
    low, high = zip(*image.getextrema(), strict=True)
    assert max(high) - min(low) > 200
    assert max(ImageStat.Stat(image).stddev) > 20
    # Every band of the page down to the endpoints carries ink (no blank half-page).
    for top in range(0, 3000, 500):
        darkest, _ = image.crop((0, top, WIDTH, top + 500)).convert("L").getextrema()
        assert isinstance(darkest, int) and darkest < 128, f"blank band at y={top}"


def test_every_svg_figure_has_drawn_lines(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    figures = re.findall(r"<figure id=\"figure-(\w+)\">(.*?)</figure>", html, flags=re.S)
    assert {name for name, _ in figures} == {"flow", "survival", "incidence", "swimmer",
                                            "trajectories"}
    for name, body in figures:
        assert "<svg" in body, name
        lines = re.findall(r"<path[^>]* d=\"M[^\"]*L", body)
        assert len(lines) >= 3, f"figure {name} has no drawn lines"


def test_pdf_is_a_real_pdf(report: Path) -> None:
    pdf = report.parent / "report.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 30_000
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 3
