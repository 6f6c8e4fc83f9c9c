"""Engraftment dates derived from counts: the transplant day, the nadir and the transfusions, at
each boundary (the day before, of and after; the threshold itself).

Source: clinical-reference.md I4 (CIBMTR [S]; ASTCT [S-2nd]): neutrophil engraftment is the first
of 3 consecutive results on different days with ANC >= 0.5 x 10^9/L after the post-transplant
nadir; platelet engraftment the first of 3 consecutive counts >= 20 x 10^9/L with no platelet
transfusion in the 7 days before. Read as in thrombo/rules/engraftment.py ([Design]): counting
starts on the transplant day (day 0); the nadir is the first day with a value below the
threshold, or the first platelet transfusion from day 0; a transfusion on a count's day or the 7
days before it spoils that day. Days from 2026-01-01 = the transplant (day 0); ANC and platelets
in 10^9/L.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.rules.engraftment import Derivation, derive_all
from thrombo.rules.model import EngraftmentRule


def _rows(analyte: str, *pairs: tuple[int, float]) -> str:
    return "\n".join(f"{n} {analyte} {v}" for n, v in pairs)


def neutrophil(obs: str) -> Derivation:
    return derive_all(timeline(obs, hsct=0), EngraftmentRule()).neutrophil


def platelet(obs: str, transfused: int) -> Derivation:
    tl = timeline(obs, events=f"{transfused} platelet_transfusion", hsct=0)
    return derive_all(tl, EngraftmentRule()).platelet


RECOVERY = ((6, 0.8), (7, 0.9), (8, 1.0))


@pytest.mark.parametrize(("low_day", "derived"), [
    (-1, None),      # before the transplant: no nadir after it, so no date is derived
    (0, day(6)),     # the transplant day itself is the nadir: engrafted on day 6
    (1, day(6)),
])
def test_the_nadir_may_fall_on_the_transplant_day(low_day: int, derived: date | None) -> None:
    """ANC 0.1 on LOW_DAY, then 0.8, 0.9, 1.0 on days 6-8."""
    assert neutrophil(_rows("anc", (low_day, 0.1), *RECOVERY)).derived == derived


@pytest.mark.parametrize(("lowest", "derived"), [
    (0.4, day(6)),   # below 0.5: the nadir (day 5), then three results >= 0.5
    (0.5, None),     # 0.5 is not below 0.5: never below, no date derived (I4 [Design])
    (0.6, None),
])
def test_the_nadir_is_below_the_threshold(lowest: float, derived: date | None) -> None:
    """ANC LOWEST on day 5, then 0.8, 0.9, 1.0 on days 6-8."""
    assert neutrophil(_rows("anc", (5, lowest), *RECOVERY)).derived == derived


def test_the_evidence_is_the_first_of_equal_lowest_results_of_the_day() -> None:
    """ANC 0.1 on day 5; on day 6 two results of 0.8 (08:00, record o1; 14:00, record o2):
    the run's first day is shown by its first lowest result."""
    obs = "5 anc 0.1\n6 anc 0.8\n6 anc 0.8 hour=14\n7 anc 0.9\n8 anc 1.0"
    found = neutrophil(obs)
    assert (found.derived, found.first_obs and found.first_obs.id) == (day(6), "o1")


PLATELETS = _rows("platelets", (8, 10), (18, 25), (19, 30), (20, 35))


@pytest.mark.parametrize(("transfused", "derived"), [
    (20, None),       # on the run's third day: that day is spoilt, two counts are not enough
    (21, day(18)),    # the day after the run: engrafted on day 18
])
def test_a_transfusion_on_the_count_s_day_spoils_it(transfused: int, derived: date | None) -> None:
    """Platelets 10 on day 8 (nadir), then 25, 30, 35 on days 18-20; one transfusion."""
    assert platelet(PLATELETS, transfused).derived == derived


NEVER_LOW = _rows("platelets", *((n, 25) for n in range(1, 12)))


@pytest.mark.parametrize(("transfused", "nadir", "derived"), [
    (-1, None, None),       # before the transplant: no nadir, counts never below 20
    (0, day(0), day(8)),    # on the transplant day: the nadir; days 0-7 spoilt, run 8-10
    (1, day(1), day(9)),    # day 1: days 1-8 spoilt, run 9-11
])
def test_a_transfusion_from_the_transplant_day_marks_the_nadir(
        transfused: int, nadir: date | None, derived: date | None) -> None:
    """Platelets 25 on days 1-11 (never below 20); one platelet transfusion on TRANSFUSED: a
    transfused child had a nadir even when no count below 20 was recorded."""
    found = platelet(NEVER_LOW, transfused)
    assert (found.nadir, found.derived) == (nadir, derived)
