"""`thrombo screen CDM --format omop --engine duckdb`: the measurement table read in place
(thrombo.population.omop_cdm).

The OMOP reader with the normaliser (`load_source(..., fmt="omop")`) and the reference evaluator
are the meaning: the direct path must give the same verdict for every patient and account for
every measurement row with the same counts, examples and reasons, from CSV and Parquet tables.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy

from tests.engines.test_direct_dataset import (
    assert_accounted_as_normal,
    assert_command_screens_as_the_reference,
    verdict,
)
from tests.postgres import fresh_database
from thrombo.engines import screen_with
from thrombo.population.omop_cdm import screen_omop_sets
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import load_source

Rows = list[dict[str, object]]

# Made-up concept ids (a site's own CDM): LOINC analytes, a UCUM unit and the HSCT procedure.
CONCEPTS: Rows = [
    {"concept_id": 900001, "concept_name": "Platelets", "vocabulary_id": "LOINC",
     "concept_code": "777-3"},
    {"concept_id": 900002, "concept_name": "LDH", "vocabulary_id": "LOINC",
     "concept_code": "2532-0"},
    {"concept_id": 900003, "concept_name": "Hemoglobin", "vocabulary_id": "LOINC",
     "concept_code": "718-7"},
    {"concept_id": 900004, "concept_name": "Systolic BP", "vocabulary_id": "LOINC",
     "concept_code": "8480-6"},
    {"concept_id": 900005, "concept_name": "Diastolic BP", "vocabulary_id": "LOINC",
     "concept_code": "8462-4"},
    {"concept_id": 900006, "concept_name": "Body height", "vocabulary_id": "LOINC",
     "concept_code": "8302-2"},
    {"concept_id": 900007, "concept_name": "Protein/creatinine", "vocabulary_id": "LOINC",
     "concept_code": "2890-2"},
    {"concept_id": 8848, "concept_name": "thousand per microliter", "vocabulary_id": "UCUM",
     "concept_code": "10*3/uL"},
    {"concept_id": 900010, "concept_name": "allogeneic HSCT", "vocabulary_id": "SNOMED",
     "concept_code": "234336002"},
    {"concept_id": 900020, "concept_name": "Positive", "vocabulary_id": "Meas Value",
     "concept_code": "10828004"},
]
LOINC_CONCEPT = {str(c["concept_code"]): c["concept_id"] for c in CONCEPTS
                 if c["vocabulary_id"] == "LOINC"}

PERSONS: Rows = [
    {"person_id": 1, "gender_concept_id": 8532, "year_of_birth": 2015, "month_of_birth": 3,
     "day_of_birth": 14},
    {"person_id": 2, "gender_concept_id": 8507, "year_of_birth": 2012, "month_of_birth": None,
     "day_of_birth": None},  # year only: the person is refused, so are their measurements
    {"person_id": 3, "gender_concept_id": 8507, "year_of_birth": 2010, "month_of_birth": 7,
     "day_of_birth": 1},
]
PROCEDURES: Rows = [
    {"procedure_occurrence_id": 20, "person_id": 1, "procedure_concept_id": 900010,
     "procedure_date": "2026-01-10", "procedure_source_value": "allogeneic HSCT"},
    {"procedure_occurrence_id": 21, "person_id": 3, "procedure_concept_id": 900010,
     "procedure_date": "2026-01-20", "procedure_source_value": "allogeneic HSCT"},
]


def m(ident: object, person: object, concept: object, when: object, value: object,
      unit: object, source: object = None, text: object = None, low: object = None,
      high: object = None, unit_concept: object = None, day: object = None,
      operator: object = None, coded: object = None) -> dict[str, object]:
    return {"measurement_id": ident, "person_id": person, "measurement_concept_id": concept,
            "measurement_date": day if day is not None else (str(when)[:10] if when else None),
            "measurement_datetime": when, "value_as_number": value,
            "value_source_value": text, "unit_source_value": unit,
            "unit_concept_id": unit_concept, "range_low": low, "range_high": high,
            "measurement_source_value": source, "operator_concept_id": operator,
            "value_as_concept_id": coded}


# Each kind of row the reader or the normaliser refuses, at least once (comments: row number).
MEASUREMENTS: Rows = [
    m(10, 1, 900001, "2026-02-01 07:30:00", 42.0, "10*9/L", "PLT", low=150, high=450),  # 1
    m(11, 1, 900002, "2026-02-01 07:30:00", 912.0, "U/L", "LDH", high=320),  # 2
    m(12, 1, 0, None, 8.1, "g/dL", "718-7", day="2026-02-02"),  # 3: date only, source value
    m(13, 1, 123, "2026-02-02 08:00:00", 5.0, "mmol/L"),  # 4: unknown concept, no source: skip
    m(14, None, 900001, "2026-02-02 08:00:00", 40.0, "10*9/L"),  # 5: no person_id
    m(15, 1, 900001, None, 40.0, "10*9/L"),  # 6: no date or time
    m(16, 1, None, "2026-02-02 08:00:00", 40.0, "10*9/L"),  # 7: no concept, no source value
    m(17, 1, 900001, "2026-02-02 08:00:00", None, "10*9/L", text="abc"),  # 8: not a number
    m(18, 1, 900001, "2026-02-02 09:00:00", None, "10*9/L"),  # 9: no value at all
    m(19, 1, 0, "2026-02-02 08:00:00", None, None, "schistocytes", text="present"),  # 10
    m(20, 1, 900001, "2026-02-03 08:00:00", -4.0, "10*9/L"),  # 11: implausible
    m(21, 1, 900001, "2026-02-03 08:00:00", 45.0, "furlongs"),  # 12: unknown unit
    m(22, 1, 900001, "2026-02-03 09:00:00", 45.0, "mg/dL"),  # 13: cannot express platelets
    m(23, 1, 900001, "2026-02-03 10:00:00", 45.0, None),  # 14: no unit
    m(24, 1, 900001, "2026-02-03 11:00:00", 44.0, None, unit_concept=8848),  # 15: unit concept
    m(25, 1, 900001, "3rd of February", 45.0, "10*9/L", day="2026-02-03"),  # 16: bad time
    m(26, 1, 900002, "2026-02-03 08:00:00", 400.0, "U/L", low="low", high=300),  # 17: bad limit
    m(27, 9, 900001, "2026-02-03 08:00:00", 45.0, "10*9/L"),  # 18: unknown person
    m(27, 9, 900001, "2026-02-03 08:00:00", 45.0, "10*9/L"),  # 19: same id again: duplicate
    m(28, 2, 900001, "2026-02-03 08:00:00", 45.0, "10*9/L"),  # 20: person refused
    m(10, 1, 900001, "2026-02-01 07:30:00", 43.0, "10*9/L"),  # 21: id seen, value differs
    m(11, 3, 900002, "2026-02-05 07:30:00", 500.0, "U/L"),  # 22: id seen for another person
    m(None, 3, 900001, "2026-02-05 07:30:00", 30.0, "10*9/L"),  # 23: no id
    m(None, 3, 900001, "2026-02-05 07:30:00", 30.0, "10*9/L"),  # 24: same content: duplicate
    m(30, 1, 0, "2026-02-03 08:00:00", None, None, "dat", text="maybe"),  # 25: coded, refused
    m(31, 3, 0, "2026-02-06 08:00:00", None, None, "dat", text="positive"),  # 26: coded
    m(32, 3, 900007, "2026-02-06 08:00:00", 2.5, "mg/mg"),  # 27
    m(33, 3, 0, "2026-02-06 08:00:00", 150.0, "mm[Hg]", "8480-6"),  # 28: by source value
    m(34, 1, 900001, "2026-02-04 08:00:00", 10.0, "10*9/L", operator=4171756),  # 29: '<10'
    m(35, 1, 900001, "2026-02-04 09:00:00", 30.0, "10*9/L", operator=4172703),  # 30: '=' exact
    m(36, 3, 900002, "2026-02-06 09:00:00", 2000.0, "U/L", operator=99),  # 31: unknown operator
    m(37, 3, 0, "2026-02-06 10:00:00", None, None, "schistocytes", coded=900020),  # 32: Positive
    m(38, 3, 0, "2026-02-06 11:00:00", None, None, "schistocytes", coded=777),  # 33: unknown
    m(39, 1, 0, "2026-02-06 12:00:00", None, None, "dat", text='maybe, "not"\nsure'),  # 34
]


def write_cdm(folder: Path, fmt: str, tables: dict[str, Rows]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in tables.items():
        if fmt == "parquet":
            # Numbers with gaps become DOUBLE columns, as pandas writes them; a column mixing
            # numbers and text (a range_low of 'low') is text.
            frame = pd.DataFrame(rows)
            for column in frame.columns:
                kinds = {type(v) for v in frame[column] if v is not None}
                if str in kinds and len(kinds) > 1:
                    frame[column] = [None if v is None else str(v) for v in frame[column]]
            frame.to_parquet(folder / f"{name}.parquet")
            continue
        with (folder / f"{name.upper()}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def hand_made(folder: Path, fmt: str) -> Path:
    return write_cdm(folder, fmt, {"person": PERSONS, "concept": CONCEPTS,
                                   "procedure_occurrence": PROCEDURES,
                                   "measurement": MEASUREMENTS})


def assert_same_verdicts(
    folder: Path | str, tz: str, as_of: date, rows_per_range: int
) -> Any:
    loaded = load_source(str(folder), tz=tz, fmt="omop")
    sets = [criteria_set(n) for n in ("harmonized-2023", "jodele-2014")]
    got, accounting = screen_omop_sets(folder, sets, BulkOptions(as_of, tz,
                                                                 rows_per_range=rows_per_range))
    for criteria, result in zip(sets, got, strict=True):
        expected = screen_with("reference", loaded.timelines, criteria, as_of)
        assert [verdict(r) for r in result.patients] == [verdict(r) for r in expected.patients]
    return loaded, accounting


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_every_refused_measurement_is_counted_as_the_omop_reader_counts_it(
    tmp_path: Path, fmt: str
) -> None:
    """Hand-made CDM: rows missing a person, a time or any code, an unmapped concept, values
    that are no number or none at all, an unaccepted coded result, an implausible count, units
    that are unknown, unfit or missing (and one given only as a unit concept), an unparseable
    time, a non-numeric reference limit, a person not in the person table or refused there,
    repeated measurement ids (also across persons), a repeated row without an id, values under
    a '<' (censored: kept as a bound, never read as exact) or an unknown operator (refused),
    and coded results
    given only as a value concept (known: read by its name; unknown: refused), and a text
    with a comma, quotes and a line break. Counts
    per kind, examples with their row and the reader's own reason, skips, duplicates and
    per-source totals equal the normal reader's."""
    folder = hand_made(tmp_path / "cdm", fmt)
    loaded, accounting = assert_same_verdicts(folder, "Europe/Berlin", date(2026, 2, 28), 3)
    expected = assert_accounted_as_normal(accounting, loaded.input_json(), "/measurement")
    # Hand count: 34 rows + 3 persons + 2 procedures + 10 concepts (not records) = 39 records;
    # duplicates: row 19 (id 27), 21 (id 10), 22 (id 11 of another person), 24 (content).
    (source,) = accounting.to_json()["sources"]
    assert (source["records"], source["duplicates"]) == (39, 4)
    assert len(expected) == 9  # every kind but a malformed row: a table is read whole or not
    reasons = {q["location"]: q["reason"] for q in loaded.input_json()["quarantine"]}
    digits = ".0" if fmt == "csv" else ""  # the CSV holds 10.0 as written; Parquet a float
    assert "row 29" not in reasons  # '<10' is kept as a bound (interface.md 1.1), not refused
    (patient_1,) = [t for t in loaded.timelines if t.patient.patient_id == "1"]
    censored = [o.quantity for o in patient_1.observations
                if o.quantity is not None and o.quantity.comparator is not None]
    assert [(q.comparator, q.value) for q in censored] == [("<", 10.0)]
    assert reasons["row 31"] == (
        f"value for ldh '(operator concept 99) 2000{digits}' is not a number")
    assert "row 30" not in reasons and "row 32" not in reasons  # '=' 30; coded 'Positive'
    assert reasons["row 33"] == "value for schistocytes missing or not a number"
    (patient_3,) = [t for t in loaded.timelines if t.patient.patient_id == "3"]
    assert [o.category for o in patient_3.observations if o.analyte == "schistocytes"] == [
        "present"]


def test_the_same_rows_screen_alike_in_a_zone_far_from_utc(tmp_path: Path) -> None:
    folder = hand_made(tmp_path / "cdm", "csv")
    for tz in ("America/Los_Angeles", "Pacific/Auckland"):
        assert_same_verdicts(folder, tz, date(2026, 2, 28), 1)


def omop_from_dataset(
    dataset: Path, folder: Path, fmt: str, extra: tuple[dict[str, object], ...] = ()
) -> Path:
    """A simulated dataset folder as a CDM: persons, the HSCT as a procedure, observations as
    measurements (LOINC codes through the concept table, other codes as source values), then
    the `extra` measurement rows."""
    with (dataset / "patients.csv").open(newline="") as handle:
        patients = list(csv.DictReader(handle))
    ids = {p["patient_id"]: n for n, p in enumerate(patients, start=1)}
    persons: Rows = []
    procedures: Rows = []
    for p in patients:
        born = date.fromisoformat(p["birth_date"])
        persons.append({"person_id": ids[p["patient_id"]],
                        "gender_concept_id": {"M": 8507, "F": 8532}.get(p["sex"], 0),
                        "year_of_birth": born.year, "month_of_birth": born.month,
                        "day_of_birth": born.day, "gender_source_value": p["sex"]})
        if p.get("hsct_date"):
            procedures.append({"procedure_occurrence_id": len(procedures) + 1,
                               "person_id": ids[p["patient_id"]],
                               "procedure_concept_id": 900010,
                               "procedure_date": p["hsct_date"],
                               "procedure_source_value": "allogeneic HSCT"})
    frame = pd.read_csv(dataset / "observations.csv", dtype=str, keep_default_na=False)
    measurements = [
        m(n, ids[r["patient_id"]], LOINC_CONCEPT.get(r["code"], 0),
          r["time"].replace("T", " "), float(r["value"]) if r["value"] else None, r["unit"],
          r["code"], low=r["ref_low"] or None, high=r["ref_high"] or None)
        for n, r in enumerate(frame.to_dict("records"), start=1)
    ]
    return write_cdm(folder, fmt, {"person": persons, "concept": CONCEPTS,
                                   "procedure_occurrence": procedures,
                                   "measurement": [*measurements, *extra]})


@pytest.mark.parametrize(("seed", "fmt", "tz"), [(21, "csv", "UTC"),
                                                 (22, "parquet", "America/New_York")])
def test_a_simulated_cohort_as_a_cdm_screens_as_the_reference(
    tmp_path: Path, seed: int, fmt: str, tz: str
) -> None:
    """A TA-TMA-enriched simulated cohort written as OMOP tables, screened in several patient
    ranges at its last day and in the middle of its follow-up; the accounting is the reader's."""
    dataset = tmp_path / "dataset"
    write_dataset(SimulationConfig(seed=seed, patients=25, itp_patients=0, tma_fraction=0.4),
                  dataset, "csv")
    folder = omop_from_dataset(dataset, tmp_path / "cdm", fmt)
    loaded = load_source(str(folder), tz=tz, fmt="omop")
    rows = sum(len(t.observations) for t in loaded.timelines)
    assert rows > 4 * 2_000
    last = max(o.time.astimezone(t.tz).date() for t in loaded.timelines for o in t.observations)
    statuses = set()
    for day in (last, date(2025, 1, 15)):
        _, accounting = assert_same_verdicts(folder, tz, day, 2_000)
        assert accounting.to_json() == loaded.input_json()
        result = screen_with("reference", loaded.timelines, criteria_set("harmonized-2023"), day)
        statuses |= {p.status for p in result.patients}
    assert {"ta-tma", "no-ta-tma"} <= statuses


def test_screen_command_reads_a_cdm_folder_in_place(tmp_path: Path) -> None:
    """`thrombo screen CDM --format omop --engine duckdb --json`: the reference's verdicts and
    the accounting with grouped measurement problems (each with kind and count)."""
    folder = hand_made(tmp_path / "cdm", "parquet")
    assert_command_screens_as_the_reference(
        [str(folder), "--format", "omop", "--as-of", "2026-02-28"], "/measurement")


# --- A CDM in a database: the measurement table streamed to a scratch Parquet file -----------


def write_database(url: str, tables: dict[str, Rows]) -> str:
    engine = sqlalchemy.create_engine(url)
    for name, rows in tables.items():
        pd.DataFrame(rows).to_sql(name, engine, index=False, if_exists="replace")
    engine.dispose()
    return url


HAND_MADE = {"person": PERSONS, "concept": CONCEPTS, "procedure_occurrence": PROCEDURES,
             "measurement": MEASUREMENTS}


def assert_database_screens_as_the_reader(url: str) -> None:
    loaded, accounting = assert_same_verdicts(url, "Europe/Berlin", date(2026, 2, 28), 3)
    expected = assert_accounted_as_normal(accounting, loaded.input_json(), "/measurement")
    (source,) = accounting.to_json()["sources"]
    assert (source["path"], source["records"], source["duplicates"]) == (url, 39, 4)
    assert len(expected) == 9


def test_a_sqlite_cdm_screens_and_counts_as_the_reader(tmp_path: Path) -> None:
    assert_database_screens_as_the_reader(
        write_database(f"sqlite:///{tmp_path / 'cdm.sqlite'}", HAND_MADE))


@pytest.mark.postgres
def test_a_postgresql_cdm_screens_and_counts_as_the_reader() -> None:
    assert_database_screens_as_the_reader(
        write_database(
        fresh_database(f"omop_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"), HAND_MADE))
