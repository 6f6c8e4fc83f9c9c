"""The watch signals on a simulated cohort: DuckDB agrees with the reference evaluator on every
signal, every day from each transplant to the end of follow-up (seed 6608, used by no other test).
The spec tests check hand-made boundaries; this checks the whole courses a centre would replay
with `thrombo watch --evaluate`, TA-TMA and look-alikes included."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from thrombo.analytics.watch_evaluation import follow_up_end
from thrombo.engines import engine
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.watch.signals import definition
from thrombo.rules.watch.watch import daily_signals, prepared
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import load_source

CONFIG = SimulationConfig(seed=6608, patients=8, tma_fraction=0.4,
                          poor_graft_function_fraction=0.15, infection_lookalike_fraction=0.25)


@pytest.mark.slow
def test_duckdb_agrees_with_the_reference_on_every_day(tmp_path: Path) -> None:
    write_dataset(CONFIG, tmp_path, "csv")
    watch = definition()
    timelines, days, want = [], [], {}
    for tl in load_source(str(tmp_path)).timelines:
        end, day0 = follow_up_end(tl), tl.patient.hsct_date
        if end is None or day0 is None:
            continue
        known = prepared(tl, end)
        timelines.append(known)
        for on, results in daily_signals(PatientEvaluator.of(known, watch), watch, day0, end):
            days.append((tl.patient_id, on))
            want[(tl.patient_id, on)] = {n: r.outcome for n, r in results.items()}
    assert len(timelines) == CONFIG.patients and len(days) > 400
    got = engine("duckdb").outcomes(timelines, days, watch, max(d for _, d in days)
                                    + timedelta(days=1))
    wrong = [(key, name, got[key][name], outcome) for key, found in want.items()
             for name, outcome in found.items() if got[key][name] is not outcome]
    assert wrong == []
    met = sum(o.value == "met" for found in want.values() for o in found.values())
    assert met > 0  # the cohort does raise signals
