"""The watch spec checks on Spark, in one query.

Spark plans each query for seconds, so the per-test engine parameter leaves Spark out
(conftest.py); instead this test runs every watch spec test on the reference, noting each signal
check (timeline, signal, day, expected outcome), and asks Spark all of them at once: the same
compiled SQL the DuckDB run checks case by case, on Spark's SQL dialect.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome

from . import tables, test_signals
from .conftest import EVERYTHING_KNOWN

Check = tuple[PatientTimeline, str, date, CriteriaSet, Outcome]


def _expand(fn: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    """Each parameter row of a spec test (the product of its parametrize marks)."""
    grids = []
    for mark in (m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"):
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        grids.append([dict(zip(names, v if len(names) > 1 else (v,), strict=True))
                      for v in mark.args[1]])
    for combo in itertools.product(*grids):
        yield {k: v for part in combo for k, v in part.items()}


def _recorded() -> list[Check]:
    checks: list[Check] = []

    def note(tl: PatientTimeline, name: str, on: date, watch: CriteriaSet) -> Outcome:
        evaluator_answer = tables.reference_outcome(tl, name, on, watch)
        renamed = PatientTimeline.build(replace(tl.patient, patient_id=f"c{len(checks)}"),
                                        tl.observations, tl.medications, tl.events, tl.tz)
        checks.append((renamed, name, on, watch, evaluator_answer))
        return evaluator_answer

    tables.ENGINES["record"] = note
    try:
        for name, fn in inspect.getmembers(test_signals, inspect.isfunction):
            if name.startswith("test_") and fn.__module__ == test_signals.__name__:
                for kwargs in _expand(fn):
                    fn(**kwargs)
    finally:
        tables.ENGINES.pop("record", None)
    return checks


@pytest.mark.spark
@pytest.mark.slow
def test_every_signal_check_on_spark(request: pytest.FixtureRequest) -> None:
    from thrombo.engines.on_tables import OnTables
    from thrombo.engines.spark import SparkEngine

    spark = OnTables(SparkEngine(request.getfixturevalue("spark_session")))
    checks = _recorded()
    assert len(checks) >= 45  # every case of test_signals.py, some with several checks
    watch = checks[0][3]
    assert all(c[3] == watch for c in checks)  # every spec uses the default watch options
    got = spark.outcomes([c[0] for c in checks], [(c[0].patient_id, c[2]) for c in checks],
                         watch, EVERYTHING_KNOWN)
    wrong = [(tl.patient_id, name, on, got[(tl.patient_id, on)][name], want)
             for tl, name, on, _, want in checks if got[(tl.patient_id, on)][name] != want]
    assert wrong == []
