"""The simulated cohort of tests/api, for the reliability tests that run a service on it."""

from tests.api.conftest import cohort

__all__ = ["cohort"]
