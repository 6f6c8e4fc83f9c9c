"""Every screening spec runs on every engine: the helpers `screened`, `outcome` and `feature`
each spec module imports from tables.py are swapped, for each test, for ones that ask the
engine of the `engine` fixture (tests/spec/conftest.py) and require the reference's answer.

The reference's result is returned, so the spec's own checks (evidence, warnings) still read
it; the engine must give the same verdict (status, first day met, active, criteria met and
indeterminate, high-risk features, day assessed) and the same outcome of each criterion and
feature on each asked day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.engines.agreement import verdict
from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import Engine
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import ScreeningResult

from . import tables

# Outcomes on a day are asked with everything recorded known (the window ends on the day).
EVERYTHING_KNOWN = date(2200, 1, 1)


def on_engine(engine: Engine) -> dict[str, Callable[..., Any]]:
    def screened(tl: PatientTimeline, criteria: CriteriaSet, as_of: int = 100) -> ScreeningResult:
        want = tables.screened(tl, criteria, as_of)
        (got,) = engine.screen([tl], criteria, tables.day(as_of))
        assert verdict(got) == verdict(want), f"{engine.name} disagrees with the reference"
        return want

    def asked(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
        on = tables.day(on_day)
        got = engine.outcomes([tl], [(tl.patient_id, on)], criteria, EVERYTHING_KNOWN)
        return got[(tl.patient_id, on)][name].value

    def outcome(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
        want = tables.outcome(tl, name, on_day, criteria)
        got = asked(tl, name, on_day, criteria)
        assert got == want, f"{engine.name}: {name} on day {on_day}: {got} != {want}"
        return want

    def feature(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
        want = tables.feature(tl, name, on_day, criteria)
        got = asked(tl, name, on_day, criteria)
        assert got == want, f"{engine.name}: feature {name} on day {on_day}: {got} != {want}"
        return want

    return {"screened": screened, "outcome": outcome, "feature": feature}


@pytest.fixture(autouse=True)
def _spec_on_engine(
    engine: Engine, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers = {n: h for n, h in on_engine(engine).items() if hasattr(request.module, n)}
    if not helpers:  # the engine would be asked nothing: a pass that checks nothing
        pytest.fail(f"{request.module.__name__} asks the reference directly: write its checks "
                    "with tables.screened/outcome/feature so that every engine answers them")
    for name, helper in helpers.items():
        monkeypatch.setattr(request.module, name, helper)
