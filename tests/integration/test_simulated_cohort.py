"""The simulator's cohorts through the project's own readers and screening.

Simulated data must load with nothing quarantined in every output format, and the 2023
harmonized criteria must find the simulated TA-TMA patients (sensitivity and specificity against
the simulator's ground truth, `truth.csv`).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import load_source

CONFIG = SimulationConfig(
    seed=11,
    patients=40,
    itp_patients=6,
    centers=2,
    tma_fraction=0.4,
    poor_graft_function_fraction=0.15,
    infection_lookalike_fraction=0.15,
)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    write_dataset(CONFIG, out, "csv")
    return out


def _truth(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "truth.csv").open(newline="") as handle:
        return {row["patient_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "fhir"])
def test_every_format_loads_with_nothing_quarantined(tmp_path: Path, fmt: str) -> None:
    config = SimulationConfig(seed=5, patients=8, itp_patients=3, tma_fraction=0.5)
    write_dataset(config, tmp_path / fmt, fmt)
    loaded = load_source(str(tmp_path / fmt))
    assert loaded.summary is not None
    assert loaded.summary.quarantine == []
    assert loaded.summary.total_quarantined == 0
    assert all(s.balanced for s in loaded.summary.sources)
    assert len(loaded.timelines) == 11


@pytest.mark.slow
def test_screening_finds_the_simulated_ta_tma_patients(cohort: Path) -> None:
    truth = _truth(cohort)
    loaded = load_source(str(cohort))
    transplant = [t for t in loaded.timelines if truth[t.patient_id]["cohort"] != "itp"]
    result = screen(transplant, criteria_set("harmonized-2023"), date(2030, 1, 1))
    found = {p.patient_id: p for p in result.patients}
    sick = [pid for pid in found if truth[pid]["cohort"] == "tma"]
    well = [pid for pid in found if truth[pid]["cohort"] != "tma"]
    assert sick and well
    true_positive = sum(found[pid].status == "ta-tma" for pid in sick)
    false_positive = sum(found[pid].status == "ta-tma" for pid in well)
    sensitivity = true_positive / len(sick)
    specificity = 1 - false_positive / len(well)
    print(
        f"sensitivity {sensitivity:.2f} ({true_positive}/{len(sick)}), "
        f"specificity {specificity:.2f} ({len(well) - false_positive}/{len(well)})"
    )
    assert sensitivity >= 0.9
    assert specificity >= 0.9
    for pid in sick:
        expected = truth[pid]["tma_expected_diagnosis_date"]
        if found[pid].status == "ta-tma" and expected:
            assert found[pid].first_met is not None
            assert abs((found[pid].first_met - date.fromisoformat(expected)).days) <= 7
