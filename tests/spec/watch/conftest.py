"""Every watch spec runs on every engine: `tables.signal` asks the engine of the `engine`
fixture (tests/spec/conftest.py: reference, DuckDB, Spark) beside the reference evaluator and
requires the same outcome. The engines run the signals as they run any criteria set: the watch
rule set (`tma-watch`) compiled to SQL over the neutral input tables, one query day per check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import Engine
from thrombo.rules.model import CriteriaSet
from thrombo.rules.results import Outcome

from . import tables

EVERYTHING_KNOWN = date(2200, 1, 1)
"""The engine's as-of: later than every spec day, so only the asked day's window matters."""


SPARK_APART = ("Spark plans each query for seconds: every watch check runs on Spark in one "
               "query instead (test_on_spark.py)")


@pytest.fixture
def on_engine(engine: Engine) -> Iterator[None]:
    """Used by test_signals.py: its `signal` checks ask this engine too."""
    if engine.name == "spark":
        pytest.skip(SPARK_APART)
    def ask(tl: PatientTimeline, name: str, on: date, watch: CriteriaSet) -> Outcome:
        found = engine.outcomes([tl], [(tl.patient_id, on)], watch, EVERYTHING_KNOWN)
        return found[(tl.patient_id, on)][name]

    tables.ENGINES[engine.name] = ask
    yield
    tables.ENGINES.pop(engine.name, None)
