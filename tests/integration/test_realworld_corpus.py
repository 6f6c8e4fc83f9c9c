"""The real-world conformance corpus (tests/fixtures/realworld, README there): each case read
whole, with its full accounting and the values read (issue 19)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from thrombo.domain.records import Observation
from thrombo.store.sources import LoadedSource, load_source

CORPUS = Path(__file__).parents[1] / "fixtures" / "realworld"
PID = "7f3c1a52-0b7e-4d8e-9a61-2c5d8e9f0a11"
REPORT = "DiagnosticReport/22222222-0000-4000-8000-000000000001"
ISSUED = "issued: when the result was released, later than the specimen was taken"
BLOOD_CREATININE = (
    "creatinine in whole blood is not read as serum creatinine (clinical-reference.md H lists "
    "2160-0 and 14682-9, serum or plasma); if the laboratory's result is serum-equivalent, map "
    "the code to creatinine in thrombo-codemap.toml")


def load(name: str, **options: Any) -> LoadedSource:
    loaded = load_source(str(CORPUS / name), **options)
    assert loaded.summary is not None
    (source,) = loaded.summary.sources
    assert source.balanced
    return loaded


def counts(loaded: LoadedSource) -> tuple[int, int, int, int, int]:
    assert loaded.summary is not None
    s = loaded.summary.sources[0]
    return s.records, s.stored, s.duplicates, s.skipped, s.quarantined


def skips(loaded: LoadedSource) -> dict[str, int]:
    assert loaded.summary is not None
    return {g.reason: g.count for g in loaded.summary.skipped.values()}


def observations(loaded: LoadedSource) -> list[tuple[str, str, object, dict[str, str]]]:
    """(analyte, time, value, attributes) of every observation, in time order."""
    found = [o for t in loaded.timelines for o in t.observations]
    return sorted((o.analyte, o.time.isoformat(), _value(o), dict(o.attributes)) for o in found)


def _value(o: Observation) -> object:
    return o.category if o.quantity is None else (o.quantity.value, o.quantity.unit)


# --- FHIR ------------------------------------------------------------------------------------


def test_results_take_the_reports_time_then_issued_and_say_so() -> None:
    loaded = load("report_times.json")
    assert counts(loaded) == (6, 5, 0, 1, 0)
    assert skips(loaded) == {"resource type not used by thrombo: DiagnosticReport": 1}
    from_report = {"time_from": f"{REPORT} effective[x]"}
    assert observations(loaded) == [
        ("hemoglobin", "2026-03-02T07:15:00+01:00", (7.9, "g/dL"), from_report),
        ("ldh", "2026-03-02T14:05:00+01:00", (910.0, "U/L"), {"time_from": ISSUED}),
        ("platelets", "2026-03-01T06:40:00+01:00", (52.0, "10*9/L"), {}),
        ("platelets", "2026-03-02T07:15:00+01:00", (38.0, "10*9/L"), from_report),
    ]


def test_us_core_panels_and_coded_answers_are_read() -> None:
    loaded = load("us_core_panels_and_answers.json")
    assert counts(loaded) == (6, 6, 0, 0, 0)
    assert [(a, t, v) for a, t, v, _ in observations(loaded)] == [
        ("diastolic_bp", "2026-03-02T08:00:00+01:00", (84.0, "mm[Hg]")),
        ("schistocytes", "2026-03-02T07:15:00+01:00", "present"),  # LOINC LA9633-4
        ("schistocytes", "2026-03-04T07:15:00+01:00", "absent"),  # SNOMED 2667000
        ("systolic_bp", "2026-03-02T08:00:00+01:00", (128.0, "mm[Hg]")),
        ("systolic_bp", "2026-03-03T08:00:00+01:00", (131.0, "mm[Hg]")),  # diastolic absent
        ("urine_protein", "2026-03-02T10:00:00+01:00", "3+"),  # SNOMED 167277001
    ]


def test_nested_bundles_are_unpacked_and_entries_without_a_resource_skipped() -> None:
    loaded = load("nested_bundles.json")
    assert counts(loaded) == (8, 4, 0, 4, 0)
    assert skips(loaded) == {
        "resource type not used by thrombo: OperationOutcome": 1,  # the searchset's outcome
        "transaction-response entry: the server's answer to a request, no resource": 1,
        "transaction DELETE entry: import adds and amends records, it deletes none": 1,
        "a nested Bundle with no entries": 1,
    }
    assert [v for _, _, v, _ in observations(loaded)] == [
        (41.0, "10*9/L"), (42.0, "10*9/L"), (43.0, "10*9/L")]


# --- Synthea, as a Bundle and as a Bulk export -----------------------------------------------

# Every skip names the resource type or the code it is about, and why.
SKIP_SHAPE = re.compile(
    r"^(resource type not used by thrombo: [A-Za-z]+"
    r"|(code|procedure|condition|medication) not used by thrombo: \S+\|\S+)$")
SYNTHEA_VALUES = [  # Alberto Atencio's hemogram of 2016-03-07 (10*3/uL reads as 10*9/L)
    ("hemoglobin", "2016-03-07T05:28:45+00:00", (16.079701556982158, "g/dL")),
    ("platelets", "2016-03-07T05:28:45+00:00", (438.9468650091491, "10*9/L")),
]


def test_synthea_bundle_and_its_bulk_export_read_the_same_records() -> None:
    bundle, bulk = load("synthea_bundle.json"), load("synthea_bulk")
    for loaded in (bundle, bulk):
        assert counts(loaded) == (76, 15, 0, 61, 0)
        assert all(SKIP_SHAPE.match(reason) for reason in skips(loaded)), skips(loaded)
        read = observations(loaded)
        assert [(a, t, v) for a, t, v, _ in read if a in ("hemoglobin", "platelets")] == (
            SYNTHEA_VALUES)
        assert sorted({a for a, *_ in read}) == [
            "diastolic_bp", "height", "hemoglobin", "platelets", "systolic_bp", "weight"]
    assert skips(bundle) == skips(bulk)
    assert observations(bundle) == observations(bulk)


def test_thrombo_import_of_the_synthea_bulk_export(sqlite_url: str) -> None:
    """Done-when of issue 19: nothing valid with a catalogue code is quarantined, and the side
    files are reported as such (warnings), not as bad records."""
    run = subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "import",
         str(CORPUS / "synthea_bulk"), "--json", "--db", sqlite_url],
        capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    (source,) = document["sources"]
    assert (source["records"], source["stored"], source["skipped"], source["quarantined"]) == (
        76, 15, 61, 0)
    assert document["quarantine"] == []
    assert [w.split(": not read: ")[1].split(":")[0] for w in document["warnings"]
            if ": not read: " in w] == [
        "13.Device.ndjson", "OperationOutcome.ndjson", "log.ndjson"]
    assert source["ignored_files"][-1] == "manifest.json"


# --- OMOP ------------------------------------------------------------------------------------


def test_omop_cdm_with_upper_case_tables_and_its_own_vocabulary() -> None:
    loaded = load("omop_cdm", fmt="omop")
    assert counts(loaded) == (12, 9, 0, 2, 1)
    assert loaded.summary is not None
    assert [(q.location, q.reason) for q in loaded.summary.quarantine] == [
        ("row 10", "unknown patient '3'")]
    assert skips(loaded) == {
        # Creatinine in whole blood: clinical-reference.md H lists serum or plasma only.
        f"code not used by thrombo: http://loinc.org|38483-4: {BLOOD_CREATININE}": 1,
        "code not used by thrombo: http://snomed.info/sct|171207006": 1,  # a SNOMED screening
    }
    mapped = {"code_mapped_from": "SNOMED 61928009 (concept 4267147)"}
    assert observations(loaded) == [
        ("creatinine", "2026-01-05T07:30:00+00:00", (0.5, "mg/dL"), {}),
        ("hemoglobin", "2026-01-05T07:30:00+00:00", (8.1, "g/dL"), {}),
        ("platelets", "2026-01-05T07:30:00+00:00", (41.0, "10*9/L"), {}),
        ("platelets", "2026-01-06T00:00:00+00:00", (38.0, "10*9/L"), mapped),
        # Two readings, two measurement_ids: two records (the OMOP rule is the id).
        ("platelets", "2026-01-07T07:30:00+00:00", (35.0, "10*9/L"), {}),
        ("platelets", "2026-01-07T07:30:00+00:00", (35.0, "10*9/L"), {}),
        ("platelets", "2026-01-08T00:00:00+00:00", (10.0, "10*9/L"), {}),  # '<10', a bound
    ]
    death = {t.patient.patient_id: t.patient.death_date for t in loaded.timelines}
    assert str(death["2"]) == "2026-02-20"


def test_omop_accounting_is_the_same_on_the_duckdb_path() -> None:
    """Issue 19 item 8: one duplicate rule for OMOP on every engine, the OMOP reader's: a
    measurement is identified by its measurement_id, so two readings with the same content and
    different ids are two records (rows 7 and 8), not a record and its duplicate."""
    from thrombo.population.omop_cdm import screen_omop_sets
    from thrombo.population.options import BulkOptions
    from thrombo.rules.registry import criteria_set

    reference = load("omop_cdm", fmt="omop")
    _, accounting = screen_omop_sets(CORPUS / "omop_cdm", [criteria_set("harmonized-2023")],
                                     BulkOptions(date(2026, 2, 1)))
    (direct,) = accounting.summary.sources
    assert (direct.records, direct.stored, direct.duplicates, direct.skipped,
            direct.quarantined) == counts(reference) == (12, 9, 0, 2, 1)
    assert {g.reason for g in accounting.summary.skipped.values()} == set(skips(reference))


def test_creatinine_in_whole_blood_is_read_when_the_site_maps_it(tmp_path: Path) -> None:
    """The site's code map is read before the decision not to read 38483-4."""
    codemap = tmp_path / "codemap.toml"
    codemap.write_text('[analytes]\n"http://loinc.org|38483-4" = "creatinine"\n"38483-4" = '
                       '"creatinine"\n')
    loaded = load("omop_cdm", fmt="omop", codemap=codemap)
    assert counts(loaded) == (12, 10, 0, 1, 1)
    creatinine = [v for a, _, v, _ in observations(loaded) if a == "creatinine"]
    assert creatinine == [(0.5, "mg/dL"), (0.6, "mg/dL")]
