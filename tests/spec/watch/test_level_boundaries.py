"""Watch-list levels at the transplant day, and the order of the list at each level's edge.

Rules (thrombo/rules/watch/watch.py, interface.md `watch --json` made precise): each signal is
decided on each calendar day from the transplant to as-of; a level's `since` is the first day of
the unbroken run at that level up to as-of; review by since + 7 days for a watch ([Design],
options.py). sC5b-9 >= the assay ULN (A1) raises `sc5b9_rising`, and a signal stays current for
the 7 days ending on each day ([Design]).
The list shows alerts first, then watches, then patients without a signal, then the patients
the default set diagnosed; within a level the earliest `since` first, then by patient id (issue
24: the patients to review first come first).
Patients: girls, 9 years, transplant day 0 = 2026-01-01; sC5b-9 300 ng/mL is above the ULN 244.
"""

from __future__ import annotations

import pytest

from tests.spec.screening.tables import one_analyte
from tests.spec.screening.test_harmonized_vignettes import CLEAR_TA_TMA
from thrombo.rules.watch import watch_list

from .tables import day, patient, timeline, watched


def _sc5b9_on(on_day: int) -> str:
    return one_analyte("sc5b9", "ng/mL", {on_day: "300"}, ref_high="244")


# (day of the sC5b-9, as-of day, level, since, review by). Measured on the transplant day, the
# signal is current from day 0 (its since is day 0, even when asked on day 0 itself); measured
# the day before the transplant, it is current from day 0 too, as no day before the transplant
# is decided.
TRANSPLANT_DAY = [
    (0, 0, "watch", 0, 7),
    (0, 2, "watch", 0, 7),
    (-1, 2, "watch", 0, 7),
    (1, 2, "watch", 1, 8),
]


@pytest.mark.parametrize(("measured", "as_of", "level", "since", "review_by"), TRANSPLANT_DAY)
def test_a_signal_on_the_transplant_day_counts_from_day_0(
    measured: int, as_of: int, level: str, since: int, review_by: int
) -> None:
    tl = timeline(_sc5b9_on(measured))
    result = watched(tl, as_of=as_of)
    assert (result.level, result.since, result.review_by) == (level, day(since), day(review_by))
    assert [(s.signal, s.since) for s in result.signals] == [("sc5b9_rising", day(since))]


TWO_SIGNALS = """
    day | analyte | value | unit  | ref_high
    40  | ldh     | 250   | U/L   | 320
    48  | ldh     | 500   | U/L   | 320
    48  | sc5b9   | 300   | ng/mL | 244
"""
# As of day +50: (patient, results, level, since). P4: LDH 250 -> 500 (ULN 320, >= 1.25 x 250)
# and sC5b-9 on day +48, two signals; P3 and P2: sC5b-9 on day +45 and on day +50; P1: nothing;
# P0: the harmonized vignette, diagnosed on day +42 (A1). Sorting by `since` alone would put
# P3's watch (day +45) before P4's alert (day +48), and P1 (no signal; as-of day +50) before P2's
# watch that began on day +50.
LIST = [
    ("P4", TWO_SIGNALS, "alert", 48),
    ("P3", _sc5b9_on(45), "watch", 45),
    ("P2", _sc5b9_on(50), "watch", 50),
    ("P1", "", "none", None),
    ("P0", CLEAR_TA_TMA, None, None),
]


def test_alerts_then_watches_then_no_signal_then_diagnosed() -> None:
    timelines = [timeline(labs, who=patient(pid)) for pid, labs, _, _ in reversed(LIST)]
    found = watch_list(timelines, day(50))
    assert [(p.patient_id, p.level, p.since) for p in found.patients] == [
        (pid, level, None if since is None else day(since)) for pid, _, level, since in LIST]
