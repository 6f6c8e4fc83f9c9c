"""Engines under test: DuckDB always; Spark (marked `spark`, `slow`) where Java is present."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from thrombo.rules.batch.duck import DuckDBEngine


def _spark_available() -> bool:
    return (
        bool(os.environ.get("THROMBO_CI"))
        or shutil.which("java") is not None
        or bool(os.environ.get("JAVA_HOME"))
    )


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    if not _spark_available():
        pytest.skip("Java is not installed (Spark tests run in CI, where .ci/run installs it)")
    from thrombo.rules.batch.spark import local_session

    session = local_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def duckdb_engine() -> DuckDBEngine:
    return DuckDBEngine()


@pytest.fixture(scope="session")
def spark_engine(spark_session: Any) -> Any:
    from thrombo.rules.batch.spark import SparkEngine

    return SparkEngine(spark_session)
