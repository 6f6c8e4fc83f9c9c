"""Engines under test: DuckDB always; Spark (marked `spark`, `slow`) where Java is present."""

from __future__ import annotations

from typing import Any

import pytest

from thrombo.engines.duck import DuckDBEngine

from .sessions import spark_session  # noqa: F401  (the fixture, shared with tests/spec)


@pytest.fixture(scope="session")
def duckdb_engine() -> DuckDBEngine:
    return DuckDBEngine()


@pytest.fixture(scope="session")
def spark_engine(spark_session: Any) -> Any:  # noqa: F811
    from thrombo.engines.spark import SparkEngine

    return SparkEngine(spark_session)
