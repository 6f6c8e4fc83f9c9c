"""The watch list's evaluation, on two hand-checked patients (definitions in the module).

P01 is the harmonized 2023 vignette (tests/spec/screening): diagnosed on day +42 (A1); its
watch list is on alert from day +40 (platelets fell 60% from 150, BP 130/88 above her 99th
percentile). Jodele 2014 (A2, count rule unverified) diagnoses it already on day +40, at one
time point, the same day the alert starts: no warning *before* that diagnosis.
P02 never has TA-TMA (truth `no-tma`): LDH rises on day +36 (watch) and new proteinuria joins on
day +38 (alert); follow-up ends with its last result on day +38: 39 days = 39/7 weeks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec.screening.test_harmonized_vignettes import CLEAR_TA_TMA
from tests.spec.watch.tables import patient, timeline
from tests.spec.watch.test_levels import LDH_THEN_PROTEIN
from thrombo.analytics.watch_evaluation import (
    TruthFileError,
    episodes,
    evaluate,
    quartiles,
    read_truth,
    sweep,
)
from thrombo.report.watch_tradeoff import tradeoff_figure

PATIENTS = [timeline(CLEAR_TA_TMA), timeline(LDH_THEN_PROTEIN, who=patient("P02"))]
TRUTH = {"P01": "tma", "P02": "no-tma"}


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, object]]:
    document = evaluate(PATIENTS, TRUTH)
    return {r["criteria"]: r for r in document["results"]}  # type: ignore[attr-defined, index]


def test_episodes_count_entries_into_the_level() -> None:
    assert episodes([0, 1, 1, 0, 2, 2, 0], 1) == 2
    assert episodes([2, 0, 1, 2], 2) == 2  # the first day already at the level counts
    assert episodes([], 1) == 0


def test_quartiles_interpolate_linearly() -> None:
    """numpy's default (linear): 1, 2, 4, 10 -> q1 1.75, median 3, q3 5.5."""
    assert quartiles([1, 2, 4, 10]) == {"median": 3.0, "q1": 1.75, "q3": 5.5}
    assert quartiles([]) == {"median": None, "q1": None, "q3": None}


def test_harmonized_diagnosis_was_warned_two_days_before(
    results: dict[str, dict[str, object]]
) -> None:
    harmonized = results["harmonized-2023"]
    assert (harmonized["sensitivity"], harmonized["diagnosed"], harmonized["warned"]) == (
        1.0, 1, 1)
    assert harmonized["lead_time_days"] == {"median": 2.0, "q1": 2.0, "q3": 2.0}


def test_a_warning_on_the_diagnosis_day_is_not_before_it(
    results: dict[str, dict[str, object]]
) -> None:
    jodele = results["jodele-2014"]
    assert (jodele["sensitivity"], jodele["diagnosed"], jodele["warned"]) == (0.0, 1, 0)
    assert jodele["lead_time_days"] == {"median": None, "q1": None, "q3": None}


def test_false_alarms_per_100_patient_weeks(results: dict[str, dict[str, object]]) -> None:
    """P02 alone: one watch episode and one alert episode in 39/7 = 5.571 weeks:
    100 / 5.571 = 17.95 per 100 patient-weeks at either level."""
    levels = results["harmonized-2023"]["levels"]
    for level in ("watch", "alert"):
        found = levels[level]  # type: ignore[index]
        assert (found["episodes"], found["patient_weeks"], found["patients"]) == (1, 5.6, 1)
        assert found["false_alarms_per_100_patient_weeks"] == 17.95
        assert found["false_alarms_by_cohort"] == {"no-tma": 17.95}


def test_definitions_and_the_simulator_caveat_come_with_the_numbers() -> None:
    document = evaluate(PATIENTS, TRUTH)
    assert set(document["definitions"]) == {  # type: ignore[call-overload]
        "sensitivity", "lead_time_days", "false_alarms_per_100_patient_weeks"}
    assert "property of the simulator" in str(document["caveat"])


def test_a_truth_file_without_cohorts_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "truth.csv"
    path.write_text("patient_id,onset\nP01,2026-02-01\n")
    with pytest.raises(TruthFileError, match="patient_id and cohort"):
        read_truth(path)
    with pytest.raises(TruthFileError, match="cannot read"):
        read_truth(tmp_path / "missing.csv")


def test_the_sweep_scales_every_threshold_and_the_figure_draws_it() -> None:
    """Scale 2: LDH rise 1 + 0.25 x 2 = 1.5, platelet fall 0.3 x 2 = 0.6, sC5b-9 1 + 0.5 x 2 = 2.
    P01's platelets fell exactly 60% (150 -> 60) and its BP stays high: still warned on day +40,
    two days before the harmonized diagnosis."""
    points = sweep(PATIENTS, TRUTH, scales=(1.0, 2.0))
    assert [(p["ldh_rise_factor"], p["platelet_fall_fraction"], p["sc5b9_rise_factor"])
            for p in points] == [(1.25, 0.3, 1.5), (1.5, 0.6, 2.0)]
    assert [p["lead_time_days"] for p in points] == [{"median": 2.0, "q1": 2.0, "q3": 2.0}] * 2
    svg = tradeoff_figure(points, "harmonized-2023")
    assert svg.startswith("<svg") and "false alarms per 100 patient-weeks" in svg
