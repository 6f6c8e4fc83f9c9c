"""Identity conflicts are never merged silently (issue 19, item 10): a second dataset whose
patient HSCT-000001 is a different child (other birth date and sex) is quarantined with both
values and with every other record of hers in that import; nothing of it is stored. A record that
merely lacks a field (the death date) never clears it; `--update` makes a correction."""

from __future__ import annotations

import json
from pathlib import Path

from thrombo.normalize.quarantine import ImportSummary
from thrombo.services.importing import import_upload
from thrombo.store.importer import import_sources
from thrombo.store.sources import load_source, plan_sources
from thrombo.store.sql import Store

FIRST = ("patient_id,birth_date,sex,death_date\nHSCT-000001,2015-03-02,F,2026-02-01\n",
         "patient_id,time,code,value,unit\nHSCT-000001,2026-01-05,777-3,40,10*9/L\n")
OTHER_CHILD = ("patient_id,birth_date,sex\nHSCT-000001,2012-07-01,M\nHSCT-000002,2016-01-01,F\n",
               "patient_id,time,code,value,unit\n"
               "HSCT-000001,2026-01-06,777-3,210,10*9/L\n"
               "HSCT-000001,2026-01-07,777-3,220,10*9/L\n"
               "HSCT-000002,2026-01-07,777-3,90,10*9/L\n")
LATER_EXPORT = ("patient_id,birth_date,sex,hsct_date\nHSCT-000001,2015-03-02,F,2025-12-01\n", "")


def dataset(root: Path, name: str, files: tuple[str, str]) -> str:
    folder = root / name
    folder.mkdir()
    (folder / "patients.csv").write_text(files[0])
    if files[1]:
        (folder / "observations.csv").write_text(files[1])
    return str(folder)


def run(store: Store, folder: str, update: bool = False) -> ImportSummary:
    specs, ctx = plan_sources([folder])
    return import_sources(store, specs, ctx, actor="test", command="import", update=update)


def child(store: Store, pid: str) -> tuple[str, str, str | None, str | None, list[float]]:
    (timeline,) = store.timelines(patient_ids=[pid])
    p = timeline.patient
    counts = [o.quantity.value for o in timeline.observations if o.quantity]
    return (p.birth_date.isoformat(), str(p.sex),
            p.death_date.isoformat() if p.death_date else None,
            p.hsct_date.isoformat() if p.hsct_date else None, counts)


def test_another_child_with_the_same_id_is_quarantined_with_her_records(
        tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    run(store, dataset(tmp_path, "a", FIRST))
    summary = run(store, dataset(tmp_path, "b", OTHER_CHILD))
    (source,) = summary.sources
    assert (source.records, source.stored, source.quarantined) == (5, 2, 3)
    assert [(q.source.rsplit("/", 1)[1], q.location, q.reason) for q in summary.quarantine] == [
        ("patients.csv", "line 2",
         "patient 'HSCT-000001' contradicts the patient of that id already stored (or read "
         "earlier in this import): birth date 2012-07-01 (stored 2015-03-02); sex M (stored F); "
         "nothing of it is stored (import again with --update if it is a correction)"),
        *[("observations.csv", f"line {n}",
           "held back with patient 'HSCT-000001', whose record in this import contradicts the "
           "patient of that id already stored") for n in (2, 3)],
    ]
    assert summary.warnings[0].startswith("1 patient record contradicted the stored patient")
    # The stored child is untouched, her counts not pooled with the other child's.
    assert child(store, "HSCT-000001") == ("2015-03-02", "F", "2026-02-01", None, [40.0])
    assert child(store, "HSCT-000002") == ("2016-01-01", "F", None, None, [90.0])


def test_a_later_export_without_the_death_date_amends_but_never_clears_it(
        tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    run(store, dataset(tmp_path, "a", FIRST))
    summary = run(store, dataset(tmp_path, "c", LATER_EXPORT))
    assert (summary.sources[0].stored, summary.quarantine) == (1, [])
    assert child(store, "HSCT-000001") == ("2015-03-02", "F", "2026-02-01", "2025-12-01", [40.0])
    # The same export again is a duplicate, not another amendment.
    assert run(store, dataset(tmp_path, "c2", LATER_EXPORT)).sources[0].duplicates == 1


def test_update_corrects_birth_date_and_sex_and_keeps_the_death_date(
        tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    run(store, dataset(tmp_path, "a", FIRST))
    summary = run(store, dataset(tmp_path, "b", OTHER_CHILD), update=True)
    assert (summary.sources[0].stored, summary.quarantine) == (5, [])
    assert child(store, "HSCT-000001") == ("2012-07-01", "M", "2026-02-01", None,
                                           [40.0, 210.0, 220.0])


def test_two_children_with_one_id_in_one_import_are_not_merged(
        tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    both = ("patient_id,birth_date,sex\nX1,2015-03-02,F\nX1,2012-07-01,M\n", "")
    summary = run(store, dataset(tmp_path, "d", both))
    assert [q.location for q in summary.quarantine] == ["line 3"]
    assert child(store, "X1")[:2] == ("2015-03-02", "F")


def test_reading_a_folder_in_memory_holds_the_second_child_back(tmp_path: Path) -> None:
    both = ("patient_id,birth_date,sex,death_date\nX1,2015-03-02,F,2026-02-01\n"
            "X1,2012-07-01,M,\n",
            "patient_id,time,code,value,unit\nX1,2026-01-05,777-3,40,10*9/L\n")
    loaded = load_source(dataset(tmp_path, "e", both))
    assert loaded.summary is not None
    # Read after both records, the count may be either child's: held back too, not guessed.
    assert [(q.source.rsplit("/", 1)[1], q.location) for q in loaded.summary.quarantine] == [
        ("patients.csv", "line 3"), ("observations.csv", "line 2")]
    (timeline,) = loaded.timelines
    assert (timeline.patient.birth_date.isoformat(), timeline.patient.sex,
            str(timeline.patient.death_date), len(timeline.observations)) == (
        "2015-03-02", "F", "2026-02-01", 0)


def test_an_upload_is_held_to_the_stored_patients_too(tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    run(store, dataset(tmp_path, "a", FIRST))
    summary = import_upload(store, Path(dataset(tmp_path, "b", OTHER_CHILD)), tz="UTC",
                            actor="test", command="upload", relabel=lambda _: None)
    assert (summary.sources[0].stored, summary.sources[0].quarantined) == (2, 3)
    assert child(store, "HSCT-000001") == ("2015-03-02", "F", "2026-02-01", None, [40.0])


def _fhir_patient(path: Path, version: str, birth: str, gender: str) -> str:
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "pt-9", "meta": {"versionId": version},
                      "birthDate": birth, "gender": gender}}]}))
    return str(path)


def test_a_newer_fhir_version_of_the_patient_is_an_amendment(
        tmp_path: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    run(store, _fhir_patient(tmp_path / "v1.json", "1", "2015-03-02", "female"))
    amended = run(store, _fhir_patient(tmp_path / "v2.json", "2", "2015-03-12", "female"))
    assert (amended.sources[0].stored, amended.quarantine) == (1, [])
    assert child(store, "pt-9")[:2] == ("2015-03-12", "F")
    # The older version read again contradicts the stored one: quarantined, not reverted.
    older = run(store, _fhir_patient(tmp_path / "v1-again.json", "1", "2015-03-02", "female"))
    assert older.sources[0].quarantined == 1
    assert child(store, "pt-9")[:2] == ("2015-03-12", "F")
