"""Titration inputs (thrombo/dosing/titration.py): the plausible platelet count and weeks.

Sources: [Design] platelets above 5000 x 10^9/L are not a plausible result; weeks are zero or
more. Issue 25.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.titration import check_platelets, check_weeks
from thrombo.errors import ImplausibleValueError


@pytest.mark.parametrize(("platelets", "accepted"), [
    (-0.1, False), (0.0, True), (4999.9, True), (5000.0, True), (5000.1, False),
])
def test_platelet_count_0_to_5000(platelets: float, accepted: bool) -> None:
    if accepted:
        assert check_platelets(platelets) == platelets
    else:
        with pytest.raises(ImplausibleValueError):
            check_platelets(platelets)


@pytest.mark.parametrize(("weeks", "accepted"), [(-0.01, False), (0.0, True), (0.01, True)])
def test_weeks_zero_or_more(weeks: float, accepted: bool) -> None:
    if accepted:
        assert check_weeks(weeks, "weeks") == weeks
    else:
        with pytest.raises(ImplausibleValueError):
            check_weeks(weeks, "weeks")
