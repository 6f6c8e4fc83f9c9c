"""Severe ITP: the treatment a bleed prompted starts on the day of the bleed, not the day before.

Days from DAY0 = 2026-01-01, diagnosis on day 0. Source: IWG 2009 severe ITP ("new bleeding
needing extra intervention with a different platelet-raising agent"; clinical-reference.md C1
[S]), read by the project as an ITP agent started on the day of the bleed or up to 3 days later
([Design], thrombo/rules/itp/severity.py and the output's `rules.options`).
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import timeline
from thrombo.rules.itp.severity import classify_severity


@pytest.mark.parametrize(("treated_day", "severe"), [
    (49, False),   # the day before the bleed: given before it, so not prompted by it
    (50, True),    # the day of the bleed
    (51, True),    # the day after
])
def test_treatment_prompted_by_a_bleed_starts_on_its_day(treated_day: int, severe: bool) -> None:
    """Grade-3 (mucosal, Buchanan & Adix C5) bleed on day 50, long after presentation; IVIG
    first started on TREATED_DAY, a different agent from any running."""
    tl = timeline("", f"{treated_day} ivig", "50 bleeding grade=3", diagnosis=0)
    assert classify_severity(tl).severe is severe
