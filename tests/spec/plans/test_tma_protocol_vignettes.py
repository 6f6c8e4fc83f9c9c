"""Hand-checked TA-TMA protocol plans (issue: defibrotide holds "evaluated from the record").

Patient: transplant day 0 (2026-01-01), conditioning from day -10, engraftment days +20/+25,
5 years old (weights 16-18.4 kg, near the CDC median for age). The screening course is the
harmonized-2023 vignette of tests/spec/screening/test_harmonized_vignettes.py: anaemia,
thrombocytopenia (150 -> 60), LDH > ULN 320 and schistocytes on day +40, all four measured
again on day +42 -> TA-TMA diagnosed on day +42 (2026-02-12). Doses: defibrotide 6.25 mg/kg
q6h on the pre-conditioning weight (label B1 [S]); eculizumab aHUS weight tiers (B3 [S-2nd]);
course of seed 000 (>= 14 days, reassess day 14/28).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.plans.tables import day, patient_timeline
from thrombo.plans import OptionStatus, tma_protocol

S = OptionStatus


def course(ldh: int = 500, extra: str = "") -> str:
    return f"""
        30 platelets 150
        30 hemoglobin 11.0
        40 platelets 60
        40 hemoglobin 9.8
        40 ldh {ldh} high=320
        40 schistocytes present
        42 platelets 55
        42 hemoglobin 9.2
        42 ldh {ldh} high=320
        42 schistocytes present
        {extra}
    """


def tma(obs: str, meds: str = "", events: str = "", conditioning: int | None = -10) -> object:
    return patient_timeline(obs, meds, events, hsct=0, conditioning=conditioning,
                            neutrophil_engraftment=20, platelet_engraftment=25,
                            birth=-5 * 365 - 100)


def test_f_defibrotide_dosed_on_the_pre_conditioning_weight() -> None:
    """Weight 18.4 kg on day -12 (before conditioning day -10), 16 kg on day +40. Label: the
    baseline weight is the weight before conditioning -> 6.25 x 18.4 = 115.0 mg q6h, 460.0 mg/day
    (interface.md dose example). Planned start = as-of (day +44 = 2026-02-14): earliest stop and
    day-14 reassessment 2026-02-28, day 28 = 2026-03-14."""
    plan = tma_protocol(tma(course(extra="-12 weight 18.4\n40 weight 16")), day(44))
    defib = plan.option("defibrotide")
    assert defib.status is S.SUGGESTED and defib.is_next
    assert defib.dose is not None
    assert (defib.dose.dose.value, defib.dose.per_day.value) == (115.0, 460.0)  # type: ignore[union-attr]
    weight = plan.to_json()["inputs"]["defibrotide_weight"]
    assert (weight["value"], weight["date"]) == (18.4, "2025-12-20")
    assert plan.course["reassess"] == [{"day": 14, "date": "2026-02-28"},
                                       {"day": 28, "date": "2026-03-14"}]
    assert plan.summary["diagnosis_date"] == "2026-02-12"
    assert not plan.blocked
    assert not any("pre-conditioning" in w or "before the conditioning" in w
                   for w in plan.warnings)


def test_without_a_pre_conditioning_weight_the_latest_is_used_with_a_warning() -> None:
    """Only a day +40 weight (16 kg): dose 6.25 x 16 = 100.0 mg, and the plan warns that the label
    requires the weight before the conditioning regimen."""
    plan = tma_protocol(tma(course(extra="40 weight 16")), day(44))
    dose = plan.option("defibrotide").dose
    assert dose is not None and dose.dose.value == 100.0
    assert any("label requires the weight before the conditioning regimen" in w
               for w in plan.warnings)
    assert plan.to_json()["inputs"]["defibrotide_weight"]["basis"] == "latest weight (fallback)"


def test_without_any_weight_there_is_no_dose() -> None:
    plan = tma_protocol(tma(course()), day(44))
    defib = plan.option("defibrotide")
    assert defib.dose is None
    assert defib.dose_missing == "defibrotide dosing needs the weight"
    assert any("no weight at all" in w for w in plan.warnings)


def test_e_therapeutic_enoxaparin_blocks_defibrotide_with_the_medication_as_evidence() -> None:
    """Therapeutic enoxaparin from day +35 (no end: still running). Label: concomitant systemic
    anticoagulation is a contraindication -> defibrotide blocked, the order cited."""
    plan = tma_protocol(tma(course(extra="-12 weight 18.4"), "35 enoxaparin intent=therapeutic"),
                        day(44))
    defib = plan.option("defibrotide")
    assert defib.status is S.BLOCKED and not defib.is_next
    assert plan.blocked
    (hold,) = plan.holds
    assert (hold.finding.rule, hold.finding.action.value) == ("concomitant-anticoagulant", "block")
    assert hold.evidence[0].record_id == "m0"
    assert "enoxaparin (therapeutic) from 2026-02-05" in hold.evidence[0].note
    assert defib.reasons[0].evidence == hold.evidence
    assert defib.dose is not None  # the dose is still shown for when the block is lifted


def test_prophylactic_enoxaparin_blocks_and_only_line_heparin_warns() -> None:
    """Issue 17 finding 1: LMWH blocks at any intent (US label section 4, clinical reference I1
    [S]). Heparin for central-line maintenance is the SmPC 4.4 exception: a warning, unless the
    centre's policy blocks it too."""
    timeline = tma(course(extra="-12 weight 18.4"), "35 enoxaparin intent=prophylactic")
    assert tma_protocol(timeline, day(44)).option("defibrotide").status is S.BLOCKED
    line = tma(course(extra="-12 weight 18.4"), "35 heparin intent=line_maintenance")
    plan = tma_protocol(line, day(44))
    assert plan.option("defibrotide").status is S.SUGGESTED
    assert [h.finding.action.value for h in plan.holds] == ["warn"]
    strict = tma_protocol(line, day(44), line_heparin_blocks=True)
    assert strict.option("defibrotide").status is S.BLOCKED


def test_stopped_anticoagulant_does_not_block() -> None:
    """Therapeutic heparin stopped at 20:00 on day +38: its 12 h washout (EU SmPC 4.4) ended on
    day +39, long before day +44 (washouts in progress: test_defibrotide_holds.py)."""
    plan = tma_protocol(tma(course(extra="-12 weight 18.4"),
                            "30 heparin end=38 intent=therapeutic"), day(44))
    assert plan.holds == ()


def test_open_grade_3_bleeding_blocks_and_two_vasopressors_warn() -> None:
    """Bleeding grade 3 on day +43 (within 48 h of the end of day +44): block. Two vasopressors
    running: the label asks for stability on at most one -> warning."""
    plan = tma_protocol(tma(course(extra="-12 weight 18.4"), "42 vasopressor\n43 vasopressor",
                            "43 bleeding grade=3"), day(44))
    rules = {h.finding.rule: h.finding.action.value for h in plan.holds}
    assert rules == {"active-bleeding": "block", "haemodynamic-instability": "warn"}
    older = tma_protocol(tma(course(extra="-12 weight 18.4"), events="40 bleeding grade=3"),
                         day(44))
    assert older.holds == ()


def test_invasive_procedure_within_2_h_of_the_check_blocks() -> None:
    """Procedure at 14:00 on day +44; checked at 12:30 -> 1.5 h ahead (< 2 h): block. Checked
    over the whole day (no time): a warning to hold the dose due in the 2 h before it."""
    timeline = tma(course(extra="-12 weight 18.4"), events="44 invasive_procedure hour=14")
    at = datetime(2026, 2, 14, 12, 30, tzinfo=UTC)
    plan = tma_protocol(timeline, day(44), at=at)
    (hold,) = plan.holds
    assert (hold.finding.rule, hold.finding.action.value) == ("invasive-procedure", "block")
    assert "in 1.5 h" in hold.finding.reason
    assert plan.rules.to_json()["options"]["holds_checked"] == f"at {at.isoformat()}"
    whole_day = tma_protocol(timeline, day(44))
    assert [h.finding.action.value for h in whole_day.holds] == ["warn"]


def test_running_defibrotide_course_dates_from_the_first_dose() -> None:
    """Defibrotide from day +43: in progress on day +44 (day 1); reassess day 14 = day +57
    (2026-02-27) and day 28 = day +71 (2026-03-13)."""
    plan = tma_protocol(tma(course(extra="-12 weight 18.4"), "43 defibrotide"), day(44))
    assert plan.option("defibrotide").status is S.IN_PROGRESS
    assert (plan.course["start"], plan.course["day_of_course"]) == ("2026-02-13", 1)
    assert [r["date"] for r in plan.course["reassess"]] == ["2026-02-27", "2026-03-13"]


def test_high_risk_ta_tma_suggests_eculizumab_as_the_alternative() -> None:
    """LDH 900 >= 2 x ULN 320 (high-risk feature, A1). Latest weight 16 kg -> tier 10 to < 20 kg:
    600 mg weekly x 1, then 300 mg from week 2 every 2 weeks (B3), with the level-guided warning.
    Defibrotide stays the next option; eculizumab is the suggested alternative."""
    plan = tma_protocol(tma(course(ldh=900, extra="-12 weight 18.4\n40 weight 16")), day(44))
    ecu = plan.option("eculizumab")
    assert plan.summary["high_risk"] is True
    assert ecu.status is S.SUGGESTED and not ecu.is_next
    assert ecu.dose is not None
    assert [(p.dose.value, p.every_days, p.count) for p in ecu.dose.schedule] == [
        (600.0, 7, 1), (300.0, 14, None)]
    assert any("level-guided" in w for w in plan.warnings)
    blocked = tma_protocol(tma(course(ldh=900, extra="-12 weight 18.4\n40 weight 16"),
                               "35 heparin intent=therapeutic"), day(44))
    assert [o.drug for o in blocked.next_options] == ["eculizumab"]


def test_not_high_risk_or_not_diagnosed_keeps_eculizumab_back() -> None:
    plan = tma_protocol(tma(course(extra="-12 weight 18.4")), day(44))
    assert plan.option("eculizumab").status is S.NOT_YET
    early = tma_protocol(tma(course(extra="-12 weight 18.4")), day(41))
    assert early.summary["status"] != "ta-tma"
    assert early.option("defibrotide").status is S.NOT_YET
    assert early.warnings[0].startswith("TA-TMA not diagnosed by harmonized-2023")


def test_a_weight_far_off_the_growth_chart_is_questioned_not_dosed() -> None:
    """The same 5-year-old with 184 kg recorded before conditioning (a slip for 18.4): far beyond
    the CDC 2000 weight-for-age chart (z > +4, [Design] bound in thrombo.dosing.weight_checks).
    Expected: defibrotide keeps its place in the plan but carries no dose, and says why; never
    6.25 x 184 = 1,150 mg q6h."""
    plan = tma_protocol(tma(course(extra="-12 weight 184")), day(44))
    defib = plan.option("defibrotide")
    assert defib.dose is None
    assert defib.dose_missing is not None and "weight" in defib.dose_missing
    assert "184" in defib.dose_missing


def test_the_weight_is_judged_at_the_age_it_was_measured() -> None:
    """A pre-conditioning weight of 12.5 kg at 5.2 years (z about -2.4 on CDC 2000) read in a
    plan three years later, at 8.2 years, where 12.5 kg would be far off the chart: the check
    compares the weight with children of the age it was measured at, so it is dosed
    (6.25 x 12.5 = 78.1 mg); a 184 kg slip is still questioned, at 5.2 years."""
    later = day(44 + 3 * 365)
    dosed = tma_protocol(tma(course(extra="-12 weight 12.5")), later).option("defibrotide")
    assert dosed.dose is not None
    assert dosed.dose.dose.value == 78.1  # type: ignore[union-attr]
    slip = tma_protocol(tma(course(extra="-12 weight 184")), later).option("defibrotide")
    assert slip.dose is None and slip.dose_missing is not None
    assert "aged 5.2 y" in slip.dose_missing
