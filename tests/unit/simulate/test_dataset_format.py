"""Every written row parses to the interface.md section 1 columns with valid values."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from thrombo.normalize.analytes import BY_KEY, BY_LOINC
from thrombo.simulate import SimulationConfig, write_dataset
from thrombo.simulate.rows import COHORTS

INTERFACE_UNITS = {"10*9/L", "10*3/uL", "/uL", "U/L", "g/dL", "g/L", "mg/dL", "umol/L",
                   "mg/mmol", "mm[Hg]", "kg", "cm", "%", "/[HPF]", "mg/mg", "ng/mL"}
EVENTS = {"platelet_transfusion", "rbc_transfusion", "bleeding", "major_bleeding", "hypotension",
          "diarrhea", "nausea", "vomiting", "dialysis", "gvhd", "infection", "tma_biopsy"}
DRUGS = {"defibrotide", "prednisone", "dexamethasone", "ivig", "eltrombopag", "romiplostim",
         "rituximab"}
CONFIG = SimulationConfig(seed=21, patients=60, itp_patients=30, centers=3, tma_fraction=0.3)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    write_dataset(CONFIG, out)
    return out


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def optional_date(text: str) -> None:
    if text:
        date.fromisoformat(text)


def test_patients(folder: Path) -> None:
    rows = read(folder, "patients.csv")
    assert len(rows) == 90
    assert len({r["patient_id"] for r in rows}) == 90
    for row in rows:
        birth = date.fromisoformat(row["birth_date"])
        assert row["sex"] in ("F", "M")
        assert row["center"] in ("C01", "C02", "C03")
        for column in ("hsct_date", "conditioning_start_date", "neutrophil_engraftment_date",
                       "platelet_engraftment_date", "itp_diagnosis_date", "death_date"):
            optional_date(row[column])
        index = row["hsct_date"] or row["itp_diagnosis_date"]
        assert 0 <= (date.fromisoformat(index) - birth).days / 365.25 < 18.1
        assert date.fromisoformat(row["last_contact_date"]) >= date.fromisoformat(index)
        if row["hsct_date"]:
            assert row["conditioning_start_date"] < row["hsct_date"]
            assert row["neutrophil_engraftment_date"] > row["hsct_date"]
            if not row["death_date"]:
                days = (date.fromisoformat(row["last_contact_date"])
                        - date.fromisoformat(row["hsct_date"])).days
                assert days >= 180


def test_observations(folder: Path) -> None:
    patients = {r["patient_id"] for r in read(folder, "patients.csv")}
    rows = read(folder, "observations.csv")
    assert len(rows) > 10_000
    for row in rows:
        assert row["patient_id"] in patients
        datetime.fromisoformat(row["time"])
        analyte = BY_LOINC.get(row["code"]) or BY_KEY[row["code"]]
        if analyte.categories and not row["unit"]:
            assert row["value"] in analyte.categories
            continue
        assert row["unit"] in INTERFACE_UNITS
        value = float(row["value"])
        low, high = analyte.plausible or (0, 1e9)
        assert low <= value <= max(high, 1e4)
        for column in ("ref_low", "ref_high"):
            if row[column]:
                assert float(row[column]) > 0


def test_units_vary_between_centres(folder: Path) -> None:
    units = {(r["code"], r["unit"]) for r in read(folder, "observations.csv")}
    assert {("777-3", "10*3/uL"), ("777-3", "10*9/L")} <= units
    assert {("718-7", "g/dL"), ("718-7", "g/L")} <= units
    assert {("2160-0", "mg/dL"), ("14682-9", "umol/L")} <= units
    assert ("schistocytes", "/[HPF]") in units
    assert ("800-3", "") in units


def test_medications_and_events(folder: Path) -> None:
    for row in read(folder, "medications.csv"):
        assert row["drug"] in DRUGS
        date.fromisoformat(row["start"])
        optional_date(row["end"])
        assert float(row["dose"]) > 0
        assert row["dose_unit"] in ("mg", "g", "ug")
        assert row["route"] in ("IV", "PO", "SC")
    for row in read(folder, "events.csv"):
        assert row["event"] in EVENTS
        datetime.fromisoformat(row["time"])
        assert row["grade"] == "" or 1 <= int(row["grade"]) <= 5


def test_truth_names_every_patient_once(folder: Path) -> None:
    truth = read(folder, "truth.csv")
    patients = read(folder, "patients.csv")
    assert [t["patient_id"] for t in truth] == [p["patient_id"] for p in patients]
    assert {t["cohort"] for t in truth} <= set(COHORTS)
    assert {t["cohort"] for t in truth} >= {"tma", "no-tma", "itp"}


def test_parquet_has_the_csv_rows(folder: Path, tmp_path: Path) -> None:
    write_dataset(CONFIG, tmp_path, "parquet")
    table = pq.read_table(tmp_path / "observations.parquet")
    rows = read(folder, "observations.csv")
    assert table.column_names == list(rows[0])
    assert table.num_rows == len(rows)
    first = table.slice(0, 1).to_pylist()[0]
    assert first["value"] == rows[0]["value"]
    assert not (tmp_path / "observations.csv").exists()
