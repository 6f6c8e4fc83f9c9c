"""Censored platelet counts in ITP ("<10", ">150"): decided by interval logic (issue 17 finding 22).

A laboratory reports a count below its measuring range as "<10" and above it as ">150". Such a
count is a bound, not a value (interface.md 1.1): it decides a threshold when every count it
allows falls on one side, and leaves it unknown otherwise. Days count from 2026-01-01; platelets
in x10^9/L. Thresholds: IWG 2009 (Rodeghiero et al. Blood 2009;113:2386; clinical-reference.md C2
[S]): CR >= 100; R >= 30 and >= 2 x baseline; NR < 30 or < 2-fold, on 2 occasions >= 1 day apart;
CR/R confirmed >= 7 days apart. practical-002 refractory: persistently < 30 (C3 [Design]).
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.response.itp_patient import assess_itp, classify_itp


def counts(*rows: tuple[int, str]) -> str:
    return "\n".join(f"{n} platelets {v}" for n, v in rows)


def test_counts_below_10_after_prednisone_are_no_response() -> None:
    """Prednisone from day 0 (baseline 8). Counts "<10" on days 3, 5 and 15: every count below 10
    is below 30, so each is an NR occasion (IWG: < 30). Two occasions >= 1 day apart confirm NR;
    it is declared when prednisone's 14-day assessment window closes (day 14, [Design] window of
    thrombo.rules.itp.drugs). Expected on day 20: NR, failed (no-response) on 2026-01-15.
    Before: the censored counts were skipped, and prednisone stayed not evaluable."""
    obs = counts((0, "8"), (3, "<10"), (5, "<10"), (15, "<10"))
    (pred,) = assess_itp(timeline(obs, "0 prednisone end=6"), day(20)).treatments
    assert (pred.response, pred.failure, pred.failure_date) == ("NR", "no-response", day(14))


def test_counts_above_150_are_a_complete_response() -> None:
    """IVIG on day 0 (baseline 20). Counts ">150" on days 3 and 10 (7 days apart): every count
    above 150 is >= 100, so both are CR occasions -> CR from day 3 (time to response 3 days)."""
    obs = counts((0, "20"), (3, ">150"), (10, ">150"))
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(12)).treatments
    assert (ivig.response, ivig.response_date, ivig.days_to_response) == ("CR", day(3), 3)


def test_a_baseline_below_10_makes_40_a_response() -> None:
    """IVIG on day 0 with the baseline reported "<10". Counts 40 (day 3) and 45 (day 10): each is
    >= 30, and >= 2 x any baseline below 10 (< 20) -> R from day 3. Before: no baseline, so R
    could not be judged.

    The JSON gives the baseline as interface.md's `assess --json` does, a number (10, the bound),
    with the censoring marker beside it (`baseline_platelets_comparator`: "<", the comparator of
    interface.md 1.1's censored values), on the patient and on the treatment. Before: the text
    "<10" where interface.md shows a number."""
    obs = counts((0, "<10"), (3, "40"), (10, "45"))
    doc = assess_itp(timeline(obs, "0 ivig"), day(12)).to_json()
    assert (doc["response"], doc["response_date"]) == ("R", day(3).isoformat())
    (treatment,) = doc["treatments"]
    for shown in (doc, treatment):
        assert (shown["baseline_platelets"], shown["baseline_platelets_comparator"]) == (10, "<")


def test_an_exact_baseline_has_no_censoring_marker() -> None:
    """IVIG on day 0, baseline 15 as measured: baseline_platelets 15, comparator null."""
    obs = counts((0, "15"), (3, "40"), (10, "45"))
    doc = assess_itp(timeline(obs, "0 ivig"), day(12)).to_json()
    assert (doc["baseline_platelets"], doc["baseline_platelets_comparator"]) == (15, None)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # >= 100 for every value: CR (IWG CR >= 100).
        (">=100", ">=100", "CR"),
        # ">=30": >= 30 and >= 2 x 10 for every value, but maybe < 100: R.
        (">=30", ">=30", "R"),
        # "<30": below 30 for every value: NR (confirmed 1 day apart; IVIG window 7 days).
        ("<30", "<30", "NR"),
        # "<50" may be above or below 30: it cannot decide R or NR -> not evaluable.
        ("<50", "<50", "not-evaluable"),
        # ">15": maybe >= 30, maybe not -> not evaluable.
        (">15", ">15", "not-evaluable"),
    ],
)
def test_censored_counts_on_each_side_of_the_thresholds(
    first: str, second: str, expected: str
) -> None:
    """IVIG on day 0, baseline 10; two censored counts on days 3 and 10, judged on day 12."""
    obs = counts((0, "10"), (3, first), (10, second))
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(12)).treatments
    assert ivig.response == expected


def test_twofold_rule_with_a_censored_count_is_decided_only_when_the_interval_is() -> None:
    """Baseline 20: R needs >= 40 (2 x 20). A count ">30" may be 35 (< 40) or 90 (>= 40): the
    2-fold rule cannot tell, so R is not confirmed. ">=40" is >= 40 for every value: R."""
    unknown = counts((0, "20"), (3, ">30"), (10, ">30"))
    (ivig,) = assess_itp(timeline(unknown, "0 ivig"), day(12)).treatments
    assert ivig.response == "not-evaluable"
    known = counts((0, "20"), (3, ">=40"), (10, ">=40"))
    (ivig,) = assess_itp(timeline(known, "0 ivig"), day(12)).treatments
    assert ivig.response == "R"


def test_persistently_below_10_after_first_line_is_refractory_practical_002() -> None:
    """Prednisone from day 0. Counts "<10" on days 10, 24 and 38: every count < 30, three counts
    over 28 days, none more than 28 days apart (practical-002 persistence, [Design]) -> refractory
    since day 38. Before: the censored counts were skipped and the answer was unknown."""
    obs = counts((0, "8"), (10, "<10"), (24, "<10"), (38, "<10"))
    itp = classify_itp(timeline(obs, "0 prednisone end=6", diagnosis=0), day(40))
    (practical,) = [a for a in itp.answers if a.definition == "practical-002"]
    assert (practical.refractory, practical.since) == (True, day(38))


def test_a_latest_count_that_cannot_tell_leaves_refractory_unknown() -> None:
    """Same child, but the latest count is "<50" (maybe >= 30): refractory is unknown (None),
    not false, and the evidence shows the count as reported."""
    obs = counts((0, "8"), (10, "<10"), (24, "<50"))
    itp = classify_itp(timeline(obs, "0 prednisone end=6", diagnosis=0), day(30))
    (practical,) = [a for a in itp.answers if a.definition == "practical-002"]
    assert practical.refractory is None
    assert "<50" in practical.evidence[-1].note
