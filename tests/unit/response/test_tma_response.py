"""TA-TMA resolution by day 28 (000_56e8c5c5802e858b.txt) with the A8 operational components
(clinical-reference.md A8 [Design]): LDH <= ULN twice >= 24 h apart; platelets >= 50 with no
transfusion in the 7 days before (or a 50% rise over the nadir); schistocytes absent or < 2/HPF.
"""

from __future__ import annotations

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.response.tma import TmaOptions, assess_tma

PRE = "0 ldh 900 high=300\n0 platelets 20\n0 schistocytes 5\n"
RESOLVING = PRE + (
    "5 ldh 280 high=300\n6 ldh 250 high=300\n8 platelets 60\n10 schistocytes absent\n"
    "12 ldh 240 high=300\n12 platelets 80\n12 schistocytes absent\n")


def tma(obs: str, events: str = "", as_of: int = 40, **kw: int) -> dict[str, object]:
    tl = timeline(obs, "0 defibrotide end=20", events, hsct=-30, **kw)
    result = assess_tma(tl, day(as_of))
    assert result is not None
    return result.to_json()


def test_resolution_dated_when_all_components_met_and_confirmed() -> None:
    """LDH normal on day 5 and 6 (met from day 6), platelets 60 on day 8, schistocytes absent on
    day 10 -> all met on day 10, still met on day 12: resolved on day 10 (10 days)."""
    doc = tma(RESOLVING)
    assert (doc["response"], doc["response_date"], doc["days_to_response"]) == (
        "resolved", day(10).isoformat(), 10)
    assert doc["components"] == {"ldh": day(6).isoformat(), "platelets": day(8).isoformat(),
                                 "schistocytes": day(10).isoformat()}
    assert doc["rules"]["options"]["platelets"] == "absolute-50-transfusion-free-7d"


def test_unconfirmed_resolution_is_not_a_resolution() -> None:
    obs = PRE + "5 ldh 280 high=300\n6 ldh 250 high=300\n8 platelets 60\n10 schistocytes absent\n" \
                "12 ldh 400 high=300"
    doc = tma(obs)
    assert (doc["response"], doc["response_date"]) == ("not-resolved", None)


def test_platelets_within_7_days_of_a_transfusion_do_not_count() -> None:
    """Transfusion day 7: the counts of day 8 and 12 follow it within 7 days, so never met."""
    doc = tma(RESOLVING, "7 platelet_transfusion")
    assert (doc["response"], doc["components"]["platelets"]) == ("not-resolved", None)
    assert tma(RESOLVING, "-10 platelet_transfusion")["response"] == "resolved"


def test_platelet_rise_over_nadir_option() -> None:
    """Nadir 20: a 50% rise is 30, so 35 on day 8 meets the rise rule but not the >= 50 rule."""
    obs = RESOLVING.replace("8 platelets 60", "8 platelets 35").replace("12 platelets 80",
                                                                        "12 platelets 36")
    tl = timeline(obs, "0 defibrotide", hsct=-30)
    absolute = assess_tma(tl, day(40))
    rise = assess_tma(tl, day(40), TmaOptions(platelet_rule="rise-50pct-over-nadir"))
    assert absolute is not None and rise is not None
    assert (absolute.response, rise.response, rise.response_date) == (
        "not-resolved", "resolved", day(10))


def test_death_before_day_28_counts_as_not_resolved() -> None:
    doc = tma(RESOLVING, death=20)
    assert doc["response"] == "not-resolved"


def test_follow_up_short_of_day_28_is_not_evaluable_unless_resolved() -> None:
    assert tma(PRE + "5 ldh 800 high=300", as_of=15)["response"] == "not-evaluable"
    assert tma(RESOLVING, as_of=15)["response"] == "resolved"


def test_resolution_after_day_28_is_not_resolved_but_dated() -> None:
    obs = PRE + "30 ldh 280 high=300\n31 ldh 250 high=300\n31 platelets 60\n" \
                "31 schistocytes 0\n33 ldh 200 high=300\n33 platelets 70\n33 schistocytes 0"
    doc = tma(obs)
    assert (doc["response"], doc["response_date"]) == ("not-resolved", day(31).isoformat())


def test_schistocyte_percent_clears_only_when_absent() -> None:
    """Finding 10 (issue 17): the IWG 2007 > 4% is a diagnostic cut-off, not a resolution rule;
    the clinical reference gives no % threshold for clearing (I9), so 3% is not cleared."""
    obs = RESOLVING.replace("10 schistocytes absent", "10 schistocytes 3 unit=%").replace(
        "12 schistocytes absent", "12 schistocytes 3 unit=%")
    assert tma(obs)["response"] == "not-resolved"


def test_missing_component_is_not_evaluable() -> None:
    obs = "0 ldh 900 high=300\n0 platelets 20\n5 ldh 280 high=300\n6 ldh 250 high=300\n" \
          "8 platelets 60"
    assert tma(obs)["response"] == "not-evaluable"


def test_hematologic_response_needs_ldh_normal_and_no_transfusion_for_7_days() -> None:
    assert tma(RESOLVING)["hematologic_response"] is True
    assert tma(RESOLVING, "6 rbc_transfusion")["hematologic_response"] is False


def test_renal_recovery_against_the_pre_hsct_egfr() -> None:
    """Height 130 cm; pre-HSCT creatinine 0.5 -> bedside Schwartz 0.413 x 130 / 0.5 = 107.4.
    At start 1.0 (53.7, < 75%) with UPCR 1.2: injured. Day 14: 0.65 (82.6 >= 80.5) and UPCR
    0.3 < 0.5: recovered. Day 14 creatinine 0.75 (71.6 < 80.5): not recovered."""
    base = RESOLVING + "-40 height 130\n-40 creatinine 0.5\n0 creatinine 1.0\n0 upcr 1.2\n"
    assert tma(base + "14 creatinine 0.65\n14 upcr 0.3")["renal_recovery"] is True
    assert tma(base + "14 creatinine 0.75\n14 upcr 0.3")["renal_recovery"] is False
    assert tma(RESOLVING)["renal_recovery"] is None


def test_neurological_recovery_from_graded_events() -> None:
    assert tma(RESOLVING, "-1 neurological_event grade=3\n15 neurological_event grade=1")[
        "neurological_recovery"] is True
    assert tma(RESOLVING, "-1 neurological_event grade=3")["neurological_recovery"] is False
    assert tma(RESOLVING)["neurological_recovery"] is None


def test_untreated_or_non_transplant_patient_is_not_assessed() -> None:
    assert assess_tma(timeline(RESOLVING, "0 defibrotide"), day(40)) is None
    assert assess_tma(timeline(RESOLVING, "", hsct=-30), day(40)) is None


def test_partial_response_by_ldh_excess_halving() -> None:
    """A8 [Design]: LDH 900 with ULN 300 (excess 600) at start; 550 on day 7 is an excess of 250,
    down more than 50%: partial response on day 7, while platelets and schistocytes stay abnormal
    (not resolved)."""
    obs = PRE + "7 ldh 550 high=300\n8 platelets 22\n9 schistocytes 5\n12 ldh 560 high=300\n"
    doc = tma(obs)
    assert doc["response"] == "not-resolved"
    assert (doc["partial_response"], doc["partial_response_date"]) == (True, day(7).isoformat())


def test_partial_response_by_two_components_on_consecutive_days() -> None:
    """LDH normal (days 5-6) and schistocytes absent (day 10) while platelets stay at 25: two of
    three components met on days 10 and 12 -> partial on day 10 (LDH 290 on day 5 is already an
    excess fall, so the earlier LDH date wins: day 5)."""
    obs = PRE + ("5 ldh 290 high=300\n6 ldh 250 high=300\n8 platelets 25\n"
                 "10 schistocytes absent\n12 ldh 240 high=300\n12 platelets 25\n"
                 "12 schistocytes absent\n")
    doc = tma(obs)
    assert doc["response"] == "not-resolved"
    assert (doc["partial_response"], doc["partial_response_date"]) == (True, day(5).isoformat())


def test_no_partial_response_when_nothing_improves() -> None:
    obs = PRE + "7 ldh 880 high=300\n8 platelets 22\n9 schistocytes 5\n20 ldh 870 high=300\n"
    doc = tma(obs)
    assert (doc["response"], doc["partial_response"], doc["partial_response_date"]) == (
        "not-resolved", False, None)


def test_resolution_is_also_a_partial_response() -> None:
    doc = tma(RESOLVING)
    assert doc["partial_response"] is True
    assert doc["partial_response_date"] <= doc["response_date"]  # type: ignore[operator]
