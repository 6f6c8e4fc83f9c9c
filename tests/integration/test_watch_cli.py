"""`thrombo watch` end to end on a small simulated cohort (seed 6607, used by no other test).

The JSON must follow interface.md `### watch --json` (1.1); `--evaluate` must print, per
criteria set, sensitivity, lead time and false alarms with their definitions, and say that
simulated lead times are a property of the simulator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thrombo.cli.app import app
from thrombo.cli.watch import print_evaluation
from thrombo.rules.registry import SETS
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

CONFIG = SimulationConfig(seed=6607, patients=14, itp_patients=2, tma_fraction=0.35,
                          poor_graft_function_fraction=0.15, infection_lookalike_fraction=0.15)
runner = CliRunner()
PATIENT_KEYS = {"patient_id", "level", "since", "diagnosed", "signals", "criteria_met",
                "next_tests", "review_by"}
EXTRAS = {"signals_indeterminate", "screening_status", "warnings"}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("watch")
    write_dataset(CONFIG, out, "csv")
    return out


def _json(*args: str) -> dict[str, Any]:
    done = runner.invoke(app, ["watch", *args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def listed(cohort: Path) -> dict[str, Any]:
    return _json(str(cohort), "--as-of", "2026-12-31")


def test_watch_json_follows_the_interface(listed: dict[str, Any]) -> None:
    document = listed
    assert document["rules"]["name"] == "tma-watch"
    assert document["as_of"] == "2026-12-31"
    patients = document["patients"]
    assert isinstance(patients, list)
    assert len(patients) == CONFIG.patients  # transplant recipients only, not the ITP children
    for p in patients:
        assert set(p) == PATIENT_KEYS | EXTRAS
        if p["diagnosed"]:
            assert p["level"] is None and p["signals"] == []
        else:
            assert p["level"] in {"none", "watch", "alert"}
            assert (p["since"] is None) == (p["level"] == "none")
        for s in p["signals"]:
            assert set(s) == {"signal", "since", "evidence"} and s["evidence"]


def test_one_patient_and_the_table(cohort: Path, listed: dict[str, Any]) -> None:
    first = listed["patients"][0]
    one = _json(str(cohort), "--as-of", "2026-12-31", "--patient", first["patient_id"])
    assert one["patients"] == [first]
    table = runner.invoke(app, ["watch", str(cohort), "--as-of", "2026-12-31", "--patient",
                                first["patient_id"]])
    assert table.exit_code == 0 and "TA-TMA watch list as of 2026-12-31" in table.stdout


def test_evaluate_reports_every_set_with_definitions(
    cohort: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _json(str(cohort), "--evaluate")
    results = document["results"]
    assert [r["criteria"] for r in results] == list(SETS)
    for r in results:
        assert {"sensitivity", "lead_time_days", "false_alarms_per_100_patient_weeks",
                "levels"} <= set(r)
        assert set(r["lead_time_days"]) == {"median", "q1", "q3"}
        assert set(r["levels"]) == {"watch", "alert"}
    assert "property of the simulator" in document["caveat"]
    print_evaluation(document)  # the table the command prints without --json
    assert "false_alarms_per_100_patient_weeks:" in capsys.readouterr().out


def test_evaluate_without_a_truth_file_is_a_usage_error(tmp_path: Path) -> None:
    done = runner.invoke(app, ["watch", "sqlite:///nothing.db", "--evaluate"])
    assert done.exit_code != 0
    assert "--truth" in str(done.exception)
