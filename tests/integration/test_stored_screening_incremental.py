"""`thrombo import` into a store that has data: only the patients it wrote to are screened.

The import finds them from the import ids of the stored rows (store.screenings.written_since:
every change to a patient's data writes a row with the new import's id), not from every
patient's data version before and after. Whichever way it reads them (by id lists for a few
patients, one pass over every patient for many), the results it stores must equal a fresh
screening, and the other patients' results must be left as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.services.importing import ImportRequest, import_to_store
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store import screenings
from thrombo.store.schema import IN_LIST_SIZE, screening_results
from thrombo.store.sql import Store

TODAY = datetime.now(UTC).date()
"""The import day in UTC, the import's default zone: the day its results are stored for."""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental") / "dataset"
    write_dataset(SimulationConfig(seed=9, patients=5, itp_patients=1, centers=1,
                                   tma_fraction=0.5), folder, "csv")
    return folder


def one_more_count(cohort: Path, folder: Path) -> str:
    """A source of one new platelet count (7 x 10^9/L) for the first transplant recipient,
    the day before the patient's last result; returns the patient's id."""
    folder.mkdir()
    _, *observations = (cohort / "observations.csv").read_text().splitlines()
    patient_id = observations[0].split(",")[0]
    last = max(r.split(",")[1] for r in observations if r.split(",")[0] == patient_id)
    when = datetime.fromisoformat(last[:10]) - timedelta(days=1)
    (folder / "observations.csv").write_text(
        "patient_id,time,code,value,unit\n"
        f"{patient_id},{when.date()}T08:00:00+00:00,platelets,7,10*9/L\n")
    header, *rows = (cohort / "patients.csv").read_text().splitlines()
    (folder / "patients.csv").write_text(
        "\n".join([header, *(r for r in rows if r.startswith(patient_id + ","))]) + "\n")
    return patient_id


def stored(url: str) -> dict[str, tuple[str, Any, Any]]:
    store = Store.open(url, existing=True)
    table = screening_results
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.patient_id, table.c.data_version, table.c.result,
                                   table.c.computed_at))
        return {r.patient_id: (r.data_version, r.result, r.computed_at) for r in rows}


def fresh(url: str) -> dict[str, Any]:
    criteria = criteria_set("harmonized-2023", ScreeningOptions())
    store = Store.open(url, existing=True)
    return {t.patient_id: screen_patient(t, criteria, TODAY).to_json()
            for t in store.timelines(UTC)}


@pytest.mark.parametrize("id_lists_up_to", [IN_LIST_SIZE, 0],
                         ids=["by-id-lists", "one-pass"])
def test_a_second_import_screens_only_the_patient_it_wrote_to(
        cohort: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        id_lists_up_to: int) -> None:
    monkeypatch.setattr(screenings, "IN_LIST_SIZE", id_lists_up_to)
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    first = import_to_store(ImportRequest((str(cohort),)), url, actor="test").screening
    assert first is not None
    assert (first["patients_touched"], first["results_stored"]) == (6, 6)
    before = stored(url)
    changed = one_more_count(cohort, tmp_path / "extra")

    second = import_to_store(ImportRequest((str(tmp_path / "extra"),)), url, actor="test")

    assert second.screening is not None
    assert (second.screening["patients_touched"], second.screening["results_stored"]) == (1, 1)
    after = stored(url)
    assert {p: r for p, r in after.items() if p != changed} == {
        p: r for p, r in before.items() if p != changed}
    assert after[changed][0] != before[changed][0]
    assert {p: r[1] for p, r in after.items()} == fresh(url)


def test_an_import_that_writes_nothing_new_screens_no_one(cohort: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    import_to_store(ImportRequest((str(cohort),)), url, actor="test")

    again = import_to_store(ImportRequest((str(cohort),)), url, actor="test").screening

    assert again is not None
    assert (again["patients_touched"], again["results_stored"]) == (0, 0)
