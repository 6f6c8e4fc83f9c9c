"""The dashboard in real headless Chromium (Debian's chromium driven by Playwright; no browser
download): sign in, open a TA-TMA patient, see the status, the charts and the evidence, compute a
dose. Screenshots go to the test's temporary folder (printed) for a person to look at."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, Server
from thrombo.api import clinical
from thrombo.api.service import Service
from thrombo.api.settings import Settings
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A server over a simulated two-centre cohort; yields (base URL, a TA-TMA patient of the
    clinician's centre, that centre)."""
    root = tmp_path_factory.mktemp("dashboard")
    write_dataset(SimulationConfig(seed=11, patients=8, itp_patients=2, centers=1,
                                   tma_fraction=0.6), root / "cohort")
    store = Store.open(f"sqlite:///{root / 'store.db'}")
    store.import_dataset(read_sources([str(root / "cohort")]), actor="test", command="fixture")
    with (root / "cohort" / "patients.csv").open() as handle:
        centre = next(csv.DictReader(handle))["center"]
    with store.engine.begin() as conn:
        create_user(conn, "doctor", PASSWORD, "clinician", centre)
    settings = Settings(db=f"sqlite:///{root / 'store.db'}", secret_key="s" * 40,
                        cookie_secure=False)
    service = Service(settings, store)
    tma = next(t.patient_id for t in store.timelines()
               if clinical.screen_one(t, service.today()).status == "ta-tma")
    with Server(service) as base:
        yield base, tma, centre


def test_sign_in_open_patient_and_compute_a_dose(site: tuple[str, str, str], browser: object,
                                                 tmp_path: Path) -> None:
    base, patient_id, centre = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    shots = tmp_path

    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login"), "signed-out visitors are sent to sign in"
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.screenshot(path=str(shots / "1-patients.png"), full_page=True)
    assert page.locator("table.list tbody tr").count() >= 1
    assert page.locator(f"text={centre}").first.is_visible()

    page.click(f"a[href='/patients/{patient_id}']")
    page.wait_for_url(f"{base}/patients/{patient_id}")
    assert page.locator("#tma-status").inner_text() == "ta-tma"
    assert page.locator("#charts svg.chart").count() >= 3, "platelet, Hb, LDH charts at least"
    assert page.locator("svg.chart polyline").first.get_attribute("points")
    assert page.locator("#evidence tbody tr").count() >= 4, "at least four criteria met"
    page.screenshot(path=str(shots / "2-patient.png"), full_page=True)

    page.click("a[href='/dose']")
    page.select_option("#drug", "defibrotide")
    page.fill("#weight_kg", "18.4")
    page.click("#calculate")
    page.wait_for_selector("#dose-result")
    assert page.locator("#dose-value").inner_text() == "115.0 mg"
    page.screenshot(path=str(shots / "3-dose.png"), full_page=True)
    print(f"screenshots in {shots}")
    page.close()
