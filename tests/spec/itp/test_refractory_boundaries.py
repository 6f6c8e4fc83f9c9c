"""Refractory ITP: the first day each definition looks at, the day before, of and after.

Days from DAY0 = 2026-01-01, diagnosis on day 0, platelets x10^9/L. Sources: the practical-002
project definition of 002_135c7129447af5c0.txt ("platelet levels consistently below 30x10^9/L"
despite first-line therapy; clinical-reference.md C3 [Design]) with the [Design] lag of 7 days
after the first first-line dose (thrombo/rules/itp/refractory.py, `rules.options`); IWG 2009
refractory ITP (C1 [S-2nd]): splenectomy failed AND severe ITP or therapy needed after it.
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.response.itp_patient import classify_itp
from thrombo.rules.itp.refractory import TherapyOutcome, iwg_2009


@pytest.mark.parametrize(("count_day", "expected"), [
    (6, None),    # within the 7-day lag: no count to judge yet -> unknown
    (7, False),   # day 7 is the first day judged: 40 >= 30, not refractory
    (8, False),
])
def test_practical_judges_the_latest_count_from_day_7_of_first_line(
        count_day: int, expected: bool | None) -> None:
    """Prednisone days 0-4, one count of 40 on COUNT_DAY, classified on day 60 (C3 [Design])."""
    tl = timeline(platelets((count_day, 40)), "0 prednisone end=4", diagnosis=0)
    assert classify_itp(tl, day(60)).default.refractory is expected


@pytest.mark.parametrize(("therapy_day", "refractory", "since"), [
    (99, False, None),       # started before the splenectomy: not therapy needed after it
    (100, False, None),      # started the day of the splenectomy: not after it either
    (101, True, day(128)),   # the day after: refractory once the splenectomy failed (day 128)
])
def test_iwg_therapy_after_splenectomy_starts_the_day_after(
        therapy_day: int, refractory: bool, since: object) -> None:
    """Splenectomy day 100, no response (failure on day 128), not severe; romiplostim started
    on THERAPY_DAY. IWG 2009 (C1 [S-2nd]): refractory needs therapy *after* a failed
    splenectomy, and holds from the later of the failure and that therapy."""
    tl = timeline(diagnosis=0, splenectomy=100)
    outcomes = (
        TherapyOutcome("splenectomy", "splenectomy", day(100), "NR", "no-response", day(128)),
        TherapyOutcome("romiplostim", "tpo-ra", day(therapy_day), "not-evaluable"),
    )
    answer = iwg_2009(tl, outcomes, severe=False)
    assert (answer.refractory, answer.since) == (refractory, since)
