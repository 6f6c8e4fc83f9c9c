"""TA-TMA resolution after defibrotide, component by component, at each boundary.

Source: the study document 000_56e8c5c5802e858b.txt ("normalization of LDH, improvement in
platelet count, and reduction in schistocytes" within 28 days), made operational in
clinical-reference.md A8 [Design]:
- LDH <= ULN on consecutive measurements >= 24 h apart;
- platelets >= 50 x 10^9/L without platelet transfusion for >= 7 days;
- schistocytes absent or < 2/HPF (I9: no published resolution threshold; no % threshold).

Patient: a girl of 8, transplanted 30 days before defibrotide starts on day 0 (2026-01-01).
Before treatment (day 0): LDH 900 U/L (lab ULN 300), platelets 20, schistocytes present.
Rows read `DAY ANALYTE VALUE [high=ULN] [unit=U] [hour=H]`; results at 08:00 unless `hour=`,
transfusions at 09:00.
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.response.tma import TmaOptions, assess_tma

BEFORE = """
0 ldh 900 high=300
0 platelets 20
0 schistocytes present
"""


def components(obs: str, events: str = "", options: TmaOptions | None = None,
               as_of: int = 40) -> dict[str, object]:
    tl = timeline(BEFORE + obs, "0 defibrotide end=20", events, hsct=-30)
    result = assess_tma(tl, day(as_of), options)
    assert result is not None
    return result.to_json()


def first_met(obs: str, name: str, events: str = "", options: TmaOptions | None = None) -> object:
    """The first day (2026-01-DD) a component was met, or None."""
    return components(obs, events, options)["components"][name]  # type: ignore[index]


@pytest.mark.parametrize(("hour", "hours_apart", "expected"), [
    (7, 23, None),        # 23 h after the first normal value: not yet confirmed
    (8, 24, day(6)),      # exactly 24 h: confirmed
    (9, 25, day(6)),      # 25 h: confirmed
])
def test_ldh_normal_twice_at_least_24_hours_apart(hour: int, hours_apart: int,
                                                  expected: object) -> None:
    """LDH 250 on day 5 at 08:00, then 240 on day 6 at 07:00 / 08:00 / 09:00 (ULN 300)."""
    obs = f"5 ldh 250 high=300\n6 ldh 240 high=300 hour={hour}"
    got = first_met(obs, "ldh")
    assert got == (None if expected is None else expected.isoformat())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("value", "expected"), [("300", True), ("301", False)])
def test_ldh_at_the_upper_limit_is_normal(value: str, expected: bool) -> None:
    """<= ULN: 300 U/L with ULN 300 is normal, 301 is not."""
    obs = f"5 ldh {value} high=300\n6 ldh {value} high=300"
    assert (first_met(obs, "ldh") is not None) is expected


@pytest.mark.parametrize(("count", "expected"), [("49", None), ("50", day(10)), ("51", day(10))])
def test_platelets_at_least_50(count: str, expected: object) -> None:
    """Platelets >= 50 x 10^9/L, no transfusion since day 0: 49 is not enough, 50 is."""
    got = first_met(f"10 platelets {count}", "platelets")
    assert got == (None if expected is None else expected.isoformat())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("transfused_on", "days_free", "expected"), [
    (8, 6, None),        # transfused 6 days before the count: not transfusion-free for 7 days
    (7, 7, day(14)),     # 7 days before: transfusion-free for 7 days
    (6, 8, day(14)),     # 8 days before
])
def test_platelets_transfusion_free_for_7_days(transfused_on: int, days_free: int,
                                               expected: object) -> None:
    """Platelets 60 on day 14 (08:00) after a platelet transfusion on day 6, 7 or 8."""
    got = first_met("14 platelets 60", "platelets", f"{transfused_on} platelet_transfusion")
    assert got == (None if expected is None else expected.isoformat())  # type: ignore[attr-defined]


def test_a_transfusion_after_the_count_does_not_spoil_it() -> None:
    """Counted 60 at 08:00, transfused at 09:00 the same day: the count stands."""
    assert first_met("14 platelets 60", "platelets", "14 platelet_transfusion") == \
        day(14).isoformat()


@pytest.mark.parametrize(("value", "unit", "cleared"), [
    ("absent", "", True),
    ("present", "", False),
    ("0", "%", True),
    ("1", "%", False),       # finding 10: any schistocytes in % is not cleared
    ("3", "%", False),       # the IWG 2007 > 4% is a diagnostic cut-off, not a resolution rule
    ("0", "/[HPF]", True),
    ("1", "/[HPF]", True),   # < 2/HPF (A8 [Design])
    ("2", "/[HPF]", False),  # at 2/HPF: not below it
])
def test_schistocytes_cleared_means_absent_or_below_2_per_hpf(value: str, unit: str,
                                                              cleared: bool) -> None:
    obs = f"10 schistocytes {value}" + (f" unit={unit}" if unit else "")
    assert (first_met(obs, "schistocytes") is not None) is cleared


def test_schistocytes_option_absent_refuses_a_low_count() -> None:
    """Option schistocytes = absent: 1/HPF is not cleared; the option is named in the output."""
    strict = TmaOptions(schistocytes="absent")
    doc = components("10 schistocytes 1 unit=/[HPF]", options=strict)
    assert doc["components"]["schistocytes"] is None  # type: ignore[index]
    assert doc["rules"]["options"]["schistocytes"] == "absent"  # type: ignore[index]


def test_default_schistocyte_rule_is_named_and_warned() -> None:
    doc = components("10 schistocytes 1 unit=/[HPF]")
    options = doc["rules"]["options"]  # type: ignore[index]
    assert options["schistocytes"] == "absent-or-below-2-per-hpf"
    assert "I9" in options["schistocytes_rule"]
    assert any("2/HPF" in w for w in doc["warnings"])  # type: ignore[attr-defined]


def test_resolution_evidence_carries_values_and_thresholds() -> None:
    """Finding 19: resolved on day 10; the evidence gives each component's value and rule."""
    obs = """
        5 ldh 280 high=300
        6 ldh 250 high=300
        8 platelets 60
        10 schistocytes absent
        12 ldh 240 high=300
        12 platelets 80
        12 schistocytes absent
    """
    doc = components(obs)
    assert (doc["response"], doc["response_date"]) == ("resolved", day(10).isoformat())
    by_rule = {e["rule"]: e for e in doc["evidence"]}  # type: ignore[attr-defined]
    ldh = by_rule["tma-resolution-000: ldh"]
    assert ldh["value"] == {"value": 250.0, "unit": "U/L"}
    assert "<= ULN 300 U/L (lab range)" in ldh["note"] and "24 h" in ldh["note"]
    platelets = by_rule["tma-resolution-000: platelets"]
    assert platelets["value"]["value"] == 60.0 and ">= 50" in platelets["note"]
    assert "absent" in by_rule["tma-resolution-000: schistocytes"]["note"]


@pytest.mark.parametrize(("count", "expected"), [("29", None), ("30", day(10)), ("31", day(10))])
def test_platelet_rise_option_is_half_again_the_nadir(count: str, expected: object) -> None:
    """Option platelets = rise-50pct-over-nadir: the nadir of the 14 days before treatment is
    20, so 30 (a 50% rise) is enough and 29 is not."""
    rise = TmaOptions(platelet_rule="rise-50pct-over-nadir")
    got = first_met(f"10 platelets {count}", "platelets", options=rise)
    assert got == (None if expected is None else expected.isoformat())  # type: ignore[attr-defined]


RESOLVED_ON = """
    {d} ldh 250 high=300
    {d} platelets 80
    {d} schistocytes absent
    {e} ldh 240 high=300
    {e} platelets 85
    {e} schistocytes absent
"""


@pytest.mark.parametrize(("resolved_on", "expected"), [
    (27, "resolved"), (28, "resolved"), (29, "not-resolved"),
])
def test_resolution_counts_up_to_day_28(resolved_on: int, expected: str) -> None:
    """All components met on day D (LDH normal since the day before) and again on D + 1:
    resolved when D is day 28 or earlier ("within 28 days", windows.py)."""
    d = resolved_on
    obs = f"{d - 1} ldh 260 high=300\n" + RESOLVED_ON.format(d=d, e=d + 1)
    doc = components(obs, as_of=40)
    assert doc["response"] == expected
    assert doc["response_date"] == day(d).isoformat()


@pytest.mark.parametrize(("nadir_day", "expected"), [(-14, day(10)), (-15, None)])
def test_platelet_nadir_looks_back_14_days(nadir_day: int, expected: object) -> None:
    """Option rise-50pct-over-nadir, nadir over the 14 days before treatment (A8 [Design]): a
    count of 10 on day -14 is the nadir (20 on day 10 is a 100% rise); on day -15 it is too
    old, the nadir is day 0's 20, and 20 is no rise."""
    rise = TmaOptions(platelet_rule="rise-50pct-over-nadir")
    got = first_met(f"{nadir_day} platelets 10\n10 platelets 20", "platelets", options=rise)
    assert got == (None if expected is None else expected.isoformat())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("schistocytes", "partial"), [("absent", True), ("present", False)])
def test_partial_response_needs_two_components_on_two_consecutive_days(
    schistocytes: str, partial: bool
) -> None:
    """A8 [Design]: a partial response is >= 2 of the 3 components met on 2 consecutive days (or
    the LDH excess halved). LDH stays 900 (excess 600 over the ULN 300, not halved); platelets
    80 on days 10 and 11; schistocytes absent on both days makes two components, present one."""
    obs = "".join(f"{d} ldh 900 high=300\n{d} platelets 80\n{d} schistocytes {schistocytes}\n"
                  for d in (10, 11))
    doc = components(obs)
    assert (doc["partial_response"], doc["partial_response_date"]) == (
        partial, day(10).isoformat() if partial else None)


def test_a_transfusion_at_the_counts_own_time_spoils_it() -> None:
    """Counted 60 at 08:00 and transfused at 08:00 the same day: the count may already hold the
    transfused platelets, so it is not transfusion-free (A8: no transfusion for >= 7 days)."""
    assert first_met("14 platelets 60", "platelets", "14 platelet_transfusion hour=8") is None


@pytest.mark.parametrize(("ldh", "partial"), [("600", True), ("601", False)])
def test_partial_response_by_the_ldh_excess_halved(ldh: str, partial: bool) -> None:
    """A8 [Design]: partial response also when the LDH excess over the ULN falls by >= 50% from
    the value at treatment start: 900 - 300 = 600 before, so LDH 600 (excess 300) is half,
    601 is not. Platelets stay 20 and schistocytes present (no component met)."""
    doc = components(f"10 ldh {ldh} high=300\n10 platelets 20\n10 schistocytes present")
    assert (doc["partial_response"], doc["partial_response_date"]) == (
        partial, day(10).isoformat() if partial else None)


def test_each_component_dates_from_the_start_of_its_streak() -> None:
    """LDH normal (250, ULN 300) and platelets 80 and schistocytes absent on days 9 to 12: LDH is
    confirmed on day 10 (24 h after day 9), so all three are met on days 10 and 11 and the
    TA-TMA resolved on day 10. Each component is dated from the first day of the unbroken run
    that reaches the resolution day: LDH day 10, platelets and schistocytes day 9."""
    obs = "".join(f"{d} ldh 250 high=300\n{d} platelets 80\n{d} schistocytes absent\n"
                  for d in (9, 10, 11, 12))
    doc = components(obs)
    assert (doc["response"], doc["response_date"]) == ("resolved", day(10).isoformat())
    assert doc["components"] == {"ldh": day(10).isoformat(), "platelets": day(9).isoformat(),
                                 "schistocytes": day(9).isoformat()}


def test_results_on_the_as_of_day_count() -> None:
    """Assessed as of day 40: platelets 80 counted that morning meet the platelet component on
    day 40 (what is known by the end of the as-of day)."""
    assert first_met("40 platelets 80", "platelets") == day(40).isoformat()


def test_all_components_met_on_the_last_day_only_is_not_resolution() -> None:
    """Resolution needs all three met on two consecutive measurement days (A8 [Design]): LDH
    normal on days 10 and 11, platelets 80 and schistocytes absent on day 11 only, the last
    results: every component is met on day 11, but nothing confirms it before day 28."""
    obs = "10 ldh 250 high=300\n11 ldh 240 high=300\n11 platelets 80\n11 schistocytes absent"
    doc = components(obs)
    assert (doc["response"], doc["response_date"]) == ("not-resolved", None)
    assert doc["components"] == {name: day(11).isoformat()
                                 for name in ("ldh", "platelets", "schistocytes")}


@pytest.mark.parametrize(("at_start", "later", "partial"), [
    ("300", "250", False),   # no excess over the ULN at the start: nothing to halve
    ("301", "300", True),    # excess 1 at the start, 0 on day 10: halved
])
def test_partial_response_by_ldh_needs_an_excess_at_the_start(at_start: str, later: str,
                                                              partial: bool) -> None:
    """The LDH excess is taken from the last LDH on or before the start day (here a second one
    at 12:00 on day 0, ULN 300); platelets stay 20 and schistocytes present."""
    obs = (f"0 ldh {at_start} high=300 hour=12\n"
           f"10 ldh {later} high=300\n10 platelets 20\n10 schistocytes present")
    assert components(obs)["partial_response"] is partial


@pytest.mark.parametrize(("first", "partial"), [(28, True), (29, False)])
def test_partial_response_by_components_up_to_day_28(first: int, partial: bool) -> None:
    """Two components (platelets 80, schistocytes absent) met on days D and D + 1, LDH still
    900 on day 10 (measured on treatment, not met): a partial response when D is within the
    28-day window (windows.py), not from day 29."""
    obs = "10 ldh 900 high=300\n" + "".join(
        f"{d} platelets 80\n{d} schistocytes absent\n" for d in (first, first + 1))
    doc = components(obs)
    assert (doc["partial_response"], doc["partial_response_date"]) == (
        partial, day(first).isoformat() if partial else None)


@pytest.mark.parametrize(("on", "partial"), [(28, True), (29, False)])
def test_partial_response_by_ldh_up_to_day_28(on: int, partial: bool) -> None:
    """LDH 600 (excess over the ULN 300 halved from 600) on day 28 is within the window; on day
    29 it is not."""
    doc = components(f"{on} ldh 600 high=300\n{on} platelets 20\n{on} schistocytes present")
    assert doc["partial_response"] is partial


def test_an_ldh_before_the_start_is_not_a_partial_response() -> None:
    """LDH 350 at 06:00 on the start day, before the 900 at 08:00 that the excess is taken from
    (600): it is not after the treatment start, so it cannot halve the excess. Day 10: LDH 900,
    platelets 20, schistocytes present."""
    obs = "0 ldh 350 high=300 hour=6\n10 ldh 900 high=300\n10 platelets 20\n10 schistocytes present"
    assert components(obs)["partial_response"] is False
