"""The import's fast lane for plain laboratory results (store.bulk_rows) changes nothing but
speed: random mixes of clean and hostile observation rows, imported once with the lane and
once through the per-record path only, give the same summary, the same quarantine list (in
the same order) and the same stored rows (issue 22 item 1: "the accounting unchanged").

Hostile rows cover every way a row leaves the lane for the per-record path: unknown patients
and codes, coded results, comparators, missing or unknown units, implausible values, odd or
impossible times, dates before birth or in the future, reference limits that are not numbers,
copies of a row (duplicates), extra columns, and chunk boundaries anywhere; for FHIR NDJSON,
the same resource id read again (a duplicate), newer and malformed versions, comparators,
coded values and unused statuses.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_import_differential import tables
from thrombo.io.raw import SourceRecord
from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources
from thrombo.store.sql import Store

PATIENTS = [("P1", "2015-01-01", "F"), ("P2", "2020-06-01", "M")]
PATIENT_IDS = ["P1", "P2", " P2 ", "P9"]  # P9: not in the dataset (unknown patient)
TIMES = ["2024-01-02T08:00:00", "2024-01-02", "2024-01-02T08:00:00+02:00",
         "2024-01-02T08:00:00Z", "2019-03-01T00:00:00", "2099-01-01", "1850-01-01",
         "yesterday", "2024-13-01"]
CODES = ["2160-0", "777-3", "2532-0", "718-7", "800-3", "2888-6", "platelets", "sc5b9",
         "99999-9", "local-x", "http://snomed.info/sct|1"]
VALUES = ["1.2", "150", "0.5", "<10", ">= 5", "abc", "nan", "inf", "positive", "2+",
          "LA9633-4", "1e9", "-3", "0", "7 ", "45000", "true"]
UNITS = ["mg/dL", "umol/L", "10*9/L", "10*3/uL", "/uL", "U/L", "g/dL", "%", "/[HPF]",
         "ng/mL", "", "furlongs"]
LIMITS = ["", "", "1", "0.8", "x", "<2"]

# (code, unit) pairs that convert, and plain values: rows the lane takes unless another cell
# (time, patient, limits) or the value's size turns them away.
CLEAN_PAIRS = [("2160-0", "mg/dL"), ("2160-0", "umol/L"), ("777-3", "10*9/L"),
               ("777-3", "10*3/uL"), ("2532-0", "U/L"), ("718-7", "g/dL"), ("800-3", "%"),
               ("800-3", "/[HPF]"), ("2888-6", "mg/dL"), ("sc5b9", "ng/mL")]
CLEAN_VALUES = ["1.2", "150", "0.5", "7 ", "45", "0", "3000"]


@st.composite
def clean_row(draw: st.DrawFn) -> tuple[str, ...]:
    code, unit = draw(st.sampled_from(CLEAN_PAIRS))
    return (draw(st.sampled_from(PATIENT_IDS)), draw(st.sampled_from(TIMES)), code,
            draw(st.sampled_from(CLEAN_VALUES)), unit, draw(st.sampled_from(LIMITS)),
            draw(st.sampled_from(LIMITS)), draw(st.sampled_from(["", "", "lab A"])))


hostile_row = st.tuples(
    st.sampled_from(PATIENT_IDS), st.sampled_from(TIMES), st.sampled_from(CODES),
    st.sampled_from(VALUES), st.sampled_from(UNITS), st.sampled_from(LIMITS),
    st.sampled_from(LIMITS), st.sampled_from(["", "", "lab A"]))
observation_row = st.one_of(clean_row(), hostile_row)


def write_dataset(folder: Path, rows: list[tuple[str, ...]], extra: bool) -> None:
    """A dataset folder: the two patients and the observation rows."""
    folder.mkdir()
    with (folder / "patients.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_id", "birth_date", "sex"])
        writer.writerows(PATIENTS)
    header = ["patient_id", "time", "code", "value", "unit", "ref_low", "ref_high"]
    with (folder / "observations.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + (["lab"] if extra else []))
        writer.writerows(row if extra else row[:-1] for row in rows)


def imported(folder: Path, url: str, *, lane: bool, chunk: int) -> dict[str, Any]:
    """Two imports of the folder (the second: every record a duplicate), as the
    differential test records them."""
    store = Store.open(url)
    summaries = []
    for _ in range(2):
        specs, ctx = plan_sources([str(folder)])
        summary = import_sources(store, specs, ctx, actor="tester", command="thrombo import",
                                 chunk_records=chunk, lane=lane)
        summaries.append(summary.to_json())
    snapshot = {"summaries": summaries, "tables": tables(store)}
    store.engine.dispose()
    result: dict[str, Any] = json.loads(json.dumps(snapshot, default=str))
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(observation_row, min_size=1, max_size=30), copies=st.integers(0, 3),
       extra=st.booleans(), chunk=st.integers(1, 8))
def test_lane_and_per_record_path_import_alike(
    rows: list[tuple[str, ...]], copies: int, extra: bool, chunk: int
) -> None:
    rows = rows + rows[:copies]  # copies of earlier rows: duplicates of what was read
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "dataset"
        write_dataset(folder, rows, extra)
        fast = imported(folder, f"sqlite:///{scratch}/fast.db", lane=True, chunk=chunk)
        slow = imported(folder, f"sqlite:///{scratch}/slow.db", lane=False, chunk=chunk)
    assert fast["summaries"] == slow["summaries"]
    for name, stored in slow["tables"].items():
        assert fast["tables"][name] == stored, name


def test_clean_rows_take_the_lane() -> None:
    """The lane is used at all: a clean row is stored through it (its row equals the
    per-record path's, above), and a hostile one is not."""
    from thrombo.normalize.identity import Identities
    from thrombo.normalize.quarantine import ImportSummary
    from thrombo.store.bulk_rows import Binds, ObservationLane

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "dataset"
        write_dataset(folder, [("P1", "2024-01-02T08:00:00", "2160-0", "0.5", "mg/dL", "", "",
                                ""),
                               ("P1", "2024-01-02T08:00:00", "2160-0", "<0.2", "mg/dL", "", "",
                                "")], extra=False)
        specs, ctx = plan_sources([str(folder)])
        records = list(next(iter(specs))[2])
    ctx.patients["P1"] = (date(2015, 1, 1), "F")
    with Store.open("sqlite://").engine.connect() as conn:
        binds = Binds.of(conn)
    lane = ObservationLane(ctx, Identities(), {"P1"}, ImportSummary(), binds)
    clean, censored = (lane.take(r, 1) for r in records[-2:])
    assert clean is not None and clean.row[1:7] == (
        "P1", "creatinine", "2024-01-02 08:00:00.000000", 0, 0.5, "mg/dL")
    assert censored is None
    # A number is no key of the value cache: True after 1.0 is still refused (values.
    # parse_number takes no truth value), 1.0 after True still read.
    for value, taken in ((1.0, True), (True, False), (1.0, True)):
        raw = replace(records[-2].items[0], value=value)  # type: ignore[arg-type]
        assert (lane.take(SourceRecord(records[-2].provenance, (raw,)), 1) is not None) is taken


# --- FHIR NDJSON: the lane takes Observations with resource ids and versions -----------------

LOINC_SYSTEM, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
# (code system, code, value element): clean measurements the lane takes, and hostile ones.
FHIR_MEASUREMENTS: list[tuple[str, str, dict[str, Any]]] = [
    (LOINC_SYSTEM, "2160-0", {"valueQuantity": {"value": 0.5, "unit": "mg/dL",
                                                "system": UCUM, "code": "mg/dL"}}),
    (LOINC_SYSTEM, "2160-0", {"valueQuantity": {"value": 44, "unit": "umol/L"}}),
    (LOINC_SYSTEM, "777-3", {"valueQuantity": {"value": 150, "code": "10*9/L"}}),
    (LOINC_SYSTEM, "800-3", {"valueQuantity": {"value": 2, "code": "%"}}),
    ("urn:thrombo:analyte", "ldh", {"valueQuantity": {"value": 300, "code": "U/L"}}),
    ("urn:thrombo:analyte", "ldh", {"valueQuantity": {"value": 9e9, "code": "U/L"}}),
    (LOINC_SYSTEM, "2160-0", {"valueQuantity": {"value": 3, "comparator": "<",
                                                "code": "mg/dL"}}),
    (LOINC_SYSTEM, "2160-0", {"valueQuantity": {"value": 1.0}}),
    (LOINC_SYSTEM, "800-3", {"valueString": "positive"}),
    (LOINC_SYSTEM, "99999-9", {"valueQuantity": {"value": 1.0, "code": "mg/dL"}}),
]


@st.composite
def fhir_observation(draw: st.DrawFn) -> dict[str, Any]:
    system, code, value = draw(st.sampled_from(FHIR_MEASUREMENTS))
    resource: dict[str, Any] = {
        "resourceType": "Observation", "id": draw(st.sampled_from(["o1", "o2", "o3"])),
        "status": draw(st.sampled_from(["final", "final", "final", "entered-in-error"])),
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": f"Patient/{draw(st.sampled_from(['P1', 'P1', 'P2', 'P9']))}"},
        "effectiveDateTime": draw(st.sampled_from(TIMES[:7])),
        **value,
    }
    version = draw(st.sampled_from([None, "1", "2", "10", "x"]))
    if version is not None:
        resource["meta"] = {"versionId": version}
    if draw(st.booleans()):
        resource["referenceRange"] = [{"low": {"value": 0.3}, "high": {"value": 1.1}}]
    return resource


def write_ndjson(folder: Path, observations: list[dict[str, Any]]) -> None:
    folder.mkdir()
    patients = [{"resourceType": "Patient", "id": pid, "birthDate": birth,
                 "gender": "female" if sex == "F" else "male"} for pid, birth, sex in PATIENTS]
    for name, resources in (("Patient", patients), ("Observation", observations)):
        (folder / f"{name}.ndjson").write_text(
            "".join(json.dumps(r) + "\n" for r in resources))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(observations=st.lists(fhir_observation(), min_size=1, max_size=20),
       chunk=st.integers(1, 8))
def test_lane_and_per_record_path_import_fhir_alike(
    observations: list[dict[str, Any]], chunk: int
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "ndjson"
        write_ndjson(folder, observations)
        fast = imported(folder, f"sqlite:///{scratch}/fast.db", lane=True, chunk=chunk)
        slow = imported(folder, f"sqlite:///{scratch}/slow.db", lane=False, chunk=chunk)
    assert fast["summaries"] == slow["summaries"]
    for name, stored in slow["tables"].items():
        assert fast["tables"][name] == stored, name


# --- observations.csv read in columns (io.csv_columns) against the csv module's path ----------

# How a row is written: plain, every cell quoted, one cell quoted with a comma, a quote or a
# line break inside, a field short or one too many (ragged), or preceded by a blank line or a
# line of empty cells (not records, but counted as lines).
RENDERINGS = ["plain", "plain", "plain", "quoted", "comma", "quote", "newline", "short", "long",
              "blank", "empty cells", "spaces"]


def render(row: tuple[str, ...], how: str, end: str) -> str:
    cells = list(row)
    if how == "quoted":
        cells = [f'"{c}"' for c in cells]
    elif how == "comma":
        cells[-1] = f'"{cells[-1]}, x"'
    elif how == "quote":
        cells[3] = f'"{cells[3]}""'
        cells[3] += '"'
    elif how == "newline":
        cells[-1] = f'"a{end}b"'
    elif how == "short":
        cells = cells[:-1]
    elif how == "long":
        cells = [*cells, "x"]
    line = ",".join(cells) + end
    if how == "blank":
        return end + line
    if how == "empty cells":
        return "," * (len(cells) - 1) + end + line
    if how == "spaces":
        return " , " * (len(cells) - 1) + end + line
    return line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(observation_row, st.sampled_from(RENDERINGS)), min_size=1,
                     max_size=25),
       end=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans(), last_end=st.booleans(),
       block=st.integers(8, 400), chunk=st.integers(1, 8))
def test_column_reader_and_csv_module_import_alike(
    rows: list[tuple[tuple[str, ...], str]], end: str, bom: bool, last_end: bool, block: int,
    chunk: int
) -> None:
    """observations.csv texts that stress a CSV reader (quotes, commas and line breaks inside
    cells, blank lines, lines of empty cells, a BOM, CRLF or CR line ends, ragged rows, no
    line end at the end, blocks cut anywhere): the import reading it in columns gives what the
    csv module's path gives, line numbers (the quarantine's locations) included."""
    from unittest import mock

    from thrombo.io import csv_columns

    text = "patient_id,time,code,value,unit,ref_low,ref_high,lab" + end + "".join(
        render(row, how, end) for row, how in rows)
    if not last_end:
        text = text.removesuffix(end)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "dataset"
        write_dataset(folder, [], extra=True)
        (folder / "observations.csv").write_bytes(
            (b"\xef\xbb\xbf" if bom else b"") + text.encode())
        with mock.patch.object(csv_columns, "BLOCK_BYTES", block):
            fast = imported(folder, f"sqlite:///{scratch}/fast.db", lane=True, chunk=chunk)
        slow = imported(folder, f"sqlite:///{scratch}/slow.db", lane=False, chunk=chunk)
    assert fast["summaries"] == slow["summaries"]
    for name, stored in slow["tables"].items():
        assert fast["tables"][name] == stored, name
