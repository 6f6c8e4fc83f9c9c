"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# Hypothesis: `make test` and CI derandomise (a red run is reproducible from the commit alone);
# `make fuzz` loads the "fuzz" profile with fresh random seeds and more examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, database=None, print_blob=True,
                          deadline=None)
settings.load_profile(os.environ.get("THROMBO_HYPOTHESIS_PROFILE", "ci"))
