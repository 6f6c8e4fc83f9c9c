"""The dashboard's pages answer from stored screening results (issue 22 item 3).

The patient page and the patient list show today's screening under the default set from the
result stored for the patient's current data (written after each upload), like the screening
routes: the page and the patient's plan both use it, so a page view screens the patient once
at most, and not at all while the stored result matches. The list reads the stored results and
data versions of all its patients together. What either page shows must be exactly what a fresh
screening gives (the page as it was built before: `screen_patient` on the stored timeline).
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.api.test_service_cache import empty_service  # noqa: F401  (the fixture)
from tests.api.test_stored_screening_service import (  # noqa: F401  (fixtures)
    MARK,
    dataset,
    mark_every_result,
    service,
    stored_rows,
    transplanted,
    upload,
)
from thrombo.api import screening_memo
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.rules.screening import screen_patient
from thrombo.services import screen as screen_use_case
from thrombo.services import stored_screening
from thrombo.store.schema import screening_results


def page_text(client: TestClient, path: str) -> str:
    """The page as a person gets it, less its form's CSRF token (a nonce per browser)."""
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return re.sub(r'name="csrf_token" value="[0-9a-f]+"', 'name="csrf_token" value=""',
                  answer.text)


def section(page: str, name: str) -> str:
    """The page's `<section ... id="name">` card."""
    start = page.index(f'id="{name}"')
    return page[start:page.index("</section>", start)]


def forget_stored(of: Service) -> None:
    with of.store.engine.begin() as conn:
        conn.execute(screening_results.delete())


@contextmanager
def counting_screenings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count every TA-TMA screening of a patient, wherever a page's code calls it from."""
    counts: Counter[str] = Counter()

    def counted(timeline: Any, criteria: Any, as_of: Any) -> Any:
        counts[timeline.patient_id] += 1
        return screen_patient(timeline, criteria, as_of)

    plans = importlib.import_module("thrombo.plans.tma_protocol")  # the package names a function so
    for module in (stored_screening, screening_memo, plans, screen_use_case):
        monkeypatch.setattr(module, "screen_patient", counted)
    yield counts


def test_the_patient_page_and_its_plan_show_the_stored_result(
        service: Service, dataset: Path) -> None:  # noqa: F811
    """Every stored result carries a warning no screening writes: the page's TA-TMA card and
    the plan (which lists the screening's warnings) both show it."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    mark_every_result(service)
    pid = living_with_plan(client, dataset)

    page = page_text(client, f"/patients/{pid}")

    assert MARK in section(page, "tma")
    assert MARK in section(page, "plan")


def living_with_plan(client: TestClient, folder: Path) -> str:
    """A transplant recipient whose page shows a TA-TMA plan still open (not ended by death,
    which shows no warnings)."""
    pid = transplanted(folder)
    page = client.get(f"/patients/{pid}").text
    assert "TA-TMA plan as of" in page and 'id="plan-state">plan ended' not in page, pid
    return pid


def test_a_page_view_screens_once_at_most(service: Service, dataset: Path,  # noqa: F811
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With the stored result current, a page view screens no one; without it, the page and
    the plan share one screening, stored for the next view."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    pid = transplanted(dataset)

    with counting_screenings(monkeypatch) as counts:
        page_text(client, f"/patients/{pid}")
        assert counts == Counter()
        forget_stored(service)
        other = Service(service.settings, service.store)  # another worker: nothing remembered
        page_text(TestClient(create_app(other.settings, other)), f"/patients/{pid}")
        assert counts == Counter({pid: 1})

    assert list(stored_rows(service)) == [pid]


def test_the_page_from_the_stored_result_is_the_page_screened_afresh(
        service: Service, dataset: Path) -> None:  # noqa: F811
    """Byte for byte, for every patient: the page built from the stored result (whose
    day-by-day statuses are not stored) and the page of a service that screens from scratch."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    ids = sorted(stored_rows(service))
    from_store = {pid: page_text(client, f"/patients/{pid}") for pid in ids}

    forget_stored(service)
    fresh = Service(service.settings, service.store)
    fresh_client = TestClient(create_app(fresh.settings, fresh))

    assert {pid: page_text(fresh_client, f"/patients/{pid}") for pid in ids} == from_store


def test_the_patient_list_from_stored_results_is_the_list_screened_afresh(
        service: Service, dataset: Path) -> None:  # noqa: F811
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    cold = Service(service.settings, service.store)
    listed = page_text(TestClient(create_app(cold.settings, cold)), "/")

    forget_stored(service)
    fresh = Service(service.settings, service.store)

    assert page_text(TestClient(create_app(fresh.settings, fresh)), "/") == listed
    assert all(f"/patients/{pid}" in listed for pid in stored_rows(service))


def test_the_list_reads_every_patients_stored_result_in_one_query(
        service: Service, dataset: Path) -> None:  # noqa: F811
    """Seven patients, a cold service: one read of the stored results and one of the data
    versions, not one of each per patient (the list cost 2 ms a patient in lookups)."""
    client = TestClient(create_app(service.settings, service))
    upload(client, dataset)
    cold = Service(service.settings, service.store)
    cold_client = TestClient(create_app(cold.settings, cold))

    with statements(cold) as seen:
        listed = page_text(cold_client, "/")

    assert listed.count('href="/patients/') == len(stored_rows(service)) == 7
    assert sum("FROM screening_results" in s for s in seen) == 1
    assert sum("UNION ALL" in s for s in seen) == 1  # the data versions (store.screenings)
    assert not any(s.lstrip().upper().startswith(("INSERT", "DELETE")) and
                   "screening_results" in s for s in seen)  # nothing screened, nothing written


@contextmanager
def statements(of: Service) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(of.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(of.store.engine, "before_cursor_execute", record)
