"""The IWG 2-fold rule with censored counts, at twice the baseline, just below and just above.

A censored result is a bound, not a value (interface.md 1.1; issue 17 finding 22): a count is at
least twice the baseline when it is for every value both allow, not when it is for none, and
unknown otherwise. A platelet count is never below 0. Source of the rule: IWG 2009 Table 2
(Rodeghiero et al. Blood 2009;113:2386; clinical-reference.md C2 [S]): R is >= 30 x10^9/L AND
>= 2-fold the baseline; NR is < 30 or < 2-fold, on 2 occasions >= 1 day apart. IVIG's
assessment window is 7 days ([Design], thrombo.rules.itp.drugs).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.domain.quantities import parse_censored
from thrombo.response.itp_patient import assess_itp
from thrombo.rules.itp.counts import PlateletCount


@pytest.mark.parametrize(("count", "expected"), [
    ("39", "NR"),               # below 40, so below twice any baseline of 20 or more
    ("40", "not-evaluable"),    # twice a baseline of exactly 20, not of 25: cannot tell
    ("41", "not-evaluable"),    # twice 20.5 at most: cannot tell either
])
def test_twice_a_baseline_reported_as_at_least_20(count: str, expected: str) -> None:
    """IVIG on day 0, baseline '>=20' (day 0); COUNT on days 3 and 10, judged on day 12."""
    obs = f"0 platelets >=20\n3 platelets {count}\n10 platelets {count}"
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(12)).treatments
    assert ivig.response == expected


def _count(text: str) -> PlateletCount:
    comparator, number = parse_censored(text)
    return PlateletCount("o", datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1),
                         float(number), comparator)


@pytest.mark.parametrize(("count", "baseline", "expected"), [
    ("<10", "0", True),    # every count 0-10 is >= 2 x 0: a count is never below 0
    ("1", "<10", None),    # the baseline may be 0.5 (1 >= 2 x 0.5) or 5 (1 < 10): unknown
    ("19", "<10", None),   # the baseline may be 9.9 (19 < 19.8) or 5 (19 >= 10): unknown
    ("20", "<10", True),   # a baseline below 10 doubled is below 20: 20 is enough
])
def test_two_fold_rule_reads_a_count_as_never_below_zero(count: str, baseline: str,
                                                         expected: bool | None) -> None:
    """The lower end of a '<' count is 0 (interface.md 1.1): the interval logic of the IWG
    2-fold rule (C2) at a baseline of 0, with a count below 2, and at twice a '<10' baseline's
    bound."""
    assert _count(count).at_least_times(2, _count(baseline)) is expected
