"""Each ITP drug's response-assessment window, written out: the last day a response may begin.

IWG 2009 says only that the timing of assessment depends on the treatment and that late responses
not attributable to it are not CR/R (clinical-reference.md C2, I10 [S]); the windows are the
project's [Design] choices, each reasoned in thrombo/rules/itp/drugs.py from the source named in
the table, and every output that uses them carries WINDOW_WARNING. Days from DAY0 = 2026-01-01;
platelets x10^9/L; IWG CR is >= 100 on 2 occasions >= 7 days apart, NR < 30 on 2 occasions.
"""

from __future__ import annotations

import pytest

from tests.spec.itp.test_iwg_boundaries import _course
from tests.unit.itp.timeline_tables import day, platelets
from thrombo.rules.itp.drugs import ASSESSMENT_WINDOW_DAYS

WINDOWS = [  # drug, window in days, what the window rests on
    ("ivig", 7, "C2 'within days' (unverified): one week covers the rise and its peak"),
    ("anti_d", 7, "Tarantino 2006: > 20 x10^9/L at 24 h in 50-72%"),
    ("prednisone", 14, "Carcao 1998: 22/25 children > 20 within 1 week; course + 1 week"),
    ("methylprednisolone", 14, "as prednisone (corticosteroid course)"),
    ("dexamethasone", 14, "as prednisone (corticosteroid course)"),
    ("rituximab", 56, "C2 'over weeks' (unverified): four weekly doses + four weeks"),
    ("eltrombopag", 56, "D1 label: 25 mg steps every 2 weeks, stop after 4 weeks at 75 mg"),
    ("romiplostim", 91, "D2 label: +1 ug/kg weekly to 10 ug/kg, stop after 4 weeks at 10"),
    ("vincristine", 28, "I3: median response 9 days in adults; weekly x 2-4 doses"),
    ("cyclophosphamide", 56, "D (unverified): IV every 2-4 weeks, two cycles"),
    ("splenectomy", 28, "ICR 2019 (from memory, unverified): response within 1-24 days"),
]
DRUGS = [drug for drug, _, _ in WINDOWS]


def test_every_drug_with_a_window_has_a_row_here() -> None:
    assert set(DRUGS) == set(ASSESSMENT_WINDOW_DAYS)


@pytest.mark.parametrize(("drug", "window", "source"), WINDOWS, ids=DRUGS)
@pytest.mark.parametrize(("offset", "expected"), [(0, "CR"), (1, "not-evaluable")])
def test_a_response_beginning_after_the_window_is_not_the_drugs(
        drug: str, window: int, source: str, offset: int, expected: str) -> None:
    """Baseline 10 on day 0; 150 from day WINDOW + OFFSET, confirmed 7 days later: on the
    window's last day it is the drug's CR, the day after a late rise not attributed to it."""
    rise = window + offset
    obs = platelets((0, 10), (rise, 150), (rise + 7, 150))
    assert _course(drug, obs, rise + 20).response == expected


@pytest.mark.parametrize(("drug", "window", "source"), WINDOWS, ids=DRUGS)
def test_no_response_is_declared_on_the_window_s_last_day(drug: str, window: int,
                                                         source: str) -> None:
    """Counts 10, 11, 12 on days 0-2 (NR confirmed on day 2): not judged the day before the
    window closes, failed (NR, no-response) on its last day, dated that day."""
    obs = platelets((0, 10), (1, 11), (2, 12))
    before, on = _course(drug, obs, window - 1), _course(drug, obs, window)
    assert (before.response, before.failure) == ("not-evaluable", None)
    assert (on.response, on.failure, on.failure_date) == ("NR", "no-response", day(window))
