"""Hand-checked ITP ladder vignettes (issue: "the ITP treatment ladder").

Each docstring works the expected answer by hand from the sources the ladder cites: the ladder of
002_135c7129447af5c0.txt (seed-002 policy), the ASH 2019 paediatric suggestions (clinical-reference
C4, ash-2019 policy), the ICR 2019 first-line options (C3), the doses of clinical-reference D/D1/D2
and the WinRho rules for anti-D (D). Days count from 2026-01-01; children are 8 years old unless
stated (birth day -2920).
"""

from __future__ import annotations

import pytest

from tests.unit.plans.tables import day, patient_timeline, platelets
from thrombo.plans import OptionStatus, itp_ladder
from thrombo.plans.ladder_data import ASH_UNVERIFIED, OBSERVATION_UNVERIFIED, RESCUE_FIRST

S = OptionStatus


def statuses(plan: object) -> dict[str, str]:
    return {o.drug: o.status.value for o in plan.options}  # type: ignore[attr-defined]


def next_drugs(plan: object) -> list[str]:
    return [o.drug for o in plan.next_options]  # type: ignore[attr-defined]


def test_a_newly_diagnosed_skin_only_bleeding_observation_first() -> None:
    """Diagnosed day 0 (platelets 15), petechiae on day 8 (Buchanan grade 1 = skin only), no
    treatment, day 10 = newly diagnosed. ASH 2019 / ICR 2019: observation rather than
    corticosteroids -> observation is the next option; first-line drugs stay suggested (if
    bleeding worsens); second line is not yet, and romiplostim is not suitable (ITP of 10 days,
    US approval needs >= 6 months, D2). Prednisone 2 mg/kg x 20 kg = 40 mg/day (range
    2-4 mg/kg = 40-80 mg, ASH 2019, D)."""
    tl = patient_timeline(platelets((0, 15), (7, 18)) + "\n0 weight 20\n0 hemoglobin 12.1",
                          events="8 bleeding grade=1", diagnosis=0)
    plan = itp_ladder(tl, day(10))
    assert next_drugs(plan) == ["observation"]
    assert statuses(plan) == {
        "observation": "suggested", "prednisone": "suggested", "ivig": "suggested",
        "anti_d": "suggested", "dexamethasone": "not-yet", "rituximab": "not-yet",
        "eltrombopag": "not-yet", "romiplostim": "not-suitable", "vincristine": "not-yet",
        "cyclophosphamide": "not-yet"}
    observation = plan.option("observation")
    assert observation.dose is None
    assert any("bleeding precautions" in point for point in observation.discussion)
    assert observation.reasons[0].evidence[0].note.endswith("-> skin-only")
    prednisone = plan.option("prednisone").dose
    assert prednisone is not None and prednisone.dose.value == 40.0
    assert prednisone.range is not None and (prednisone.range.low, prednisone.range.high) == (
        40.0, 80.0)
    assert OBSERVATION_UNVERIFIED in plan.warnings
    assert plan.to_json()["rules"]["options"]["policy"] == "seed-002"


# Prednisone days 0-6 (baseline 8, then 10, 12: NR, established when its 14-day assessment window
# closes on day 14); IVIG day 20 (baseline 12 on day 15, then 15, 14: NR when its 7-day window
# closes on day 27); counts stay < 30; weight 24 kg, height 125 cm, Hb 11.5.
FAILED_FIRST_LINE = platelets((0, 8), (3, 10), (5, 12), (15, 12), (22, 15), (25, 14), (60, 18),
                              (100, 20)) + "\n100 weight 24\n100 height 125\n100 hemoglobin 11.5"


def test_b_persistent_after_failed_prednisone_and_ivig_seed_002() -> None:
    """Day 120 = persistent ITP (91-365 days). Prednisone and IVIG failed (IWG NR) -> first line
    is behind. seed-002: next = monthly dexamethasone pulses, 0.6 mg/kg x 24 kg = 14.4 mg/day
    for 4 days, repeated every 28 days (D, seed 002). Anti-D, not tried, is for short-term use."""
    tl = patient_timeline(FAILED_FIRST_LINE, "0 prednisone end=6\n20 ivig", diagnosis=0)
    plan = itp_ladder(tl, day(120), "seed-002")
    assert next_drugs(plan) == ["dexamethasone"]
    dex = plan.option("dexamethasone")
    assert dex.dose is not None
    assert (dex.dose.dose.value, dex.dose.dose.unit, dex.dose.regimen) == (14.4, "mg",
                                                                            "monthly-pulses")
    assert [(p.every_days, p.count) for p in dex.dose.schedule] == [(1, 4), (28, None)]
    assert statuses(plan)["prednisone"] == "tried-failed"
    assert statuses(plan)["ivig"] == "tried-failed"
    assert statuses(plan)["anti_d"] == "short-term-only"
    failed = plan.option("prednisone").reasons[0]
    assert failed.text == ("prednisone from 2026-01-01: IWG response NR; failed (no-response) on "
                           "2026-01-15")
    assert failed.evidence[0].record_id == "m0"
    assert plan.summary["phase"] == "persistent"
    assert plan.summary["first_line_behind"] is True


def test_b_persistent_after_failed_first_line_ash_2019_prefers_tpo_ra() -> None:
    """Same child under ash-2019, on day 200 (6 completed months of ITP): TPO-RA rather than
    rituximab -> next = eltrombopag and romiplostim. Eltrombopag label start for age >= 6 y: 50 mg
    once daily (D1); romiplostim 1 ug/kg x 24 kg = 24 ug weekly (D2). Rituximab and
    dexamethasone pulses follow; the plan carries the 'from memory, unverified' warning of C4."""
    tl = patient_timeline(FAILED_FIRST_LINE, "0 prednisone end=6\n20 ivig", diagnosis=0)
    plan = itp_ladder(tl, day(200), "ash-2019")
    assert next_drugs(plan) == ["eltrombopag", "romiplostim"]
    elt, romi = plan.option("eltrombopag").dose, plan.option("romiplostim").dose
    assert elt is not None and (elt.dose.value, elt.dose.unit) == (50.0, "mg")
    assert romi is not None and (romi.dose.value, romi.dose.unit) == (24.0, "mcg")
    order = [o.drug for o in plan.options if o.status is S.SUGGESTED]
    assert order == ["eltrombopag", "romiplostim", "rituximab", "dexamethasone"]
    assert ASH_UNVERIFIED in plan.warnings
    assert plan.to_json()["rules"]["options"]["policy"] == "ash-2019"


def test_c_chronic_refractory_after_rituximab_and_eltrombopag_cytotoxics_with_counselling() -> None:
    """Counts stay 10-20 throughout. Prednisone (day 0), IVIG (20), dexamethasone pulse (120),
    rituximab (200-221) and eltrombopag (300-400) each fail (IWG NR). Day 500: chronic ITP.
    Seed 002: cytotoxics once other treatments have failed -> vincristine and cyclophosphamide are
    suggested, with the counselling points (neurotoxicity, myelosuppression, reproductive risk,
    informed decision). The other TPO-RA (romiplostim) comes first (step 5 before step 6).
    BSA Mosteller sqrt(135 x 30 / 3600) = 1.06 m2: vincristine 1.5 mg/m2 = 1.59 -> 1.6 mg;
    cyclophosphamide 400-650 mg/m2 = 424-689 mg (D)."""
    counts = platelets(*((d, 15) for d in (0, 3, 5, 20, 22, 24, 120, 122, 124, 200, 202, 204, 300,
                                           302, 304, 450)))
    tl = patient_timeline(
        counts + "\n450 weight 30\n450 height 135\n450 hemoglobin 11",
        "0 prednisone end=6\n20 ivig\n120 dexamethasone end=123\n200 rituximab end=221\n"
        "300 eltrombopag end=400", diagnosis=0)
    plan = itp_ladder(tl, day(500))
    assert plan.summary["phase"] == "chronic"
    assert next_drugs(plan) == ["romiplostim"]
    assert statuses(plan)["rituximab"] == statuses(plan)["eltrombopag"] == "tried-failed"
    for drug, dose in (("vincristine", 1.6), ("cyclophosphamide", 424.0)):
        option = plan.option(drug)
        assert option.status is S.SUGGESTED
        assert option.dose is not None and option.dose.dose.value == dose
        talk = " ".join(option.discussion)
        for point in ("neurotoxicity", "myelosuppression", "reproductive", "informed decision"):
            assert point in talk
        assert "counselling" in option.reasons[-1].text


def test_cytotoxics_wait_until_rituximab_and_a_tpo_ra_have_failed() -> None:
    """Seed 002 reserves cytotoxics for when other treatments have failed: with rituximab failed
    but no TPO-RA tried, they are not yet, and the reason names what has not failed."""
    counts = platelets(*((d, 15) for d in (0, 3, 5, 20, 22, 24, 200, 202, 204, 450)))
    tl = patient_timeline(counts + "\n450 weight 30\n450 height 135",
                          "0 prednisone end=6\n20 ivig\n200 rituximab end=221", diagnosis=0)
    vincristine = itp_ladder(tl, day(500)).option("vincristine")
    assert vincristine.status is S.NOT_YET
    assert vincristine.reasons[0].text.endswith("not yet failed: a TPO-RA")


def test_d_splenectomised_child_anti_d_not_suitable() -> None:
    """Splenectomy on day 400; Rh(D) positive, Hb 12.0. WinRho (D): only for Rh(D)-positive,
    non-splenectomised patients -> anti-D not suitable, reason dated 2027-02-05, no dose."""
    tl = patient_timeline(platelets((0, 10), (3, 12), (410, 20)) + "\n410 weight 28\n"
                          "410 hemoglobin 12.0", "0 prednisone end=6", diagnosis=0,
                          splenectomy=400, attributes={"rh_d": "positive"})
    anti_d = itp_ladder(tl, day(450)).option("anti_d")
    assert anti_d.status is S.NOT_SUITABLE
    assert anti_d.reasons[0].text.startswith("splenectomised on 2027-02-05")
    assert anti_d.reasons[0].evidence[0].day == day(400)
    assert anti_d.dose is None


def test_anti_d_not_suitable_with_hb_below_8_using_the_latest_hb() -> None:
    """Hb 11.0 on day 0, then 7.6 on day 5 (latest): WinRho says do not use below 8 g/dL."""
    tl = patient_timeline("0 platelets 9\n0 hemoglobin 11.0\n5 hemoglobin 7.6\n0 weight 20",
                          events="5 bleeding grade=3", diagnosis=0,
                          attributes={"rh_d": "positive"})
    anti_d = itp_ladder(tl, day(6)).option("anti_d")
    assert anti_d.status is S.NOT_SUITABLE
    assert "latest Hb 7.6 g/dL on 2026-01-06 is below 8 g/dL" in anti_d.reasons[0].text
    assert anti_d.reasons[0].evidence[0].record_id == "o2"


def test_anti_d_in_the_8_to_10_band_is_dosed_at_the_reduced_rate() -> None:
    """Hb 9.0 (8-10 g/dL): 25-40 ug/kg, dose at the low end: 25 x 20 kg = 500 ug (WinRho, D)."""
    tl = patient_timeline("0 platelets 9\n0 hemoglobin 9.0\n0 weight 20", diagnosis=0,
                          events="0 bleeding grade=3", attributes={"rh_d": "pos"})
    anti_d = itp_ladder(tl, day(2)).option("anti_d")
    assert anti_d.status is S.SUGGESTED
    assert anti_d.dose is not None and (anti_d.dose.dose.value, anti_d.dose.dose.unit) == (
        500.0, "mcg")


def test_mucosal_bleeding_treats_and_severe_bleeding_puts_rescue_first() -> None:
    """Grade 3 (mucosal) in a newly diagnosed child: observation not suitable, first line next.
    A `major_bleeding` event: rescue therapy is step 0 and the plan says so first."""
    mucosal = patient_timeline("0 platelets 5\n0 weight 20", events="1 bleeding grade=3",
                               diagnosis=0)
    plan = itp_ladder(mucosal, day(2))
    assert statuses(plan)["observation"] == "not-suitable"
    assert next_drugs(plan) == ["prednisone", "ivig", "anti_d"]
    severe = patient_timeline("0 platelets 5\n0 weight 20", events="1 major_bleeding",
                              diagnosis=0)
    plan = itp_ladder(severe, day(2))
    assert next_drugs(plan) == ["rescue"]
    assert plan.options[0].step == 0
    assert plan.warnings[0] == RESCUE_FIRST


def test_missing_weight_lists_options_without_a_dose_and_warns() -> None:
    """No weight recorded: never a guessed weight. Weight-based options have no dose and say why;
    eltrombopag (age-based label dose) is still dosed."""
    tl = patient_timeline(FAILED_FIRST_LINE.replace("100 weight 24\n", ""),
                          "0 prednisone end=6\n20 ivig", diagnosis=0)
    plan = itp_ladder(tl, day(120))
    dex = plan.option("dexamethasone")
    assert dex.status is S.SUGGESTED and dex.dose is None
    assert dex.dose_missing == "dexamethasone dosing needs the weight"
    assert plan.option("eltrombopag").dose is not None
    assert any(w.startswith("no weight recorded") for w in plan.warnings)
    assert plan.to_json()["inputs"]["weight"] is None


def test_a_child_responding_to_the_latest_treatment_is_told_so_first() -> None:
    """IVIG day 0 (count 4): 140 on day 4 and 180 on day 11 (>= 100 twice, 7 days apart) = CR
    dated day 4 (IWG 2009, C2), not lost by day 30. The ladder says the listed options are for
    if the response is lost; IVIG shows as tried and responded."""
    tl = patient_timeline(platelets((0, 4), (2, 68), (4, 140), (11, 180), (25, 210))
                          + "\n0 weight 20", "0 ivig", diagnosis=0)
    plan = itp_ladder(tl, day(30))
    assert plan.option("ivig").status is S.TRIED_RESPONDED
    assert plan.warnings[0] == (
        "the latest treatment, ivig from 2026-01-01, is a CR (IWG) not lost by as-of: the "
        "options below are for if the response is lost")


# --- clinical safety review (issue 17): findings 4, 13, 14, 18 --------------------------------

def test_romiplostim_not_suitable_for_an_8_month_old_with_6_week_itp() -> None:
    """Born day -243 (8 months old on day 42), ITP diagnosed day 0, mucosal bleeding; day 42:
    6 weeks of ITP. Romiplostim's US paediatric approval needs age >= 1 year and ITP of >= 6
    months (FDA 2018; clinical reference D2, corrected row) -> not suitable, no dose, both
    reasons shown with the dates they rest on."""
    tl = patient_timeline("0 platelets 8\n40 platelets 9\n40 weight 8", events="41 bleeding "
                          "grade=3", diagnosis=0, birth=-243)
    romi = itp_ladder(tl, day(42)).option("romiplostim")
    assert romi.status is S.NOT_SUITABLE and romi.dose is None
    age, duration = romi.reasons[0], romi.reasons[1]
    assert age.text.startswith("age 0 completed years on 2026-02-12 (born 2025-05-03): under 1 "
                               "year")
    assert age.evidence[0].day == day(-243)
    assert duration.text.startswith("ITP diagnosed 2026-01-01: 1 completed months by "
                                    "2026-02-12, less than 6")
    assert "romiplostim" not in [o.drug for o in itp_ladder(tl, day(42)).next_options]


@pytest.mark.parametrize(("as_of", "suitable"), [
    (180, False),   # 2026-06-30: 5 completed months of ITP
    (181, True),    # 2026-07-01: 6 months
])
def test_romiplostim_from_six_months_of_itp(as_of: int, suitable: bool) -> None:
    """8-year-old, ITP from day 0, failed prednisone and IVIG (FAILED_FIRST_LINE), ash-2019."""
    tl = patient_timeline(FAILED_FIRST_LINE, "0 prednisone end=6\n20 ivig", diagnosis=0)
    status = itp_ladder(tl, day(as_of), "ash-2019").option("romiplostim").status
    assert (status is S.SUGGESTED) is suitable


@pytest.mark.parametrize(("birth", "suitable"), [
    (-181, False),   # born 2025-07-04: 1 year old tomorrow
    (-182, True),    # born 2025-07-03: 1 year old on as-of (2026-07-03), first birthday
])
def test_romiplostim_from_the_first_birthday(birth: int, suitable: bool) -> None:
    """ITP from day -200 (over 6 months by as-of, day 183), prednisone and IVIG failed in
    persistent ITP; ash-2019 policy. Romiplostim from age >= 1 year (D2)."""
    tl = patient_timeline(platelets((-200, 8), (-197, 10), (-195, 12), (-150, 12), (-148, 14),
                                    (-146, 13)) + "\n180 weight 10",
                          "-200 prednisone end=-194\n-150 ivig", diagnosis=-200, birth=birth)
    status = itp_ladder(tl, day(183), "ash-2019").option("romiplostim").status
    assert (status is S.SUGGESTED) is suitable


def test_a_stable_cr_at_108_to_112_is_not_marked_failed() -> None:
    """IVIG day 0 on a baseline of 60; 110 and 112 (days 3, 10) = CR; 108-112 since. Loss of CR is
    < 100 (IWG 2009); 2 x baseline concerns R only -> IVIG tried and responded, not failed."""
    obs = platelets((0, 60), (3, 110), (10, 112), (20, 108), (21, 109), (40, 111)) + "\n0 weight 20"
    plan = itp_ladder(patient_timeline(obs, "0 ivig", diagnosis=0), day(45))
    assert plan.option("ivig").status is S.TRIED_RESPONDED


def test_rituximab_two_days_after_its_start_is_not_failed() -> None:
    """Chronic ITP, first line failed; rituximab weekly from day 500, counts 9, 10 on days 501-502.
    On day 502 the ladder shows rituximab as tried, not evaluable (its 56-day window [Design]
    closes on day 556), not failed; the reason says so."""
    counts = platelets((0, 8), (3, 10), (5, 12), (20, 12), (22, 15), (24, 14), (500, 8),
                       (501, 9), (502, 10))
    tl = patient_timeline(counts + "\n500 weight 30\n500 height 135",
                          "0 prednisone end=6\n20 ivig\n500 rituximab end=521", diagnosis=0)
    ritux = itp_ladder(tl, day(502)).option("rituximab")
    assert ritux.status is S.TRIED_NOT_EVALUABLE
    assert ritux.reasons[-1].text.endswith(
        "not judged before its 56-day assessment window closes on 2027-07-11")


def test_monthly_pulses_keeping_the_child_above_30_are_a_response() -> None:
    """Seed 002: dexamethasone 0.6 mg/kg x 4 days every 28 days, three pulses from day 200 after
    failed first line; baseline 12, then 55-65. The ladder shows the pulses as tried and
    responded (R), saying the planned regimen was judged by its platelet response."""
    counts = platelets((0, 8), (3, 10), (5, 12), (20, 12), (22, 15), (24, 14), (200, 12),
                       (207, 60), (214, 55), (235, 62), (249, 58), (263, 65))
    tl = patient_timeline(counts + "\n200 weight 24",
                          "0 prednisone end=6\n20 ivig\n200 dexamethasone end=203\n"
                          "228 dexamethasone end=231\n256 dexamethasone end=259", diagnosis=0)
    plan = itp_ladder(tl, day(270))
    dex = plan.option("dexamethasone")
    assert dex.status is S.TRIED_RESPONDED
    assert "planned monthly dexamethasone pulses (seed 002)" in dex.reasons[0].text


def test_an_old_weight_is_judged_at_the_age_it_was_measured() -> None:
    """A girl born 183 days before day 0, weighed 7.0 kg on day 0 (6 months old: CDC 2000
    weight-for-age z -0.3, an ordinary weight). ITP diagnosed on day 0; no other weight. On day
    548 (2 years old) the ladder doses on that weight: held against a 2-year-old it would be
    z -6.2 (beyond the [Design] +-4 bound) and every weight-based dose refused; held against the
    6-month-old it was measured at (issue 17, as the TA-TMA plan does), it is plausible. The
    weight is 548 days old (> 90 days, [Design]): one re-weigh warning for the plan, worded as
    each dose's own note. Prednisone 2 mg/kg x 7 kg = 14 mg/day (ASH 2019, D)."""
    tl = patient_timeline("0 platelets 12\n0 weight 7.0", birth=-183, diagnosis=0)
    plan = itp_ladder(tl, day(548))
    prednisone = plan.option("prednisone")
    assert prednisone.status is S.SUGGESTED
    assert prednisone.dose is not None and prednisone.dose.dose.value == 14.0
    stale = [w for w in plan.warnings if "re-weigh" in w]
    assert stale == ["the dosing weight was measured on 2026-01-01, 548 days before 2027-07-03 "
                     "(more than 90): re-weigh the child before prescribing"]
    assert stale[0] in prednisone.dose.warnings
    assert prednisone.dose.inputs["weight_check"]["weight_date"] == "2026-01-01"
