"""Defibrotide holds (thrombo/dosing/defibrotide_holds.py) at, below and above each edge.

Sources (clinical-reference.md B1, I1):
- B1 [S] "before each dose confirm no clinically significant bleeding"; B1 [Design] "block if an
  active bleeding event of CTCAE grade >= 3 is open" -> grade 3 or more blocks, grades 1-2 warn
  (confirm the bleeding is not significant), grade 0 or none says nothing.
- B1 [S] "stop at least 2 h before an invasive procedure" -> a procedure due now (0 h) or within
  2 h blocks the dose; at 2 h or more, or one already past (the restart is a clinical judgement
  once the bleeding risk has resolved), this rule says nothing.
- I1 [S] EU SmPC 4.4 washout after the last dose: an order's stop time at the moment checked is
  "stopped" (the washout runs from it), a minute later still; a stop time ahead is "to stop".
Issue 25 (a boundary test for each clinical number).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from thrombo.dosing.defibrotide_holds import ActiveOrder, HoldAction, assess_defibrotide_holds

# (open bleeding grades, the action, source)
BLEEDING = [
    ([], None, "no open bleeding event"),
    ([0], None, "grade 0 is no bleeding"),
    ([1], HoldAction.WARN, "B1 [S]: confirm no clinically significant bleeding"),
    ([2], HoldAction.WARN, "B1 [S]: confirm no clinically significant bleeding"),
    ([3], HoldAction.BLOCK, "B1 [Design]: grade >= 3 blocks"),
]


@pytest.mark.parametrize(("grades", "action", "source"), BLEEDING)
def test_open_bleeding_grade_warns_from_1_and_blocks_from_3(
    grades: list[int], action: HoldAction | None, source: str
) -> None:
    findings = assess_defibrotide_holds(open_bleeding_grades=grades).findings
    assert [f.action for f in findings] == ([action] if action else []), source


# (hours until the invasive procedure, blocked, source)
PROCEDURE = [
    (-0.5, False, "the procedure is past: restarting is judged once bleeding risk resolves"),
    (0.0, True, "B1 [S]: due now, so not stopped 2 h before"),
    (0.5, True, "B1 [S]: within 2 h"),
    (1.99, True, "B1 [S]: within 2 h"),
    (2.0, False, "B1 [S]: at least 2 h before"),
    (2.5, False, "B1 [S]: at least 2 h before"),
]


@pytest.mark.parametrize(("hours", "blocked", "source"), PROCEDURE)
def test_invasive_procedure_blocks_from_now_to_under_2_hours(
    hours: float, blocked: bool, source: str
) -> None:
    result = assess_defibrotide_holds(hours_until_invasive_procedure=hours)
    assert result.blocked is blocked, source
    assert [f.rule for f in result.findings] == (["invasive-procedure"] if blocked else [])


STOP = datetime(2026, 2, 14, 8, 0, tzinfo=UTC)

# (check time relative to the enoxaparin stop, what the reason says): I1 [S] SmPC 4.4 24 h.
STOP_WORDING = [
    (timedelta(minutes=-1), "running, to stop 2026-02-14T08:00:00+00:00"),
    (timedelta(0), "stopped 2026-02-14T08:00:00+00:00"),
    (timedelta(minutes=1), "stopped 2026-02-14T08:00:00+00:00"),
]


@pytest.mark.parametrize(("offset", "said"), STOP_WORDING)
def test_an_order_is_stopped_from_its_stop_time(offset: timedelta, said: str) -> None:
    """Enoxaparin stopping at 08:00: held until 08:00 the next day (24 h) either way."""
    result = assess_defibrotide_holds([ActiveOrder("enoxaparin", stopped=STOP)], at=STOP + offset)
    (finding,) = result.findings
    assert finding.until == STOP + timedelta(hours=24)
    assert f"enoxaparin (low-molecular-weight heparin, intent not recorded) {said}:" in (
        finding.reason
    )
