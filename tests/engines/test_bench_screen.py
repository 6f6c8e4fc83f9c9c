"""The screening benchmark's own machinery: patient ranges, the naive yardstick, the figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from thrombo.cli.bench import dataset, run
from thrombo.engines.compile import screen_sql
from thrombo.engines.duck import connect, screen_plan
from thrombo.engines.input_tables import day_number
from thrombo.engines.query_plan import Plan
from thrombo.errors import SourceError
from thrombo.population.dataset_views import (
    latest_day,
    patient_ranges,
    register_dataset,
    select_bucket,
)
from thrombo.population.naive_loop import naive_loop
from thrombo.rules.registry import criteria_set

ROWS = 40 * 481  # 40 simulated patients (a height, then 8 analytes a day for 60 days)


def test_screening_by_patient_ranges_gives_the_whole_cohort_once(tmp_path: Path) -> None:
    con = connect()
    register_dataset(con, dataset(ROWS, 3, tmp_path))
    plan = Plan.of(criteria_set("harmonized-2023"))
    day = day_number(latest_day(con)) or 0
    whole = sorted(con.sql(screen_sql(plan, day)).fetchall())
    ranges = patient_ranges(con, 3)
    assert len(ranges) == 3
    parts = []
    for low, high in ranges:
        select_bucket(con, low, high)
        parts.extend(tuple(r.values()) for r in screen_plan(con, plan, day))
    # Staged (one query per observation group, as the engine runs it) equals the one query.
    assert sorted(parts) == whole and len(whole) == 40


def test_bench_agrees_with_the_reference_and_reports_every_figure(tmp_path: Path) -> None:
    r = run(ROWS, cache=tmp_path, sample=40)
    assert r.agrees_with_reference and r.sample_patients == 40 and r.patients == 40
    assert r.rows == ROWS and r.seconds > 0 and r.scan_floor_seconds >= 0
    assert r.naive_rows_per_second > 0 and r.peak_memory_mb > 0


def test_naive_loop_diagnoses_four_of_seven_on_two_consecutive_days() -> None:
    """Hand-made: LDH above range, schistocytes, UPCR 1.5 and sC5b-9 at its ULN on days 1-2
    (four criteria) diagnose; the same patient with three of them does not."""
    rows = []
    for day in (1, 2):
        rows += [("A", day, "ldh", 500.0, 320.0), ("A", day, "schistocytes", 3.0, None),
                 ("A", day, "upcr", 1.5, None), ("A", day, "sc5b9", 244.0, 244.0),
                 ("B", day, "ldh", 500.0, 320.0), ("B", day, "schistocytes", 3.0, None),
                 ("B", day, "upcr", 1.5, None), ("B", day, "sc5b9", 100.0, 244.0)]
    frame = pd.DataFrame(rows, columns=["patient_id", "day", "analyte", "value", "ref_high"])
    timing = naive_loop(frame)
    assert (timing.patients, timing.diagnosed, timing.rows) == (2, 1, 16)


def test_benchmark_view_refuses_rows_it_cannot_map(tmp_path: Path) -> None:
    """The view has nowhere to count a row it leaves out, so it refuses the file instead."""
    folder = dataset(ROWS, 3, tmp_path)
    obs = pd.read_parquet(folder / "observations.parquet")
    obs["code"] = obs["code"].astype(str)
    obs.loc[obs.index[:3], "code"] = "not-a-code"
    obs.to_parquet(folder / "observations.parquet", index=False)
    with pytest.raises(SourceError, match="3 rows have a code or unit"):
        register_dataset(connect(), folder)


def test_benchmark_view_refuses_values_it_should_not_compute_with(tmp_path: Path) -> None:
    """A platelet count of -3 and a row of a patient not in patients.csv: refused, counted."""
    folder = dataset(ROWS, 3, tmp_path)
    obs = pd.read_parquet(folder / "observations.parquet")
    obs["patient_id"] = obs["patient_id"].astype(str)
    platelets = obs.index[obs["code"].astype(str) == "777-3"][:1]
    obs.loc[platelets, "value"] = -3.0
    obs.loc[obs.index[-1:], "patient_id"] = "nobody"
    obs.to_parquet(folder / "observations.parquet", index=False)
    with pytest.raises(SourceError, match=": 2 rows have a code or unit"):
        register_dataset(connect(), folder)
