"""FHIR shapes real exports have (issue 19, items 4-6): times carried by the DiagnosticReport,
Bundles inside Bundles, transaction entries without a resource, and Bulk Data folders with
empty files, a log and the server's error file.

Each case is written by hand after the shape the FHIR R4 specification gives (Bundle.entry.request
and .response; DiagnosticReport.result; the Bulk Data IG's output and error files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from thrombo.errors import SourceError
from thrombo.io.fhir import read_fhir
from thrombo.io.fhir_folder import ignored_files
from thrombo.io.raw import RawObservation, RawPatient, SourceRecord
from thrombo.normalize.quarantine import SourceSummary

LOINC = "http://loinc.org"
PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "2016-05-01", "gender": "female"}


def platelets(oid: str, **time: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "777-3"}]},
            "subject": {"reference": "Patient/p1"},
            "valueQuantity": {"value": 40, "code": "10*3/uL"}, **time}


def report(rid: str, results: list[str], **time: Any) -> dict[str, Any]:
    return {"resourceType": "DiagnosticReport", "id": rid, "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "58410-2"}]},
            "subject": {"reference": "Patient/p1"},
            "result": [{"reference": r} for r in results], **time}


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind,
            "entry": [{"fullUrl": f"urn:uuid:{r.get('id')}", "resource": r} for r in resources]}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_bytes(orjson.dumps(data))
    return path


def write_ndjson(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    return path


def observation(rec: SourceRecord) -> RawObservation:
    (item,) = rec.items
    assert isinstance(item, RawObservation)
    return item


def by_location(recs: list[SourceRecord]) -> dict[str, SourceRecord]:
    return {r.provenance.location: r for r in recs}


# --- item 4: the time from the report ---------------------------------------------------------


@pytest.mark.parametrize("shape", ["bundle", "ndjson file", "bulk folder"])
def test_an_observation_without_a_time_takes_its_reports_effective_time(
        tmp_path: Path, shape: str) -> None:
    own = platelets("own", effectiveDateTime="2024-03-02T07:00:00Z")
    lent = platelets("lent", issued="2024-03-02T15:00:00Z")
    rep = report("r1", ["Observation/own", "Observation/lent"],
                 effectiveDateTime="2024-03-02T06:30:00Z", issued="2024-03-02T16:00:00Z")
    if shape == "bundle":
        path = write_json(tmp_path / "b.json", bundle(PATIENT, own, lent, rep))
    elif shape == "ndjson file":
        path = write_ndjson(tmp_path / "all.ndjson", [PATIENT, own, lent, rep])
    else:
        path = tmp_path / "export"
        path.mkdir()
        write_ndjson(path / "Patient.ndjson", [PATIENT])
        write_ndjson(path / "Observation.ndjson", [own, lent])
        write_ndjson(path / "DiagnosticReport.ndjson", [rep])
    recs = [r for r in read_fhir(path) if r.items and isinstance(r.items[0], RawObservation)]
    times = {observation(r).resource_id: (observation(r).time, observation(r).extra) for r in recs}
    # Its own time wins; the report's effective time comes before the result's own `issued`.
    assert times == {
        "own": ("2024-03-02T07:00:00Z", {}),
        "lent": ("2024-03-02T06:30:00Z", {"time_from": "DiagnosticReport/r1 effective[x]"}),
    }


def test_issued_is_the_last_resort_and_is_marked(tmp_path: Path) -> None:
    own_issued = platelets("a", issued="2024-03-02T15:00:00Z")
    from_report = platelets("b")
    rep = report("r1", ["urn:uuid:b"], issued="2024-03-02T16:00:00Z")  # by fullUrl
    recs = by_location(list(read_fhir(write_json(
        tmp_path / "b.json", bundle(PATIENT, own_issued, from_report, rep)))))
    a, b = observation(recs["Observation/a"]), observation(recs["Observation/b"])
    assert (a.time, a.extra["time_from"]) == (
        "2024-03-02T15:00:00Z",
        "issued: when the result was released, later than the specimen was taken")
    assert (b.time, b.extra["time_from"]) == (
        "2024-03-02T16:00:00Z",
        "DiagnosticReport/r1 issued: when the result was released, later than the specimen "
        "was taken")


def test_a_cancelled_report_lends_no_time(tmp_path: Path) -> None:
    rep = dict(report("r1", ["Observation/x"], effectiveDateTime="2024-03-02"),
               status="cancelled")
    recs = by_location(list(read_fhir(write_json(
        tmp_path / "b.json", bundle(PATIENT, platelets("x"), rep)))))
    assert recs["Observation/x effective[x]"].quarantined == (
        "no effective time, no issued, and no DiagnosticReport listing it with a time")


# --- item 5: nested Bundles and entries without a resource ------------------------------------


def test_a_searchset_inside_a_collection_is_unpacked_and_each_resource_counted(
        tmp_path: Path) -> None:
    inner = bundle(platelets("o1", effectiveDateTime="2024-03-01"),
                   platelets("o2", effectiveDateTime="2024-03-02"), kind="searchset")
    deeper = bundle(bundle(platelets("o3", effectiveDateTime="2024-03-03"), kind="searchset"))
    outer = bundle(PATIENT, inner, deeper, bundle(kind="searchset"))
    recs = list(read_fhir(write_json(tmp_path / "b.json", outer)))
    assert [r.provenance.location for r in recs] == [
        "Patient/p1", "Observation/o1", "Observation/o2", "Observation/o3", "entry[3] Bundle"]
    assert [observation(r).resource_id for r in recs[1:4]] == ["o1", "o2", "o3"]
    assert recs[4].skipped == "a nested Bundle with no entries"


def test_a_bundle_on_an_ndjson_line_is_unpacked(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "x.ndjson", [
        PATIENT, bundle(platelets("o1", effectiveDateTime="2024-03-01"), kind="searchset")])
    patient, obs = read_fhir(path)
    assert isinstance(patient.items[0], RawPatient)
    assert obs.provenance.location == "Observation/o1"
    assert observation(obs).value == 40.0


def test_transaction_delete_and_response_entries_are_skipped_with_a_reason(
        tmp_path: Path) -> None:
    data = {"resourceType": "Bundle", "type": "transaction-response", "entry": [
        {"response": {"status": "201 Created", "location": "Patient/p1/_history/1"}},
        {"request": {"method": "DELETE", "url": "Observation/gone"}},
        {"request": {"method": "GET", "url": "Observation?patient=p1"}},
        {"fullUrl": "x"},
    ]}
    recs = list(read_fhir(write_json(tmp_path / "b.json", data)))
    assert [(r.skipped, r.quarantined) for r in recs] == [
        ("transaction-response entry: the server's answer to a request, no resource", None),
        ("transaction DELETE entry: import adds and amends records, it deletes none", None),
        ("transaction GET entry without a resource", None),
        (None, "entry without a resource"),  # neither request nor response: malformed
    ]


# --- items 5 and 6: a Bulk Data export folder -------------------------------------------------


def bulk_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    write_ndjson(folder / "1.Patient.ndjson", [PATIENT])
    write_ndjson(folder / "2.Observation.ndjson", [platelets("o1", effectiveDateTime="2024-03-01")])
    (folder / "3.MedicationAdministration.ndjson").write_bytes(b"")
    (folder / "4.Condition.ndjson").write_bytes(b"\n\n")
    write_ndjson(folder / "log.ndjson", [
        {"exportId": "e1", "eventId": "kickoff", "eventDetail": {"files": 3}},
        {"exportId": "e1", "eventId": "export_complete", "eventDetail": {}}])
    write_ndjson(folder / "OperationOutcome.ndjson", [{
        "resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": "processing",
             "diagnostics": "Failed to export Procedure: timeout"}]}])
    (folder / "manifest.json").write_text('{"output": []}')
    return folder


def test_bulk_folder_reads_the_data_and_reports_every_other_file(tmp_path: Path) -> None:
    folder = bulk_folder(tmp_path)
    recs = list(read_fhir(folder))
    # Patients first, known by content (the file is named 1.Patient.ndjson); no side file read.
    assert [r.provenance.source.rsplit("/", 1)[1] for r in recs] == [
        "1.Patient.ndjson", "2.Observation.ndjson"]
    assert all(r.items for r in recs)
    assert ignored_files(folder) == [
        "3.MedicationAdministration.ndjson: empty, 0 records (the export had none of this "
        "type, or the file was cut)",
        "4.Condition.ndjson: empty, 0 records (the export had none of this type, or the file "
        "was cut)",
        "OperationOutcome.ndjson: the exporting server's error report (OperationOutcome, "
        "1 issue; first: Failed to export Procedure: timeout): the export may be incomplete",
        "log.ndjson: the Bulk Data export's log (2 lines), not clinical records",
        "manifest.json",
    ]


def test_ignored_data_files_are_warnings_and_other_files_are_not(tmp_path: Path) -> None:
    folder = bulk_folder(tmp_path)
    summary = SourceSummary(str(folder), "fhir-ndjson", ignored_files=ignored_files(folder))
    assert len(summary.warnings) == 4
    assert summary.warnings[3] == (
        f"{folder}: not read: log.ndjson: the Bulk Data export's log (2 lines), not clinical "
        "records")


def test_a_junk_file_in_a_folder_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_ndjson(folder / "Patient.ndjson", [PATIENT])
    (folder / "Notes.ndjson").write_text("not json\n")
    (patient,) = read_fhir(folder)
    assert isinstance(patient.items[0], RawPatient)
    assert ignored_files(folder) == [
        "Notes.ndjson: not NDJSON (none of the first 1 lines is a JSON object); not read"]


def test_a_folder_of_empty_files_is_zero_records_and_a_lone_empty_file_an_error(
        tmp_path: Path) -> None:
    (tmp_path / "Patient.ndjson").write_bytes(b"")
    assert list(read_fhir(tmp_path)) == []
    with pytest.raises(SourceError, match="empty file"):
        read_fhir(tmp_path / "Patient.ndjson")
