"""The `engine` fixture: a spec test that asks it runs once on each screening engine.

As in ehrQL, the engine is a fixture parameter, so pytest itself runs every case on the
reference evaluator, DuckDB and Spark (Spark marked `spark` and `slow`: it runs in CI, where
Java is installed; a run without Java shows the skip and its reason in the summary; Spark's
questions are asked all at once when the session ends, see spark_deferred.py). The
screening specs (tests/spec/screening) ask it through their helpers (conftest.py there).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.engines.sessions import spark_session  # noqa: F401  (the fixture)
from tests.spec.spark_deferred import DeferredSpark
from thrombo.engines import Engine
from thrombo.engines.reference import ReferenceEngine


@pytest.fixture(scope="session")
def _made_engines() -> dict[str, Engine]:
    return {}


@pytest.fixture(params=[
    pytest.param("reference"),
    pytest.param("duckdb"),
    pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow]),
])
def engine(request: pytest.FixtureRequest, _made_engines: dict[str, Engine]) -> Engine:
    """Each engine behind the one interface (thrombo.engines.Engine), made once a session."""
    name: str = request.param
    if name == "spark":  # noted here, asked of Spark at the session's end (spark_deferred.py)
        deferred: DeferredSpark = request.getfixturevalue("_spark_deferred")
        deferred.test = request.node.nodeid
        return deferred
    if name not in _made_engines:
        _made_engines[name] = _make(name, request)
    return _made_engines[name]


@pytest.fixture(scope="session")
def _spark_deferred(spark_session: Any) -> Iterator[DeferredSpark]:  # noqa: F811
    """Set up after (so torn down before) the Spark session it asks at the end."""
    from thrombo.engines.on_tables import OnTables
    from thrombo.engines.spark import SparkEngine

    deferred = DeferredSpark(OnTables(SparkEngine(spark_session)))
    yield deferred
    groups, left = deferred.chosen(os.environ.get("THROMBO_SPEC_SPARK_ALL") == "1")
    if left:
        warnings.warn(f"{left} spec questions were answered by the reference and DuckDB only; "
                      "Spark answered the largest group of each kind (THROMBO_SPEC_SPARK_ALL=1 "
                      "asks it all of them)", stacklevel=1)
    wrong = deferred.ask_spark(groups)
    if wrong:
        pytest.fail("Spark disagrees with the reference on spec questions:\n" + "\n".join(wrong))


def _make(name: str, request: pytest.FixtureRequest) -> Engine:
    from thrombo.engines.on_tables import OnTables

    if name == "reference":
        return ReferenceEngine()
    if name == "duckdb":
        from thrombo.engines.duck import DuckDBEngine

        return OnTables(DuckDBEngine())
    raise ValueError(name)
