"""The dashboard's main pages in headless Chromium, each screenshot checked against the store's
data (issues 21 and 23): the patient list, a treated TA-TMA child's page (header, charts with
their markers and evidence rings, the journey lanes) and the study page with its swimmer plot.
Screenshots are kept in the test's temporary folder (printed) for a person to look at."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, Server, assert_drawn, sign_in
from thrombo.api import clinical
from thrombo.api.service import Service
from thrombo.api.settings import Settings
from thrombo.domain.timeline import PatientTimeline
from thrombo.report.swimmer import svg_id
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user
from thrombo.web.course import header
from thrombo.web.journey import journey_lanes
from thrombo.web.patient_page import CHARTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PYTHON_WORDS = re.compile(r"\b(None|True|False|nan)\b")


@dataclass(frozen=True)
class Site:
    base: str
    service: Service
    treated: PatientTimeline
    """A TA-TMA child treated with defibrotide, the page most of the checks read."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("pages")
    write_dataset(SimulationConfig(seed=23, patients=14, itp_patients=2, centers=1,
                                   tma_fraction=0.6), root / "cohort")
    url = f"sqlite:///{root / 'store.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(root / "cohort")]), actor="test", command="fixture")
    service = Service(Settings(db=url, secret_key="s" * 40, cookie_secure=False), store)
    today = service.today()
    treated = next(t for t in store.timelines()
                   if clinical.assessment(t, today).get("treatment") == "defibrotide")
    with store.engine.begin() as conn:  # one centre: the clinician sees every child
        create_user(conn, "doctor", PASSWORD, "clinician", treated.patient.center)
    with Server(service) as base:
        yield Site(base, service, treated)


@pytest.fixture
def page(site: Site, browser: object) -> Iterator[object]:
    tab = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    sign_in(tab, site.base, "doctor")
    yield tab
    tab.close()


def visible_text(page: object) -> str:
    return str(page.locator("main").inner_text())  # type: ignore[attr-defined]


def test_patient_list(site: Site, page: object, tmp_path: Path) -> None:
    shot = tmp_path / "patients.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot: {shot}")
    ids = page.locator("table.list tbody tr td:first-child").all_inner_texts()  # type: ignore[attr-defined]
    assert sorted(i.strip() for i in ids) == sorted(site.service.store.known_patient_ids())
    assert not PYTHON_WORDS.search(visible_text(page))
    assert_drawn(shot, 600)


def test_patient_page_header_charts_and_journey(site: Site, page: object,
                                                tmp_path: Path) -> None:
    child, today = site.treated, site.service.today()
    page.goto(f"{site.base}/patients/{child.patient_id}")  # type: ignore[attr-defined]
    shot = tmp_path / "patient.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot: {shot}")
    assert_drawn(shot, 2000)
    text = visible_text(page)
    assert not PYTHON_WORDS.search(text), PYTHON_WORDS.search(text)

    assessment = clinical.assessment(child, today)
    expected = header(child, today, assessment)
    assert page.locator("#course-end").inner_text() == expected.course  # type: ignore[attr-defined]
    assert expected.course and expected.course.startswith("defibrotide from ")
    if expected.died is not None:
        assert page.locator("#died").inner_text() == f"died {expected.died}"  # type: ignore[attr-defined]
        assert "years at death" in text

    # Every lab chart drawn has the treatment's start marker, and rings only on evidence.
    screening = clinical.screen_one(child, today)
    charted = {o.id for _, analytes in CHARTS for a in analytes for o in child.of(a)
               if o.quantity is not None}
    evidence = {e.observation_id for e in screening.evidence} & charted
    charts = page.locator("#charts svg.chart:not(.journey)")  # type: ignore[attr-defined]
    assert charts.count() >= 4
    for i in range(charts.count()):
        codes = charts.nth(i).locator("g.marker").evaluate_all(
            "gs => gs.map(g => g.dataset.code)")
        assert "S" in codes, f"chart {i}: markers {codes}"
    rings = page.locator("#charts circle.evidence:not(.swatch)").count()  # type: ignore[attr-defined]
    assert rings == len(evidence), "one ring per evidence observation, none elsewhere"

    # The journey's lanes and bars are those of the data (issue 23).
    lanes = journey_lanes(child, today, screening, assessment)
    shown = page.locator("#journey svg g.lane")  # type: ignore[attr-defined]
    assert shown.evaluate_all("gs => gs.map(g => g.dataset.lane)") == [lane.label for lane in lanes]
    for i, lane in enumerate(lanes):
        doses = shown.nth(i).locator("rect.dose")
        assert doses.count() == sum(not b.outline for b in lane.bars), lane.label
        if doses.count():
            box = doses.first.bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0
    assert page.locator("#journey").bounding_box()["y"] < charts.first.bounding_box()["y"]  # type: ignore[attr-defined]


def test_study_page_and_its_swimmer_plot(site: Site, page: object, tmp_path: Path) -> None:
    page.goto(f"{site.base}/study")  # type: ignore[attr-defined]
    shot = tmp_path / "study.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot: {shot}")
    assert_drawn(shot, 1500)
    assert "1.00–1.00" not in visible_text(page)
    swimmer = page.locator("#figure-swimmer img")  # type: ignore[attr-defined]
    assert swimmer.evaluate("img => img.complete && img.naturalWidth") > 0, "the image renders"
    src = swimmer.get_attribute("src")
    svg = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))
    gids = [e.get("id") or "" for e in svg.iter()]
    document = page.request.get(f"{site.base}/api/v1/study").json()  # type: ignore[attr-defined]
    treated = {row["patient_id"] for row in document["exposure"]
               if row["drug"] == "defibrotide"}
    assert treated, "the cohort has treated children"
    drawn = {g.removeprefix("defibrotide-") for g in gids if g.startswith("defibrotide-")}
    assert drawn == {svg_id(p) for p in treated}, "one defibrotide bar group per treated child"
    lanes = [g.removeprefix("lane-") for g in gids if g.startswith("lane-")]
    assert set(drawn) <= set(lanes)
    assert len(lanes) == len(set(lanes))
