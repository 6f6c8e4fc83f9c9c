"""Screening results stored after an import equal a full re-screen, and are never served stale.

Issue 22 item 3: `thrombo import` screens the patients it touched (the default set, default
options, as of the import day) and stores each result with the patient's data version;
`thrombo screen STORE-URL` and the service read a stored result only while the patient's data,
the criteria set with its options, the day and the time zone are the ones it was computed for.
The full re-screen these tests compare with is the reference engine on the same store's
timelines (`screen_with("reference", ...)`), the path `thrombo screen` took before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.postgres import fresh_database
from thrombo.engines import screen_with
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.services import stored_screening
from thrombo.services.importing import ImportRequest, import_to_store
from thrombo.services.screen import ScreenRequest, results_document, screen_from_source
from thrombo.services.stored_screening import screen_touched, stored_or_screened
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.backup import backup, restore
from thrombo.store.schema import screening_results
from thrombo.store.screenings import data_versions
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

TODAY = datetime.now(UTC).date()
"""The import day: results are stored as of the day the import ran (UTC, the default zone)."""
PATIENTS = SimulationConfig(seed=3, patients=10, itp_patients=2, centers=2, tma_fraction=0.5)
"""Ten transplant recipients (half with TA-TMA in the simulator's truth) and two ITP patients
(not applicable to TA-TMA screening): every status the screening gives."""
OTHER_SET = "jodele-2014"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stored") / "dataset"
    write_dataset(PATIENTS, folder, "csv")
    return folder


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return fresh_database(f"stored_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    return f"sqlite:///{tmp_path / 'centre.db'}"


def _import(url: str, cohort: Path) -> dict[str, Any]:
    summary = import_to_store(ImportRequest((str(cohort),)), url, actor="test")
    assert summary.screening is not None
    return summary.screening


def _screen(url: str, criteria: str = "harmonized-2023", **changes: Any) -> dict[str, Any]:
    request = replace(ScreenRequest(url, TODAY, criteria), **changes)
    return screen_from_source(request).document


def _rescreened(url: str, criteria: str, as_of: date = TODAY) -> dict[str, Any]:
    """Every patient screened again from the store's timelines (the path before item 3)."""
    store = Store.open(url, existing=True)
    timelines = store.timelines(UTC)
    sets = [criteria_set(criteria, ScreeningOptions())]
    return results_document([screen_with("reference", timelines, s, as_of) for s in sets],
                            criteria)


def _without_input(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "input"}


def _counts(document: dict[str, Any]) -> tuple[int, int]:
    (entry,) = document["input"]["stored_results"]
    return entry["from_store"], entry["screened"]


def test_the_import_screens_every_patient_it_wrote_and_the_screen_reads_them(
        url: str, cohort: Path) -> None:
    screening = _import(url, cohort)
    assert screening["rules"]["name"] == "harmonized-2023"
    assert screening["as_of"] == TODAY.isoformat()
    assert screening["patients_touched"] == screening["results_stored"] == 12

    document = _screen(url)

    assert _counts(document) == (12, 0)
    assert _without_input(document) == _rescreened(url, "harmonized-2023")


def test_another_set_stored_for_the_same_patients_equals_its_re_screen(
        url: str, cohort: Path) -> None:
    _import(url, cohort)
    store = Store.open(url)
    other = criteria_set(OTHER_SET, ScreeningOptions())
    stored = screen_touched(store, {}, UTC, TODAY, other)
    assert stored.stored == 12

    document = _screen(url, OTHER_SET)

    assert _counts(document) == (12, 0)
    assert _without_input(document) == _rescreened(url, OTHER_SET)
    # The default set's results are still there beside the other set's.
    assert _counts(_screen(url)) == (12, 0)


def test_a_patient_whose_data_changed_is_screened_again_never_served_stale(
        url: str, cohort: Path, tmp_path: Path) -> None:
    """Mark every stored result, then give one patient a new platelet count the way the API's
    upload does (no screening after it): the marked result of that patient must not reach the
    output, the others' must (they are read from the store)."""
    _import(url, cohort)
    store = Store.open(url)
    with store.engine.begin() as conn:
        rows = conn.execute(select(screening_results.c.patient_id, screening_results.c.result))
        for pid, result in rows.all():
            marked = {**(result if isinstance(result, dict) else {}), "warnings": ["MARK"]}
            conn.execute(update(screening_results)
                         .where(screening_results.c.patient_id == pid).values(result=marked))
    changed = _transplanted_patient(store)
    _add_platelet_count(store, cohort, changed, tmp_path / "extra")

    document = _screen(url)

    assert _counts(document) == (11, 1)
    warned = {p["patient_id"] for p in document["patients"] if "MARK" in p["warnings"]}
    assert changed not in warned
    assert len(warned) == 11
    fresh = {p["patient_id"]: p for p in _rescreened(url, "harmonized-2023")["patients"]}
    (mine,) = [p for p in document["patients"] if p["patient_id"] == changed]
    assert mine == fresh[changed]
    # The service's read path: the stored (marked) result for an unchanged patient, a fresh
    # screening for the changed one.
    timelines = {t.patient_id: t for t in store.timelines(UTC)}
    other = next(pid for pid in sorted(timelines) if pid != changed)
    assert "MARK" in stored_or_screened(store, timelines[other], TODAY).warnings
    assert stored_or_screened(store, timelines[changed], TODAY).to_json() == fresh[changed]


def test_a_result_is_used_only_for_its_day_time_zone_options_and_code(
        url: str, cohort: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import(url, cohort)
    yesterday = TODAY - timedelta(days=1)
    assert _counts(_screen(url, as_of=yesterday)) == (0, 12)
    assert _counts(_screen(url, tz="Europe/Berlin")) == (0, 12)
    first_point = _screen(url, options=replace(ScreenRequest(url, TODAY).options,
                                               diagnosis_date="first-time-point"))
    assert _counts(first_point) == (0, 12)
    # Another version of the evaluator's code (a fix, a new field in the result).
    monkeypatch.setattr(stored_screening, "code_version", lambda: "0.1.0+another")
    assert _counts(_screen(url)) == (0, 12)


def test_a_screening_stopped_half_way_leaves_only_whole_results(
        url: str, cohort: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results are written a chunk of patients at a time, each chunk in one transaction: a
    failure in the fifth patient's screening (the second chunk) leaves the first chunk's
    results and none of the second's; the screen then computes those it lacks."""
    monkeypatch.setattr(stored_screening, "IMPORT_CHUNK", 4)
    real = screen_patient
    calls: list[str] = []

    def failing(timeline: Any, criteria: Any, as_of: date) -> Any:
        calls.append(timeline.patient_id)
        if len(calls) == 5:
            raise RuntimeError("stopped")
        return real(timeline, criteria, as_of)

    monkeypatch.setattr(stored_screening, "screen_patient", failing)
    with pytest.raises(RuntimeError, match="stopped"):
        _import(url, cohort)
    monkeypatch.undo()
    store = Store.open(url)
    with store.engine.connect() as conn:
        assert len(data_versions(conn)) == 12  # the import itself was committed
        stored = conn.execute(select(screening_results.c.patient_id)).scalars().all()
    assert sorted(stored) == sorted(calls[:4])

    document = _screen(url)

    assert _counts(document) == (4, 8)
    assert _without_input(document) == _rescreened(url, "harmonized-2023")


def _transplanted_patient(store: Store) -> str:
    return next(t.patient_id for t in store.timelines(UTC)
                if t.patient.had_allogeneic_hsct and t.observations)


def _add_platelet_count(store: Store, cohort: Path, patient_id: str, folder: Path) -> None:
    """One new count (7 x 10^9/L, an hour before the patient's last result), through the
    store's import without the screening after it (the API upload's path)."""
    folder.mkdir()
    header, *rows = (cohort / "patients.csv").read_text().splitlines()
    (folder / "patients.csv").write_text(
        "\n".join([header, *(r for r in rows if r.split(",")[0] == patient_id)]) + "\n")
    timeline = next(t for t in store.timelines(UTC) if t.patient_id == patient_id)
    when = max(o.time for o in timeline.observations) - timedelta(hours=1)
    (folder / "observations.csv").write_text(
        "patient_id,time,code,value,unit\n"
        f"{patient_id},{when.isoformat()},platelets,7,10*9/L\n")
    with store.engine.connect() as conn:
        before = data_versions(conn, [patient_id])
    data = read_sources([str(folder)], known_patients=frozenset({patient_id}))
    assert data.summary.total_quarantined == 0
    store.import_dataset(data, actor="test", command="extra count")
    with store.engine.connect() as conn:
        assert data_versions(conn, [patient_id]) != before


def test_a_backup_leaves_the_derived_results_out_and_the_restored_store_screens_again(
        tmp_path: Path, cohort: Path) -> None:
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    _import(url, cohort)
    saved = backup(Store.open(url), tmp_path / "centre.backup")
    assert "screening_results" not in saved.tables
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    restore(Store.open(restored_url), tmp_path / "centre.backup")

    document = _screen(restored_url)

    assert _counts(document) == (0, 12)
    assert _without_input(document) == _without_input(_screen(url))


def test_the_command_line_imports_screens_and_reads_the_stored_results(
        tmp_path: Path, cohort: Path) -> None:
    """`thrombo import --json` says what it screened; `thrombo screen STORE --json` says how
    many results it read from the store (all twelve, on the import day)."""
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    imported = _command("import", str(cohort), "--db", url, "--json")
    assert imported["screening"]["patients_touched"] == 12
    assert imported["screening"]["results_stored"] == 12

    screened = _command("screen", url, "--as-of", TODAY.isoformat(), "--json")

    assert screened["input"]["stored_results"] == [
        {"criteria": "harmonized-2023", "from_store": 12, "screened": 0}]
    assert _without_input(screened) == _rescreened(url, "harmonized-2023")


def test_an_import_without_screening_stores_no_result(tmp_path: Path, cohort: Path) -> None:
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    imported = _command("import", str(cohort), "--db", url, "--no-screen", "--json")
    assert "screening" not in imported
    assert _counts(_screen(url)) == (0, 12)


def _command(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()", *args],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    document: dict[str, Any] = json.loads(out.stdout)
    return document
