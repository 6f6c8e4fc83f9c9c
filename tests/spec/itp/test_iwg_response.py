"""IWG 2009 platelet response (Rodeghiero et al. Blood 2009;113:2386; clinical-reference.md C2).

CR >= 100 and R >= 30 with doubling, both confirmed on 2 occasions >= 7 days apart; NR and loss of
response on 2 occasions >= 1 day apart; counts within 7 days of a platelet transfusion or rescue
agent excluded [Design]; baseline of 0 uses the absolute threshold only [Design].
Days are counted from DAY0 (see tests/unit/itp/timeline_tables.py).
"""

from __future__ import annotations

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.response.itp import BASELINE_ZERO_WARNING, NO_BASELINE_WARNING
from thrombo.response.itp_patient import ItpResponses, assess_itp


def ivig(obs: str, events: str = "", as_of: int = 60, **patient: int) -> ItpResponses:
    return assess_itp(timeline(obs, "0 ivig", events, **patient), day(as_of))


def test_cr_confirmed_seven_days_apart_dates_the_first_count() -> None:
    result = ivig(platelets((0, 15), (2, 120), (9, 130)))
    only = result.treatments[0]
    assert (only.response, only.response_date, only.days_to_response) == ("CR", day(2), 2)
    assert only.baseline is not None and only.baseline.value == 15


def test_cr_six_days_apart_is_not_confirmed() -> None:
    only = ivig(platelets((0, 15), (2, 120), (8, 130))).treatments[0]
    assert only.response == "not-evaluable"
    assert only.response_date is None


def test_a_lower_count_between_breaks_cr_but_keeps_r() -> None:
    """120, 80, 130 over 7 days: CR run broken by 80; all >= 30 and >= 2 x 15, so R."""
    only = ivig(platelets((0, 15), (2, 120), (5, 80), (9, 130))).treatments[0]
    assert (only.response, only.response_date) == ("R", day(2))


def test_r_needs_doubling_of_baseline() -> None:
    """Baseline 20: counts of 35 and 38 are >= 30 but not >= 40, so NR (confirmed 1 day apart),
    established on day 10, the confirming count (after IVIG's 7-day window closed)."""
    only = ivig(platelets((0, 20), (3, 35), (10, 38))).treatments[0]
    assert only.response == "NR"
    assert only.failure == "no-response" and only.failure_date == day(10)


def test_nr_needs_two_occasions_on_different_days() -> None:
    one_count = ivig(platelets((0, 10), (3, 12))).treatments[0]
    same_day = ivig("0 platelets 10\n3 platelets 12 hour=8\n3 platelets 14 hour=18").treatments[0]
    two_days = ivig(platelets((0, 10), (3, 12), (4, 14))).treatments[0]
    assert (one_count.response, same_day.response, two_days.response) == (
        "not-evaluable", "not-evaluable", "NR")


def test_counts_within_seven_days_of_platelet_transfusion_are_excluded() -> None:
    """Rituximab day 0; transfusion day 3 09:00: counts days 4 and 10 excluded, day 11 (8 days
    on) kept."""
    obs = platelets((0, 10), (3, 12), (4, 150), (10, 150), (11, 150), (18, 150))
    result = assess_itp(timeline(obs, "0 rituximab", "3 platelet_transfusion"), day(60))
    only = result.treatments[0]
    assert (only.response, only.response_date) == ("CR", day(11))
    assert [e.day for e in result.excluded_counts] == [day(4), day(10)]


def test_count_drawn_before_a_same_day_transfusion_is_kept() -> None:
    result = ivig("0 platelets 10\n3 platelets 12 hour=7", "3 platelet_transfusion hour=9")
    assert result.excluded_counts == ()


def test_counts_after_rescue_therapy_are_excluded() -> None:
    tl = timeline(platelets((0, 10), (5, 150), (12, 150), (13, 150), (20, 150)),
                  "0 rituximab\n5 methylprednisolone intent=rescue")
    result = assess_itp(tl, day(40))
    assert [t.course.drug for t in result.treatments] == ["rituximab"]
    assert (result.treatments[0].response, result.treatments[0].response_date) == ("CR", day(13))


def test_baseline_of_zero_uses_the_absolute_threshold_and_warns() -> None:
    only = ivig(platelets((0, 0), (3, 35), (10, 40))).treatments[0]
    assert (only.response, only.response_date) == ("R", day(3))
    assert BASELINE_ZERO_WARNING in only.warnings


def test_without_baseline_only_cr_can_be_judged() -> None:
    no_baseline_r = ivig(platelets((3, 35), (10, 40))).treatments[0]
    no_baseline_cr = ivig(platelets((3, 135), (10, 140))).treatments[0]
    assert no_baseline_r.response == "not-evaluable"
    assert no_baseline_cr.response == "CR"
    assert NO_BASELINE_WARNING in no_baseline_r.warnings


def test_loss_of_response_on_two_counts_a_day_apart() -> None:
    obs = platelets((0, 15), (2, 120), (9, 130), (20, 25), (21, 20))
    only = ivig(obs).treatments[0]
    assert (only.response, only.lost_response_date, only.lost_complete_response_date) == (
        "CR", day(20), day(20))
    assert only.duration_of_response_days == 18
    assert only.failure == "lost-response"


def test_a_single_low_count_is_not_a_loss() -> None:
    only = ivig(platelets((0, 15), (2, 120), (9, 130), (20, 25), (22, 140))).treatments[0]
    assert only.lost_response_date is None
    assert only.duration_of_response_days == 58  # censored at as-of (day 60)


def test_loss_of_cr_while_still_in_response() -> None:
    only = ivig(platelets((0, 15), (2, 120), (9, 130), (20, 60), (21, 70))).treatments[0]
    assert (only.lost_complete_response_date, only.lost_response_date) == (day(20), None)


def test_bleeding_interrupts_a_confirmation() -> None:
    """IWG: CR and R require no bleeding; a bleed between the two counts breaks the run."""
    only = ivig(platelets((0, 15), (2, 120), (9, 130)), "5 bleeding").treatments[0]
    assert only.response == "not-evaluable"


def test_patient_who_dies_before_assessment_counts_as_no_response() -> None:
    only = ivig(platelets((0, 5), (2, 150)), death=4).treatments[0]
    assert (only.response, only.failure, only.failure_date) == ("NR", "died", day(4))


def test_death_after_a_confirmed_response_keeps_the_response() -> None:
    only = ivig(platelets((0, 5), (2, 150), (9, 150)), death=20).treatments[0]
    assert (only.response, only.failure) == ("CR", None)


def test_later_rise_belongs_to_the_next_treatment() -> None:
    tl = timeline(platelets((0, 10), (3, 20), (4, 25), (12, 150), (20, 150)),
                  "0 ivig\n10 prednisone end=14")
    first, second = assess_itp(tl, day(40)).treatments
    assert (first.course.drug, first.response, first.window_end) == ("ivig", "NR", day(9))
    assert (second.course.drug, second.response, second.response_date) == (
        "prednisone", "CR", day(12))
    assert second.baseline is not None and second.baseline.value == 25


def test_as_of_ignores_later_counts() -> None:
    tl = timeline(platelets((0, 15), (2, 120), (9, 130)), "0 ivig")
    assert assess_itp(tl, day(8)).treatments[0].response == "not-evaluable"
    assert assess_itp(tl, day(9)).treatments[0].response == "CR"


def test_repeated_corticosteroids_for_two_months_are_steroid_dependence() -> None:
    """IWG 2009: ongoing or repeated corticosteroids >= 2 months count as non-response. Four
    prednisone courses 28 days apart (not the planned dexamethasone pulse regimen)."""
    meds = "0 prednisone end=5\n28 prednisone end=33\n56 prednisone end=59\n84 prednisone end=89"
    obs = platelets((0, 10), (2, 60), (10, 65), (30, 60), (40, 62))
    result = assess_itp(timeline(obs, meds), day(100))
    assert result.steroid_dependent
    assert {t.response for t in result.treatments} == {"NR"}
    assert result.treatments[0].failure == "steroid-dependent"
    assert result.treatments[0].failure_date == day(60)
    assert result.treatments[0].decided_by == (
        "iwg-2009 corticosteroid dependence (rule pulses-judged-by-response)")


def test_two_pulses_a_month_apart_are_not_yet_dependence() -> None:
    meds = "0 dexamethasone end=3\n28 dexamethasone end=31"
    result = assess_itp(timeline(platelets((0, 10), (2, 60), (10, 65)), meds), day(100))
    assert not result.steroid_dependent
    assert result.treatments[0].response == "R"


def test_splenectomy_baseline_is_the_count_before_the_first_ever_treatment() -> None:
    """IWG 2009: for post-splenectomy evaluation, baseline = count before first treatment."""
    tl = timeline(platelets((0, 8), (3, 12), (4, 10), (49, 40), (60, 45), (67, 44)),
                  "1 ivig", splenectomy=50)
    spleen = assess_itp(tl, day(80)).treatments[-1]
    assert spleen.course.drug == "splenectomy"
    assert spleen.baseline is not None and spleen.baseline.value == 8
    assert (spleen.response, spleen.response_date) == ("R", day(60))


def test_assess_json_names_the_current_treatment_and_all_treatments() -> None:
    tl = timeline(platelets((0, 10), (3, 20), (4, 25), (12, 150), (20, 150)),
                  "0 ivig\n10 prednisone end=14")
    doc = assess_itp(tl, day(40)).to_json()
    assert (doc["condition"], doc["treatment"], doc["treatment_start"]) == (
        "itp", "prednisone", "2026-01-11")
    assert (doc["baseline_platelets"], doc["response"], doc["response_date"]) == (
        25, "CR", "2026-01-13")
    assert [t["response"] for t in doc["treatments"]] == ["NR", "CR"]
    assert doc["rules"]["name"] == "iwg-2009"
    assert doc["steroid_dependent"] is False
