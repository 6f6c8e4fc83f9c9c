"""A short load run (10 clients for 10 s) of benchmarks/service_load.py: no request fails.

The full run (50 clients for 60 s, with the p99 target) is `make bench`. This one caught
concurrent audit appends chaining onto the same entry (HTTP 500 under load).
"""

from __future__ import annotations

import pytest

from tests.reliability.service_load_script import load_script

pytestmark = pytest.mark.slow


def test_short_load_run_has_no_errors() -> None:
    result = load_script().run_load(clients=10, seconds=10.0, patients=20)
    for target in ("patient_view", "dashboard_page"):
        figures = result[target]
        assert figures["requests"] > 50, (target, figures)
        assert figures["errors"] == 0, (target, figures, result["server_errors"])
    print(result)
