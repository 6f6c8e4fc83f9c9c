"""Every plan step says which values, dates and thresholds it rests on (issue 17 finding 19).

TA-TMA child: the harmonized-2023 vignette of test_tma_protocol_vignettes.py (transplant day 0 =
2026-01-01; platelets 150 -> 60/55, Hb 11.0 -> 9.8/9.2, LDH 500 with the lab's ULN 320 and
schistocytes on days +40 and +42 -> diagnosed on day +42 = 2026-02-12). Harmonized-2023 (A1
[S-2nd]): LDH > ULN; anaemia a fall of 1 g/dL from baseline; thrombocytopenia a fall of 50%; 4
of 7 criteria in a 14-day window; high risk: sC5b-9 >= ULN, UPCR >= 1 mg/mg, LDH >= 2 x ULN.
Resolution (A8 [Design]): LDH <= ULN over 24 h, platelets >= 50 with no transfusion for 7 days,
schistocytes absent. ITP child: tests/spec/plans/test_itp_ladder_vignettes.py's conventions.
"""

from __future__ import annotations

from tests.spec.plans.test_tma_protocol_vignettes import course, tma
from tests.unit.plans.tables import day, patient_timeline, platelets
from thrombo.domain.quantities import Quantity
from thrombo.plans import OptionStatus, itp_ladder, tma_protocol

S = OptionStatus
HIGH_RISK = "-12 weight 18.4\n40 upcr 2.0\n42 upcr 2.1\n40 sc5b9 400 high=244"


def notes(reason: object) -> list[str]:
    return [e.note for e in reason.evidence]  # type: ignore[attr-defined]


def test_diagnosis_evidence_shows_each_result_and_its_threshold() -> None:
    """Defibrotide is suggested because TA-TMA was diagnosed: the reason cites LDH 500 U/L
    against the lab's ULN 320, and the platelet fall 60 against <= 75 (50% of the baseline 150),
    each with its date and value."""
    defib = tma_protocol(tma(course(extra=HIGH_RISK)), day(44)).option("defibrotide")
    assert defib.status is S.SUGGESTED
    diagnosis = defib.reasons[0]
    assert "ldh: 500 U/L; met: > ULN 320 U/L (lab range)" in notes(diagnosis)
    platelet = next(e for e in diagnosis.evidence if e.note.startswith("thrombocytopenia: 60"))
    assert platelet.value == Quantity(60.0, "10*9/L") and platelet.day == day(40)
    assert "<= 75 10*9/L (a fall of 50% from baseline 150" in platelet.note
    assert not any(n.startswith(("sc5b9_uln", "upcr_1")) for n in notes(diagnosis))


def test_eculizumab_for_high_risk_cites_the_features_values() -> None:
    """sC5b-9 400 ng/mL (lab ULN 244) and UPCR 2.0/2.1 mg/mg (>= 1): high risk -> eculizumab is
    suggested, and its reason carries those values and thresholds."""
    ecu = tma_protocol(tma(course(extra=HIGH_RISK)), day(44)).option("eculizumab")
    assert ecu.status is S.SUGGESTED
    assert notes(ecu.reasons[0]) == [
        "sc5b9_uln: 400 ng/mL; met: >= ULN 244 ng/mL (lab range)",
        "upcr_1: 2 mg/mg; met: >= 1 mg/mg",
        "upcr_1: 2.1 mg/mg; met: >= 1 mg/mg",
    ]


def test_not_high_risk_names_each_feature_and_its_outcome() -> None:
    """sC5b-9 100 (ULN 244), UPCR 0.3/0.2, LDH 500 (ULN 320, so 2 x ULN = 640): no feature met
    on 2026-02-12 -> not yet; each feature is named with its threshold, its outcome on the
    diagnosis day and the latest result it read in the 14-day window, with the limit that result
    was compared with (LDH 500 U/L against 2 x ULN 320 U/L: issue 17, a result without its limit
    does not say why it is not met)."""
    obs = course(extra="-12 weight 18.4\n40 upcr 0.3\n42 upcr 0.2\n40 sc5b9 100 high=244")
    ecu = tma_protocol(tma(obs), day(44)).option("eculizumab")
    assert ecu.status is S.NOT_YET
    text = ecu.reasons[0].text
    assert text.startswith(
        "not high-risk at diagnosis on 2026-02-12: sc5b9_uln [sC5b-9 >= ULN (A1)] not met "
        "(latest: sc5b9 100 ng/mL on 2026-02-10; compared with >= ULN 244 ng/mL (lab range)); "
        "upcr_1 [rUPCR >= 1 mg/mg (A1 [S-2nd])] not met (latest: upcr 0.2 mg/mg on 2026-02-12; "
        "compared with >= 1 mg/mg); ldh_2x_uln [LDH >= 2 x ULN (A1 [S-2nd])] not met (latest: "
        "ldh 500 U/L on 2026-02-12; compared with >= 2 x ULN 320 U/L (lab range))")


def test_a_diagnosis_no_longer_active_says_what_the_window_holds() -> None:
    """No result after day +42; on day +70 (2026-03-12) the 14-day window holds none of the 4
    criteria needed: not yet, re-screen; the reason gives the window, the count and the need."""
    defib = tma_protocol(tma(course(extra="-12 weight 18.4")), day(70)).option("defibrotide")
    assert defib.status is S.NOT_YET
    assert defib.reasons[1].text.startswith(
        "the TA-TMA diagnosed on 2026-02-12 is not active on 2026-03-12: in the 14-day window "
        "ending then 0 criteria are met (none) where 4 are needed")


def test_resolution_cites_the_ldh_platelet_and_smear_results() -> None:
    """Defibrotide days +44 to +60. Days +50 to +52: LDH 250/240/240 (ULN 320), platelets
    80/85/90, schistocytes absent. LDH normal over 24 h first on day +51, confirmed on +52 ->
    resolved on day +51 (2026-02-21): the reason carries the LDH 240 <= 320, platelets 85 >= 50
    and the smear, with values."""
    extra = "-12 weight 18.4\n" + "\n".join(
        f"{d} ldh {ldh} high=320\n{d} platelets {plt}\n{d} schistocytes absent"
        for d, ldh, plt in ((50, 250, 80), (51, 240, 85), (52, 240, 90)))
    plan = tma_protocol(tma(course(extra=extra), "44 defibrotide end=60"), day(80))
    resolved = plan.option("defibrotide").reasons[1]
    assert resolved.text.startswith("TA-TMA resolved on 2026-02-21")
    shown = notes(resolved)
    assert shown[1].startswith("240 U/L <= ULN 320 U/L (lab range); normal run spans 24 h")
    assert shown[2].startswith("85 x10^9/L >= 50; no platelet transfusion in the 7 days")
    assert shown[3].startswith("absent; cleared means absent")
    assert resolved.evidence[2].value == Quantity(85.0, "10*9/L")


def test_anti_d_hb_limit_evidence_carries_the_value() -> None:
    """Hb 7.6 g/dL on day 5 (< 8 g/dL, WinRho label, D): anti-D not suitable; the evidence holds
    the value 7.6 g/dL and the limit."""
    tl = patient_timeline("0 platelets 9\n5 hemoglobin 7.6\n0 weight 20", diagnosis=0,
                          events="5 bleeding grade=3", attributes={"rh_d": "positive"})
    (hb,) = itp_ladder(tl, day(6)).option("anti_d").reasons[0].evidence
    assert hb.value == Quantity(7.6, "g/dL")
    assert hb.note == "latest haemoglobin 7.6 g/dL, limit 8 g/dL"


def test_observation_cites_the_diagnosis_date_and_the_phase_cut_offs() -> None:
    """Diagnosed day 0, as-of day 10: newly diagnosed (< 91 days, IWG 2009 C1 [Design] days)."""
    tl = patient_timeline(platelets((0, 15)) + "\n0 weight 20", events="8 bleeding grade=1",
                          diagnosis=0)
    phase = itp_ladder(tl, day(10)).option("observation").reasons[1]
    assert phase.text == ("newly-diagnosed ITP: diagnosed 2026-01-01, 10 days before 2026-01-11 "
                          "(newly diagnosed below day 91, chronic after day 365; IWG 2009)")
    assert phase.evidence[0].day == day(0)


def test_a_failed_class_cites_the_counts_that_decided() -> None:
    """The chronic child of test_c (counts 15 throughout): rituximab (days 200-221) and
    eltrombopag (days 300-400) failed (IWG NR) -> vincristine is suggested; its "rituximab
    failed" reason holds the baseline count (15 x10^9/L on day 200) and the first count of the
    confirmed NR (15 on day 202), with dates and values."""
    counts = platelets(*((d, 15) for d in (0, 3, 5, 20, 22, 24, 120, 122, 124, 200, 202, 204,
                                           300, 302, 304, 450)))
    tl = patient_timeline(
        counts + "\n450 weight 30\n450 height 135\n450 hemoglobin 11",
        "0 prednisone end=6\n20 ivig\n120 dexamethasone end=123\n200 rituximab end=221\n"
        "300 eltrombopag end=400", diagnosis=0)
    vincristine = itp_ladder(tl, day(500)).option("vincristine")
    assert vincristine.status is S.SUGGESTED
    failed = vincristine.reasons[0]
    assert failed.text.startswith("rituximab failed: rituximab from 2026-07-20")
    by_note = {e.note: e for e in failed.evidence}
    assert (by_note["baseline count"].value, by_note["baseline count"].day) == (
        Quantity(15.0, "10*9/L"), day(200))
    first_nr = by_note["first occasion of confirmed NR"]
    assert (first_nr.value, first_nr.day) == (Quantity(15.0, "10*9/L"), day(202))
