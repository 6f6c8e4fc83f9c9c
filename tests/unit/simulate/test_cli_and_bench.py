"""`thrombo simulate` through Typer, the benchmark table and the configuration checks."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import thrombo.cli.simulate  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.simulate import SimulationConfig, SimulationConfigError, simulate_observations_table
from thrombo.simulate.bench import DAYS_PER_PATIENT


def test_simulate_command_writes_the_folder_and_reports_json(tmp_path: Path) -> None:
    out = tmp_path / "cohort"
    result = CliRunner().invoke(app, ["simulate", "--patients", "6", "--seed", "3", "--out",
                                      str(out), "--itp-patients", "2", "--centers", "2",
                                      "--tma-fraction", "0.5", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["patients"] == 8
    assert sum(summary["cohorts"].values()) == 8
    assert summary["cohorts"]["itp"] == 2
    assert {p.name for p in out.iterdir()} == set(summary["files"])


def test_simulate_command_writes_fhir_ndjson(tmp_path: Path) -> None:
    out = tmp_path / "fhir"
    result = CliRunner().invoke(
        app, ["simulate", "--out", str(out), "--format", "fhir", "--patients", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert {"Patient.ndjson", "Observation.ndjson", "truth.csv"} <= {p.name for p in out.iterdir()}


def test_simulate_command_refuses_a_fraction_above_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--tma-fraction", "2"])
    assert isinstance(result.exception, SimulationConfigError)


@pytest.mark.parametrize(
    "settings",
    [{"organ_recovery": 0.8}, {"survival_6_months": 0.2}, {"centers": 0}, {"patients": -1},
     {"tma_fraction": 0.9, "poor_graft_function_fraction": 0.2}],
)
def test_inconsistent_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(SimulationConfigError):
        SimulationConfig(**settings)  # type: ignore[arg-type]


def test_benchmark_table_has_exactly_the_rows_asked_and_is_deterministic(tmp_path: Path) -> None:
    first = simulate_observations_table(25_000, 5, tmp_path / "a")
    simulate_observations_table(25_000, 5, tmp_path / "b")
    assert first.rows == 25_000
    a = (tmp_path / "a" / "observations.parquet").read_bytes()
    assert a == (tmp_path / "b" / "observations.parquet").read_bytes()
    table = pq.read_table(tmp_path / "a" / "observations.parquet")
    assert table.num_rows == 25_000
    assert table.column_names == ["patient_id", "time", "code", "value", "unit", "ref_low",
                                  "ref_high"]
    truth = (tmp_path / "a" / "truth.csv").read_text().splitlines()[1:]
    assert len(truth) == first.patients
    assert 0 < first.tma_patients < first.patients


def test_benchmark_tma_patients_show_raised_ldh_and_others_do_not(tmp_path: Path) -> None:
    bench = simulate_observations_table(40 * (1 + 8 * DAYS_PER_PATIENT), 6, tmp_path)
    table = pq.read_table(tmp_path / "observations.parquet")
    ldh = table.filter(pc.equal(table["code"].cast("string"), "2532-0"))
    high = ldh.filter(pc.greater(ldh["value"], ldh["ref_high"]))
    raised = set(high["patient_id"].cast("string").to_pylist())
    rows = [line.split(",") for line in (tmp_path / "truth.csv").read_text().splitlines()[1:]]
    tma = {pid for pid, cohort, _ in rows if cohort == "tma"}
    assert tma and tma <= raised
    assert bench.patients == 40
