"""`screen` keeps the cycle collector away from the existing heap while it runs, and leaves a
heap frozen by someone else (the service's status cache) frozen."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, time, timedelta

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen

DAY0 = date(2024, 3, 1)


def _timeline() -> PatientTimeline:
    who = Patient("P", date(2016, 1, 1), "F", hsct_date=DAY0)
    obs = [Observation(f"o{d}", "P", "platelets",
                       datetime.combine(DAY0 + timedelta(days=d), time(8), tzinfo=UTC),
                       quantity=Quantity(40.0, "10*9/L")) for d in range(1, 6)]
    return PatientTimeline.build(who, obs)


def test_a_heap_frozen_before_the_screen_stays_frozen() -> None:
    # An earlier test may have warmed (and so frozen) the service's cache: then it is that heap.
    ours = gc.get_freeze_count() == 0
    cache = [{"row": i} for i in range(1000)]  # what the service freezes after its warm-up
    if ours:
        gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        result = screen([_timeline()], criteria_set(), DAY0 + timedelta(days=10))
        assert len(result.patients) == 1
        assert gc.get_freeze_count() == frozen > 0
    finally:
        if ours:
            gc.unfreeze()
    del cache


def test_a_screen_leaves_nothing_frozen_when_nothing_was() -> None:
    was = gc.get_freeze_count()
    gc.unfreeze()  # as in a fresh process (an earlier test may have frozen the heap)
    try:
        screen([_timeline()], criteria_set(), DAY0 + timedelta(days=10))
        assert gc.get_freeze_count() == 0
    finally:
        if was:
            gc.freeze()
