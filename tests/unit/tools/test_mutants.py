"""`make mutants` counts a mutant as killed only when a test fails (or the run times out or
crashes): a run in which a test file could not even be imported (a tree being edited while the
run goes on) named no failing test and once reported every mutant of a module killed."""

from __future__ import annotations

from typing import Any

import pytest

from tools.mutants import is_kill


@pytest.mark.parametrize(("result", "killed"), [
    ({"code": 1, "failed": ["tests/spec/dosing/test_x.py::test_dose"]}, True),
    ({"code": "timeout", "failed": []}, True),
    ({"code": "crash (status 139)", "failed": []}, True),
    ({"code": 1, "failed": [], "collect_errors": ["tests/spec/dosing/test_x.py"]}, False),
    ({"code": 2, "failed": [], "collect_errors": []}, False),
])
def test_a_kill_names_a_failing_test(result: dict[str, Any], killed: bool) -> None:
    assert is_kill(result) is killed
