"""The Spark job (`spark_job.py`, the spark-submit entry point) on a dataset folder: the same
verdicts as the reference evaluator on the normal reader's timelines, events included, and every
observation row it leaves out counted with its reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from thrombo.rules.batch import screen_with
from thrombo.rules.batch.assemble import screening_result
from thrombo.rules.batch.spark_job import screen_folder
from thrombo.rules.registry import criteria_set
from thrombo.rules.results import ScreeningResult
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
    assert left_out["no numeric value (coded results are not read)"] == 1
    assert sum(n for k, n in left_out.items() if k.startswith("skipped: ")) == 1
    assert left_out["time missing or not a date-time"] == 1
    assert left_out["reference limit not a number"] == 1
    assert sum(left_out.values()) == len(BAD_ROWS)
