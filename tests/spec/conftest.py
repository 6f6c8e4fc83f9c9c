"""The `engine` fixture: a spec test that asks it runs once on each screening engine.

As in ehrQL, the engine is a fixture parameter, so pytest itself runs every case on the
reference evaluator, DuckDB and Spark (Spark marked `spark` and `slow`: it runs in CI, where
Java is installed; a run without Java shows the skip and its reason in the summary). The
screening specs (tests/spec/screening) ask it through their helpers (conftest.py there).
"""

from __future__ import annotations

import pytest

from tests.engines.sessions import spark_session  # noqa: F401  (the fixture)
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
    if name not in _made_engines:
        _made_engines[name] = _make(name, request)
    return _made_engines[name]


def _make(name: str, request: pytest.FixtureRequest) -> Engine:
    from thrombo.engines.on_tables import OnTables

    if name == "reference":
        return ReferenceEngine()
    if name == "duckdb":
        from thrombo.engines.duck import DuckDBEngine

        return OnTables(DuckDBEngine())
    from thrombo.engines.spark import SparkEngine

    return OnTables(SparkEngine(request.getfixturevalue("spark_session")))
