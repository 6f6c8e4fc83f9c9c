"""The Spark job (`spark_job.py`, the spark-submit entry point) on a dataset folder: the same
verdicts as the reference evaluator on the normal reader's timelines, events included, every
observation row it leaves out counted with its reason, and its result folder holding the
answers of `thrombo screen --json`, field by field, for every patient."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import thrombo.cli.screen  # noqa: F401  (registers `screen` on the app)
from tests.engines.test_direct_omop import m, omop_from_dataset
from thrombo.cli.app import app
from thrombo.engines import screen_with
from thrombo.engines.results_out import COLUMNS
from thrombo.engines.verdicts import screening_result
from thrombo.population.spark_job import CENSORED_READ, screen_folder
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening_results import ScreeningResult
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import load_source

# One row of each problem the job checks, appended to a simulated observations.csv.
BAD_ROWS = (
    "NOT-A-PATIENT,2025-07-25T06:51:00,777-3,252,10*3/uL,150,450",  # unknown patient
    "HSCT-000001,2025-07-25T07:00:00,777-3,-3,10*3/uL,150,450",  # implausible platelets
    "HSCT-000001,2025-07-25T07:00:00,99999-9,5,mg/dL,,",  # a code thrombo does not use
    "HSCT-000001,2025-07-25T07:00:00,777-3,,10*3/uL,150,450",  # no value
    "HSCT-000001,yesterday,777-3,252,10*3/uL,150,450",  # not a date-time
    "HSCT-000001,2025-07-25T07:00:00,777-3,252,10*3/uL,150,high",  # limit not a number
)


# The fields of a patient in `screen --json` that the result Parquet carries (all but the
# evidence and the reasons, which only the reference evaluator gives).
PUBLIC = ("patient_id", "status", "first_met", "active", "criteria_met",
          "criteria_indeterminate", "high_risk", "high_risk_features", "assessed_on")


def screen_json(source: Path, as_of: date, *options: str) -> dict[str, Any]:
    """`thrombo screen SOURCE --json` on the reference engine."""
    done = CliRunner().invoke(app, ["screen", str(source), "--json", "--as-of",
                                    as_of.isoformat(), *options])
    assert done.exit_code == 0, done.output
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def assert_results_are_screen_json(out: Path, reference: dict[str, Any]) -> dict[str, Any]:
    """OUT/patients holds, for every patient of `reference` (a `screen --json` document) and
    no other, the same value in every public field, with the same rules and as-of date; the
    summary counts the same statuses. Returns the summary."""
    table = pd.read_parquet(out / "patients")
    assert list(table.columns) == [name for name, _ in COLUMNS]
    got = {r["patient_id"]: r for r in table.to_dict("records")}
    expected = {p["patient_id"]: p for p in reference["patients"]}
    assert sorted(got) == sorted(expected)

    def plain(value: object) -> object:  # Parquet's dates and arrays as screen --json writes them
        if isinstance(value, date):
            return value.isoformat()
        return value.tolist() if isinstance(value, np.ndarray) else value

    for pid, want in expected.items():
        for field in PUBLIC:
            assert plain(got[pid][field]) == want[field], (pid, field)
        assert got[pid]["as_of"].isoformat() == reference["as_of"]
        rules = reference["rules"]
        assert (got[pid]["rules_name"], got[pid]["rules_version"]) == (rules["name"],
                                                                       rules["version"])
        assert json.loads(got[pid]["rules_options"]) == rules["options"]
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    statuses = pd.Series([p["status"] for p in reference["patients"]]).value_counts()
    assert {s: n for s, n in summary["status_counts"].items() if n} == statuses.to_dict()
    assert summary["rules"] == reference["rules"] and summary["as_of"] == reference["as_of"]
    return summary


def _verdict(r: ScreeningResult) -> tuple[object, ...]:
    return (r.patient_id, r.status, r.first_met, r.active, r.criteria_met,
            r.criteria_indeterminate, r.high_risk, r.high_risk_features, r.assessed_on)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_job_screens_a_folder_as_the_reference_and_counts_what_it_leaves_out(
    tmp_path: Path, spark_session: Any
) -> None:
    write_dataset(SimulationConfig(seed=21, patients=20, itp_patients=2, tma_fraction=0.4),
                  tmp_path, "csv")
    with (tmp_path / "observations.csv").open("a", encoding="utf-8") as f:
        f.write("\n".join(BAD_ROWS) + "\n")
    criteria = criteria_set("harmonized-2023")
    frame, left_out = screen_folder(spark_session, tmp_path, criteria.name, None)
    # The patient step reads the patient-day table computed once: no scan of the observation
    # file, no window of the day pipeline again (a bypassed cache ran it five more times).
    executed = frame._jdf.queryExecution().executedPlan().toString()
    assert "FileScan" not in executed and "Scan csv" not in executed
    assert "bit_or" not in executed.lower() and "percentile" not in executed.lower()
    got = sorted((screening_result(r.asDict(), criteria) for r in frame.collect()),
                 key=lambda r: r.patient_id)
    loaded = load_source(str(tmp_path))
    # The job screens as of the latest observation day (UTC here), as the reference does below.
    day = max(o.time.date() for t in loaded.timelines for o in t.observations)
    expected = screen_with("reference", loaded.timelines, criteria, day)
    assert [_verdict(r) for r in got] == [_verdict(r) for r in expected.patients]
    assert left_out["unknown patient"] == 1
    assert left_out["implausible value"] == 1
    # No value at all is a required value missing, as the normal reader and DuckDB say.
    assert left_out["required value missing"] == 1
    assert sum(n for k, n in left_out.items() if k.startswith("skipped: ")) == 1
    assert left_out["time missing or not a date-time"] == 1
    assert left_out["reference limit not a number"] == 1
    assert sum(left_out.values()) == len(BAD_ROWS)


@pytest.mark.spark
@pytest.mark.slow
def test_the_job_writes_the_answers_of_screen_json_and_what_it_read(tmp_path: Path) -> None:
    """`thrombo screen --engine spark --master local[1] --out OUT --json` (a JVM of its own):
    OUT/patients has one row per patient, each field as `screen --json` gives it (status,
    first_met a date, criteria and high-risk features by name), not the engine's columns;
    OUT/summary.json, also printed, the counts and the rows read and left out."""
    folder = tmp_path / "dataset"
    write_dataset(SimulationConfig(seed=25, patients=10, itp_patients=1, tma_fraction=0.5),
                  folder, "csv")
    with (folder / "observations.csv").open("a", encoding="utf-8") as f:
        f.write(BAD_ROWS[0] + "\n")  # a row of a patient not in patients.csv
    as_of = date(2025, 8, 1)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "thrombo"), "screen", str(folder), "--engine",
         "spark", "--master", "local[1]", "--out", str(tmp_path / "out"), "--as-of",
         as_of.isoformat(), "--json"],
        capture_output=True, text=True, check=False, timeout=900,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable})
    assert done.returncode == 0, done.stderr[-3000:]
    written = json.loads(done.stdout)
    reference = screen_json(folder, as_of)
    summary = assert_results_are_screen_json(tmp_path / "out", reference)
    assert summary == written
    assert {p["status"] for p in reference["patients"]} >= {"ta-tma", "no-ta-tma",
                                                            "not-applicable"}
    assert summary["patients"] == summary["input"]["patients_listed"] == 11
    assert summary["input"]["observation_rows_not_screened"] == {"unknown patient": 1}
    rows = sum(1 for _ in (folder / "observations.csv").open(encoding="utf-8")) - 1
    assert summary["input"]["observation_rows_screened"] == rows - 1


@pytest.mark.spark
@pytest.mark.slow
def test_spark_job_screens_an_omop_cdm_folder_as_the_reference(
    tmp_path: Path, spark_session: Any
) -> None:
    """`--format omop`: persons and the HSCT procedure through the OMOP reader, the measurement
    table (Parquet; a row without a person makes its id column DOUBLE, so person 1.0 must read
    as patient '1') read by Spark with the codes of the concept table; a censored result
    (operator '<') is read as a bound and counted, never as the number 10."""
    dataset = tmp_path / "dataset"
    write_dataset(SimulationConfig(seed=23, patients=15, itp_patients=0, tma_fraction=0.4),
                  dataset, "csv")
    no_person = m(None, None, 900001, "2025-07-25 07:00:00", 252.0, "10*3/uL")
    unknown = m(None, 999, 900001, "2025-07-25 07:00:00", 252.0, "10*3/uL")
    censored = m(None, 1, 900001, "2025-07-25 07:00:00", 10.0, "10*3/uL", operator=4171756)
    folder = omop_from_dataset(dataset, tmp_path / "cdm", "parquet",
                               (no_person, unknown, censored))
    criteria = criteria_set("harmonized-2023")
    frame, left_out = screen_folder(spark_session, folder, criteria.name, None, fmt="omop")
    got = sorted((screening_result(r.asDict(), criteria) for r in frame.collect()),
                 key=lambda r: r.patient_id)
    loaded = load_source(str(folder), fmt="omop")
    day = max(o.time.date() for t in loaded.timelines for o in t.observations)
    expected = screen_with("reference", loaded.timelines, criteria, day)
    assert [_verdict(r) for r in got] == [_verdict(r) for r in expected.patients]
    assert {p.status for p in expected.patients} >= {"ta-tma", "no-ta-tma"}
    # '<10' is read as a bound, never as 10: undecided on Spark (the reference decides it).
    # A row without a person misses a required value, as the OMOP reader says (io.omop).
    assert left_out == {"required value missing": 1, "unknown patient": 1, CENSORED_READ: 1}


@pytest.mark.spark
@pytest.mark.slow
def test_the_spark_submit_script_screens_an_omop_folder(tmp_path: Path) -> None:
    """`benchmarks/spark_submit.sh CDM OUT` with FORMAT=omop on local[1]: the documented cluster
    command (`thrombo screen --engine spark --out` in a JVM of its own) writes the answers of
    `screen --format omop --json` for every patient."""
    dataset = tmp_path / "dataset"
    write_dataset(SimulationConfig(seed=24, patients=6, itp_patients=0, tma_fraction=0.5),
                  dataset, "csv")
    folder = omop_from_dataset(dataset, tmp_path / "cdm", "parquet")
    out = tmp_path / "results"
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "spark_submit.sh"
    done = subprocess.run(
        ["bash", str(script), str(folder), str(out)], capture_output=True, text=True,
        env={**os.environ, "MASTER": "local[1]", "FORMAT": "omop", "AS_OF": "2025-08-01",
             "PYSPARK_PYTHON": sys.executable}, check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "screened 6 patients" in done.stdout
    assert_results_are_screen_json(out, screen_json(folder, date(2025, 8, 1), "--format", "omop"))
