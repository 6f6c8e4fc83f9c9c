"""Clinical safety review findings on ITP response semantics (issue 17, findings 13-18 and 20).

Each test is a hand-built child: inputs (days from DAY0 = 2026-01-01, platelets x10^9/L), the
expected answer worked by hand, and its source. Sources: IWG 2009 (Rodeghiero et al. Blood
2009;113:2386; clinical-reference.md C1, C2, I10 [S]); the seed 002_135c7129447af5c0.txt
(monthly dexamethasone pulses 0.6 mg/kg; practical-002 refractory definition, C3 [Design]);
project choices marked [Design] in the code, each named in the output's `rules.options`.
"""

from __future__ import annotations

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.response.itp_patient import assess_itp, classify_itp
from thrombo.rules.itp.severity import classify_severity


def iso(n: int) -> str:
    return day(n).isoformat()


# --- 13. Loss of CR is < 100 (or bleeding); the 2-fold rule is R's -----------------------------

def test_13_a_stable_cr_at_108_to_112_is_not_a_failure() -> None:
    """Baseline 60 on the day IVIG starts. Counts 110 (day 3), 112 (day 10): CR (>= 100, 7 days
    apart). Then 108, 109, 111, 112 over two months: every count >= 100, so CR is kept, although
    each is below 2 x 60 = 120. IWG 2009: loss of CR is < 100 or bleeding; "< 2-fold baseline"
    defines loss of R only. Expected: CR, not lost, no failure."""
    obs = platelets((0, 60), (3, 110), (10, 112), (20, 108), (21, 109), (40, 111), (60, 112))
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(70)).treatments
    assert (ivig.response, ivig.failure) == ("CR", None)
    assert (ivig.lost_response_date, ivig.lost_complete_response_date) == (None, None)


def test_13_loss_of_cr_below_100_is_a_loss_of_response_when_r_does_not_hold() -> None:
    """Same child: 95 and 90 on days 20-21 (< 100: CR lost; < 2 x 60: not R either) -> response
    lost on day 20, failure "lost-response"."""
    obs = platelets((0, 60), (3, 110), (10, 112), (20, 95), (21, 90))
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(30)).treatments
    assert (ivig.lost_complete_response_date, ivig.lost_response_date) == (day(20), day(20))
    assert (ivig.failure, ivig.failure_date) == ("lost-response", day(20))


# --- 14. Response attribution: assessment windows -----------------------------------------------

def test_14_rituximab_is_not_failed_two_days_after_its_start() -> None:
    """Rituximab weekly x 4 from day 0 (baseline 8). Counts 9 (day 1) and 10 (day 2): below 30,
    the NR pattern on two days. Rituximab takes weeks (C2); its window is 56 days [Design]. On day
    2 it is not evaluable, not failed, and the evidence says when the window closes."""
    obs = platelets((0, 8), (1, 9), (2, 10))
    (ritux,) = assess_itp(timeline(obs, "0 rituximab end=21"), day(2)).treatments
    assert (ritux.response, ritux.failure) == ("not-evaluable", None)
    assert ritux.course.assessment_until == day(56)
    assert any("assessment window closes on 2026-02-26" in e.note for e in ritux.evidence)


def test_14_rituximab_response_in_week_five_is_its_response() -> None:
    """Same child: counts stay < 30 for four weeks, then 60 (day 35) and 80 (day 42): R (>= 30 and
    >= 2 x 8) beginning within the 56-day window -> rituximab's R, 35 days to response."""
    obs = platelets((0, 8), (1, 9), (2, 10), (14, 12), (28, 11), (35, 60), (42, 80))
    (ritux,) = assess_itp(timeline(obs, "0 rituximab end=21"), day(60)).treatments
    assert (ritux.response, ritux.response_date, ritux.days_to_response) == ("R", day(35), 35)


def test_14_a_late_rise_does_not_overturn_a_confirmed_nr() -> None:
    """IVIG day 0 (window 7 days [Design]: "within days", C2). 10, 12 on days 2-3, 11 on day 6:
    NR, established when the window closes (day 7). A rise to 150 on days 30 and 37, with no new
    treatment, is outside the window: not IVIG's response (IWG 2009: late responses are not CR/R),
    so IVIG stays NR and the evidence names the late rise."""
    obs = platelets((0, 9), (2, 10), (3, 12), (6, 11), (30, 150), (37, 150))
    (ivig,) = assess_itp(timeline(obs, "0 ivig"), day(60)).treatments
    assert (ivig.response, ivig.failure, ivig.failure_date) == ("NR", "no-response", day(7))
    assert any(e.note.startswith("late rise after the 7-day assessment window")
               for e in ivig.evidence)


def test_14_a_treatment_switched_before_its_window_closes_is_not_failed() -> None:
    """Eltrombopag from day 0 (window 56 days, from the label's titration and stop rule, D1);
    counts 10-12; romiplostim replaces it on day 20. Eltrombopag is judged to day 19 only, before
    its window closes: not evaluable, not failed."""
    obs = platelets((0, 10), (7, 11), (14, 12), (21, 12))
    elt, _ = assess_itp(timeline(obs, "0 eltrombopag end=19\n20 romiplostim"), day(30)).treatments
    assert (elt.response, elt.failure) == ("not-evaluable", None)


# --- 15. Time to response runs to the first R or CR --------------------------------------------

def test_15_time_to_response_is_to_the_first_r_not_to_cr() -> None:
    """Baseline 10, rituximab day 0: 40 (day 7), 50 (day 14) = R from day 7; 120 (day 21) and
    130 (day 28) = CR from day 21. IWG 2009: time to response = start to first CR or R -> 7 days;
    the response is CR (best), dated from day 7, CR reached on day 21."""
    obs = platelets((0, 10), (7, 40), (14, 50), (21, 120), (28, 130))
    (ritux,) = assess_itp(timeline(obs, "0 rituximab"), day(40)).treatments
    assert (ritux.response, ritux.days_to_response) == ("CR", 7)
    assert (ritux.response_date, ritux.complete_response_date) == (day(7), day(21))
    doc = ritux.to_json()
    assert (doc["response_date"], doc["complete_response_date"]) == (iso(7), iso(21))


# --- 16. Severe ITP: bleeding that mandates treatment -----------------------------------------

def test_16_grade_1_petechiae_treated_with_ivig_is_not_severe() -> None:
    """Diagnosis day 0; petechiae (Buchanan & Adix grade 1, skin only) on day 0; IVIG on day 1.
    Skin-only bleeding does not mandate treatment (observation suits it, ASH 2019 / ICR 2019):
    not severe ITP."""
    tl = timeline("", "1 ivig", "0 bleeding grade=1", diagnosis=0)
    severity = classify_severity(tl)
    assert severity.severe is False
    assert "skin-only bleeding does not mandate treatment" in severity.evidence[0].note


def test_16_mucosal_bleeding_treated_at_presentation_is_severe() -> None:
    """Epistaxis (grade 3, mucosal) on day 0, IVIG day 1 -> severe ITP since day 0."""
    severity = classify_severity(timeline("", "1 ivig", "0 bleeding grade=3", diagnosis=0))
    assert (severity.severe, severity.since) == (True, day(0))


def test_16_new_bleeding_on_treatment_needing_another_agent_is_severe() -> None:
    """On eltrombopag since day 100; gum bleeding (grade 3) on day 200, IVIG the same day (a
    different agent) -> severe since day 200 (IWG 2009 C1: new bleeding needing a different
    platelet-raising agent)."""
    tl = timeline("", "100 eltrombopag dose=50\n200 ivig hour=12", "200 bleeding grade=3",
                  diagnosis=0)
    assert (classify_severity(tl).severe, classify_severity(tl).since) == (True, day(200))


def test_16_treated_bleeding_without_grade_or_site_is_unknown() -> None:
    """A `bleeding` event with neither grade nor note, treated the next day: whether it
    mandated treatment is unknown -> severe is null, not false."""
    assert classify_severity(timeline("", "1 ivig", "0 bleeding", diagnosis=0)).severe is None


# --- 17. Refractory after splenectomy with too few counts: unknown ----------------------------

def test_17_one_count_after_splenectomy_is_unknown_not_false() -> None:
    """Counts 8 (day 0), splenectomy day 100, one count 12 on day 110. practical-002 needs
    counts < 30 persisting >= 28 days with >= 3 counts no more than 28 days apart [Design]: one
    count cannot show that -> null (unknown), not false. iwg-2009: splenectomy not evaluable
    (one count cannot confirm NR) -> null."""
    tl = timeline(platelets((0, 8), (110, 12)), diagnosis=0, splenectomy=100)
    doc = classify_itp(tl, day(120)).to_json()
    assert doc["refractory"] is None
    assert doc["refractory_by_definition"] == {"iwg-2009": None, "practical-002": None}


def test_17_persistence_needs_counts_spread_over_the_period() -> None:
    """After splenectomy (day 100): two counts 12 and 14 on days 110 and 140 (30 days apart, but
    no count between) -> unknown; with a third on day 125 -> refractory since day 140."""
    sparse = timeline(platelets((110, 12), (140, 14)), diagnosis=0, splenectomy=100)
    spread = timeline(platelets((110, 12), (125, 13), (140, 14)), diagnosis=0, splenectomy=100)
    assert classify_itp(sparse, day(150)).default.refractory is None
    answer = classify_itp(spread, day(150)).default
    assert (answer.refractory, answer.since) == (True, day(140))


# --- 18. Monthly dexamethasone pulses vs corticosteroid dependence -----------------------------

PULSES = ("0 dexamethasone end=3\n28 dexamethasone end=31\n56 dexamethasone end=59\n"
          "84 dexamethasone end=87\n112 dexamethasone end=115")
KEPT_ABOVE_30 = platelets((0, 12), (7, 60), (14, 55), (35, 62), (49, 58), (70, 65), (98, 60),
                          (120, 64))


def test_18_a_child_kept_above_30_on_monthly_pulses_is_not_nr() -> None:
    """Seed 002 regimen: dexamethasone 0.6 mg/kg x 4 days every 28 days, five pulses. Baseline 12;
    counts 55-65 throughout (>= 30 and >= 2 x 12, confirmed day 7 to 14) -> R from day 7. The
    pulses are one planned regimen judged by its platelet response (default rule
    "pulses-judged-by-response"), and the output says which rule decided."""
    result = assess_itp(timeline(KEPT_ABOVE_30, PULSES), day(130))
    (pulses,) = result.treatments
    assert (pulses.course.regimen, pulses.response, pulses.response_date) == (
        "monthly-pulses", "R", day(7))
    assert pulses.failure is None
    assert pulses.decided_by.startswith("iwg-2009 platelet response: planned monthly "
                                        "dexamethasone pulses (seed 002)")
    doc = result.to_json()
    assert doc["steroid_dependence"]["rule"] == "pulses-judged-by-response"
    assert doc["rules"]["options"]["steroid_dependence_rule"] == "pulses-judged-by-response"


def test_18_under_the_strict_iwg_rule_the_same_pulses_are_steroid_dependence() -> None:
    """The same child under rule "iwg-2009": repeated corticosteroids for >= 2 months (60 days
    [Design]) to keep platelets >= 30 -> corticosteroid dependence, counted as NR (IWG 2009),
    established on day 60; the output names the rule."""
    result = assess_itp(timeline(KEPT_ABOVE_30, PULSES), day(130), dependence_rule="iwg-2009")
    (pulses,) = result.treatments
    assert (pulses.response, pulses.failure, pulses.failure_date) == (
        "NR", "steroid-dependent", day(60))
    assert pulses.decided_by == "iwg-2009 corticosteroid dependence (rule iwg-2009)"


# --- 20 (part). IWG "refractory since" is the date all conditions hold ------------------------

def test_20_iwg_refractory_since_is_when_failure_and_therapy_both_hold() -> None:
    """Splenectomy day 100 (baseline 10 before the first-ever treatment, IVIG day 0). Counts 12,
    11 on days 110-111: NR, established when the splenectomy's 28-day window closes (day 128).
    No severe bleeding; eltrombopag started on day 200 -> "bleeding risk requiring therapy" holds
    from day 200. Refractory (iwg-2009) since day 200, not day 128."""
    obs = platelets((0, 10), (110, 12), (111, 11), (150, 13), (210, 12))
    tl = timeline(obs, "0 ivig\n200 eltrombopag", diagnosis=0, splenectomy=100)
    iwg = next(a for a in classify_itp(tl, day(220)).answers if a.definition == "iwg-2009")
    assert (iwg.refractory, iwg.since) == (True, day(200))
    assert "all conditions hold from 2026-07-20" in iwg.evidence[0].note
