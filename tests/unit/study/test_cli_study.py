"""`thrombo study` end to end on a small simulated cohort: JSON shape, report, usage errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import thrombo.cli.study  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    write_dataset(SimulationConfig(seed=3, patients=16, tma_fraction=0.6, centers=2), out)
    return out


@pytest.mark.slow
def test_study_json_follows_the_interface_and_writes_the_report(dataset: Path,
                                                               tmp_path: Path) -> None:
    result = runner.invoke(app, ["study", str(dataset), "--json", "--report",
                                 str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    steps = [s["step"] for s in doc["flow"]]
    assert steps == ["screened", "eligible", "diagnosed", "treated", "evaluable"]
    assert doc["flow"][0]["n"] == 16
    assert doc["n_treated"] == doc["flow"][3]["n"] > 0
    resolution = doc["resolution_by_day_28"]
    assert resolution["n"] == doc["n_treated"] and resolution["method"] == "clopper-pearson"
    assert 0 <= resolution["ci_low"] <= resolution["rate"] <= resolution["ci_high"] <= 1
    assert doc["overall_survival_6_months"]["method"] == "kaplan-meier, log-log CI"
    assert doc["rules"]["name"] == "harmonized-2023" and doc["time_origin"] == "treatment-start"
    assert doc["input"]["sources"][0]["records"] > 0
    assert (tmp_path / "report" / "report.html").exists()
    assert doc["report"]["html"].endswith("report.html")


def run_main(arguments: list[str]) -> int | str | None:
    """The installed entry point: user errors print one line and exit 2."""
    from thrombo.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["thrombo", *arguments])
        with pytest.raises(SystemExit) as stop:
            main()
    return stop.value.code


@pytest.mark.parametrize("arguments", [
    ["--time-origin", "transplant"],
    ["--suppress-below", "0"],
    ["--criteria", "no-such-set"],
    ["--control-rate", "1.5"],
    ["--min-age", "10", "--max-age", "5"],
])
def test_usage_errors_exit_2(dataset: Path, arguments: list[str]) -> None:
    assert run_main(["study", str(dataset), "--json", *arguments]) == 2


def test_missing_source_exits_2(tmp_path: Path) -> None:
    assert run_main(["study", str(tmp_path / "missing"), "--json"]) == 2
