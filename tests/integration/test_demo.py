"""`thrombo demo`: the whole workflow on the default simulated cohort."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from thrombo.demo.run import DemoResult, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "out")


@pytest.mark.slow
def test_demo_writes_every_step_and_the_report(demo: DemoResult) -> None:
    for name in ("import", "screen", "plan", "assess", "study"):
        assert Path(demo.steps[name]).is_file()
    assert demo.report_html is not None and demo.report_html.stat().st_size > 10_000
    html = demo.report_html.read_text()
    assert "<svg" in html
    imported = json.loads(Path(demo.steps["import"]).read_text())
    assert imported["quarantine"] == []
    assert all(s["records"] == s["stored"] for s in imported["sources"])


@pytest.mark.slow
def test_demo_cohort_mirrors_the_study_size_and_screening_finds_it(demo: DemoResult) -> None:
    summary = demo.summary
    assert summary["n_treated"] == 30
    assert summary["screening"]["sensitivity"] == {"k": 30, "n": 30}
    specificity = summary["screening"]["specificity"]
    assert specificity["k"] == specificity["n"] > 0
    assert summary["major_bleeding"]["k"] == 0


@pytest.mark.slow
def test_response_engine_agrees_with_the_simulated_truth(demo: DemoResult) -> None:
    """Each simulated patient's resolution by day 28 is what the response engine finds."""
    with (demo.out / "data" / "truth.csv").open(newline="") as handle:
        truth = {r["patient_id"]: r for r in csv.DictReader(handle) if r["cohort"] == "tma"}
    assessed = {
        p["patient_id"]: p
        for p in json.loads(Path(demo.steps["assess"]).read_text())["patients"]
    }
    for pid, row in truth.items():
        resolved = assessed[pid]["response"] == "resolved"
        assert resolved == (row["resolved_by_day_28"] == "true"), pid
    study = json.loads(Path(demo.steps["study"]).read_text())
    expected = sum(r["resolved_by_day_28"] == "true" for r in truth.values())
    assert study["resolution_by_day_28"]["k"] == expected
