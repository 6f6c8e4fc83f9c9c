"""The Spark session the engine tests and the screening specs share: one per test process,
skipped (with its reason in the summary) only where Java is missing outside CI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


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
    from thrombo.engines.spark import local_session

    session = local_session("local[2]")
    yield session
    session.stop()
