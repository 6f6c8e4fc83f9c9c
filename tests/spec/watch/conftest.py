"""Every watch signal spec runs on the reference and DuckDB engines: `tables.signal` asks the
engine of the `on_engine` parameter beside the reference evaluator and requires the same outcome.
The engines run the signals as they run any criteria set: the watch rule set (`tma-watch`)
compiled to SQL over the neutral input tables, one query day per check. Spark, which plans each
query for seconds, answers every one of these checks in a single query (test_on_spark.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import Engine, engine
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome

from . import tables

EVERYTHING_KNOWN = date(2200, 1, 1)
"""The engine's as-of: later than every spec day, so only the asked day's window matters."""


@pytest.fixture(scope="session")
def _watch_engines() -> dict[str, Engine]:
    return {}


@pytest.fixture(params=["reference", "duckdb"])
def on_engine(request: pytest.FixtureRequest, _watch_engines: dict[str, Engine]) -> Iterator[None]:
    """Used by test_signals.py: its `signal` checks ask this engine too."""
    name: str = request.param
    if name not in _watch_engines:
        _watch_engines[name] = engine(name)
    asked = _watch_engines[name]

    def ask(tl: PatientTimeline, signal: str, on: date, watch: CriteriaSet) -> Outcome:
        found = asked.outcomes([tl], [(tl.patient_id, on)], watch, EVERYTHING_KNOWN)
        return found[(tl.patient_id, on)][signal]

    tables.ENGINES[name] = ask
    yield
    tables.ENGINES.pop(name, None)
