"""The watch-list page in real headless Chromium: the levels the page shows are `watch_list`'s
on the same store and day, in the same order, and a watched patient's signals carry their
evidence.

The simulated cohort's dates are fixed (2024-2026), so the service's "today" is set to the day
before the first simulated TA-TMA diagnosis that has a signal ahead of it: on that day at least
one child is on watch or alert (the simulator's markers precede the criteria), and the page is
checked on a list with more than one level."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, Server, assert_drawn, sign_in
from thrombo.api import clinical
from thrombo.api.service import Service
from thrombo.api.settings import Settings
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.watch import WatchList, watch_list, watch_patient
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user
from thrombo.web.journey_watch import CODES, signal_starts

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class PastService(Service):
    """The service as it ran on `on` (the day every page and list is computed for)."""

    on: date = date(2024, 1, 1)

    def today(self) -> date:
        return self.on


def watched_day(timelines: list[PatientTimeline]) -> date:
    """The day before a diagnosis on which that patient is on watch or alert."""
    for timeline in timelines:
        first = clinical.screen_one(timeline, date(2030, 1, 1)).first_met
        if first is None:
            continue
        found = watch_patient(timeline, first - timedelta(days=1))
        if found is not None and found.level in ("watch", "alert"):
            return first - timedelta(days=1)
    raise AssertionError("a simulated TA-TMA patient with a signal before the diagnosis")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[str, WatchList, dict[str, PatientTimeline]]]:
    """A server over a one-centre simulated cohort as of a watched day; yields (base URL, the
    watch list of every stored patient on that day, the stored timelines by id)."""
    root = tmp_path_factory.mktemp("watch")
    write_dataset(SimulationConfig(seed=11, patients=10, itp_patients=1, centers=1,
                                   tma_fraction=0.6), root / "cohort")
    store = Store.open(f"sqlite:///{root / 'store.db'}")
    store.import_dataset(read_sources([str(root / "cohort")]), actor="test", command="fixture")
    timelines = store.timelines()
    with store.engine.begin() as conn:
        create_user(conn, "doctor", PASSWORD, "administrator", None)
    settings = Settings(db=f"sqlite:///{root / 'store.db'}", secret_key="s" * 40,
                        cookie_secure=False)
    on = watched_day(timelines)
    with Server(PastService(settings, store, on=on)) as base:
        yield base, watch_list(timelines, on), {t.patient_id: t for t in timelines}


Site = tuple[str, WatchList, dict[str, PatientTimeline]]


def test_the_page_shows_watch_lists_levels(site: Site, browser: object, tmp_path: Path) -> None:
    base, expected, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    sign_in(page, base, "doctor")
    page.click("nav a[href='/watch']")
    page.wait_for_url(f"{base}/watch")
    rows = page.locator("#watch-list tbody tr[data-patient]")
    shown = [(rows.nth(i).get_attribute("data-patient"),
              rows.nth(i).locator(".level").inner_text()) for i in range(rows.count())]
    assert shown == [(p.patient_id, "diagnosed" if p.diagnosed else p.level)
                     for p in expected.patients]
    assert len({level for _, level in shown}) >= 2, "more than one level on the watched day"
    watched = next(p for p in expected.patients if p.level in ("watch", "alert"))
    row = page.locator(f"#watch-list tr[data-patient='{watched.patient_id}']")
    text = row.inner_text()
    for signal in watched.signals:
        assert f"since {signal.since.isoformat()}" in text
        assert signal.evidence[0].time.date().isoformat() in text
    assert watched.next_tests[0] in text
    assert watched.review_by is not None and watched.review_by.isoformat() in text
    png = tmp_path / "watch.png"
    page.screenshot(path=str(png), full_page=True)
    assert_drawn(png, 300)
    print(f"screenshot: {png}")
    page.close()


def test_the_journey_marks_each_signal_start(site: Site, browser: object) -> None:
    """The watched child's page: one lettered triangle per signal start (web.journey_watch)."""
    base, expected, timelines = site
    watched = next(p for p in expected.patients if p.level in ("watch", "alert"))
    child = timelines[watched.patient_id]
    starts = signal_starts(child, expected.as_of, None)  # not diagnosed on as-of
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    sign_in(page, base, "doctor")
    page.goto(f"{base}/patients/{watched.patient_id}")
    marks = page.locator("#journey g.lane[data-lane='watch signals'] path.watch")
    assert marks.evaluate_all("ps => ps.map(p => p.dataset.code)") == [
        CODES[s.signal] for s in starts]
    titles = marks.evaluate_all("ps => ps.map(p => p.textContent)")
    assert [t.split(":")[0] for t in titles] == [s.day.isoformat() for s in starts]
    assert {s.signal for s in watched.signals} <= {s.signal for s in starts}
    assert "Watch signals: a triangle" in page.locator("#charts").inner_text()
    page.close()
