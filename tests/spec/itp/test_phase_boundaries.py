"""ITP phase and months since diagnosis: each limit at its value, just below and just above.

Sources: IWG 2009 phases (clinical-reference.md C1 [S]: newly diagnosed within 3 months,
persistent 3-12 months, chronic > 12 months) read as day cut-offs (C1 "Implementation"
[Design]: < 91 d, 91-365 d, > 365 d, kept as configuration); romiplostim's paediatric approval
needs ITP of >= 6 months (D2 [S]), counted in whole calendar months.
"""

from __future__ import annotations

from datetime import date

import pytest

from thrombo.errors import ImplausibleValueError
from thrombo.rules.itp.phase import PhaseCutoffs, completed_months, phase_for_days, phase_on

DIAGNOSIS = date(2026, 1, 15)


@pytest.mark.parametrize(("on", "phase"), [
    (date(2026, 1, 14), None),                 # the day before the diagnosis: no phase yet
    (date(2026, 1, 15), "newly-diagnosed"),    # the diagnosis day itself is day 0
    (date(2026, 1, 16), "newly-diagnosed"),
])
def test_phase_starts_on_the_diagnosis_day(on: date, phase: str | None) -> None:
    """C1: the newly diagnosed phase runs from the day of diagnosis (day 0)."""
    assert phase_on(DIAGNOSIS, on) == phase


def test_a_day_before_the_diagnosis_is_refused() -> None:
    """Day -1 has no phase; day 0 is newly diagnosed (C1)."""
    with pytest.raises(ImplausibleValueError):
        phase_for_days(-1)
    assert phase_for_days(0) == "newly-diagnosed"


@pytest.mark.parametrize(("persistent_from", "chronic_after", "accepted"), [
    (0, 365, False),    # a persistent phase from day 0 leaves no newly diagnosed phase
    (1, 365, True),     # the smallest cut-off that keeps day 0 newly diagnosed
    (100, 99, False),   # persistent after chronic: refused
    (100, 100, True),   # a persistent phase of one day (day 100) is still ordered
    (100, 101, True),
])
def test_configured_cut_offs_must_keep_the_phases_in_order(
        persistent_from: int, chronic_after: int, accepted: bool) -> None:
    """C1 [Design]: the day cut-offs are configuration, checked as 0 < persistent <= chronic."""
    if accepted:
        cutoffs = PhaseCutoffs(persistent_from, chronic_after)
        assert phase_for_days(persistent_from, cutoffs) == "persistent"
    else:
        with pytest.raises(ImplausibleValueError):
            PhaseCutoffs(persistent_from, chronic_after)


@pytest.mark.parametrize(("on", "months"), [
    (date(2026, 7, 14), 5),    # day number 14 < 15: the sixth month is not complete
    (date(2026, 7, 15), 6),    # the same day number six months later: 6 (D2: ITP >= 6 months)
    (date(2026, 7, 16), 6),
    (date(2027, 1, 14), 11),   # across the year's end: 12 months less one day
    (date(2027, 1, 15), 12),
    (date(2027, 7, 15), 18),
])
def test_completed_calendar_months(on: date, months: int) -> None:
    """Whole calendar months since the diagnosis on 2026-01-15, counted by hand."""
    assert completed_months(DIAGNOSIS, on) == months


@pytest.mark.parametrize(("start", "on", "months"), [
    (date(2025, 11, 20), date(2026, 5, 19), 5),   # across the year's end, a day short
    (date(2025, 11, 20), date(2026, 5, 20), 6),
])
def test_completed_months_across_a_new_year(start: date, on: date, months: int) -> None:
    """Diagnosed in November, assessed for romiplostim (ITP >= 6 months, D2) in May."""
    assert completed_months(start, on) == months
