"""Jodele 2014, BMT CTN 2005 and IWG 2007, as a clinician would check them.

Sources (clinical-reference.md): A2 Jodele S et al. Blood 2014;124(4):645-653; A3 Ho VT et al.
Biol Blood Marrow Transplant 2005;11(8):571-575; A4 Ruutu T et al. Haematologica 2007;92(1):
95-100. Default patient: girl, 9 years, transplant 2026-01-01 (day 0), neutrophil engraftment
day +20, platelet engraftment day +25, conditioning from day -8.
"""

from __future__ import annotations

import pytest

from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .tables import day, feature, one_result, outcome, patient, screened, timeline

JODELE = criteria_set("jodele-2014")
BMTCTN = criteria_set("bmtctn-2005")
IWG = criteria_set("iwg-2007")


# --- Jodele 2014 ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("30", "mg/dL", "met"), ("29", "mg/dL", "not_met"), ("0.30", "g/L", "met"),
    ("1+", "", "met"), ("trace", "", "not_met"),
])
def test_jodele_proteinuria_at_least_30_mg_dl(value: str, unit: str, expected: str) -> None:
    """Random urine protein >= 30 mg/dL (A2); 30 mg/dL = 0.30 g/L (section H); a dipstick of
    1+ counts as 30 mg/dL under the default option."""
    tl = timeline(f"""
        day | analyte       | value   | unit
        40  | urine_protein | {value} | {unit}
    """)
    assert outcome(tl, "proteinuria", 40, JODELE) == expected


def test_jodele_high_risk_proteinuria_is_more_than_30() -> None:
    """High-risk feature: > 30 mg/dL (A2 [S]); exactly 30 is not; a 1+ dipstick cannot tell."""
    for value, expected in (("30", "not_met"), ("31", "met")):
        tl = timeline(f"day | analyte | value | unit\n40 | urine_protein | {value} | mg/dL")
        assert feature(tl, "proteinuria_gt_30", 40, JODELE) == expected
    tl = timeline("day | analyte | value | unit\n40 | urine_protein | 1+ |")
    assert feature(tl, "proteinuria_gt_30", 40, JODELE) == "indeterminate"


@pytest.mark.parametrize(("value", "expected"), [("49", "met"), ("50", "not_met")])
def test_jodele_thrombocytopenia_below_50(value: str, expected: str) -> None:
    tl = timeline(f"day | analyte | value | unit\n40 | platelets | {value} | 10*9/L")
    assert outcome(tl, "thrombocytopenia", 40, JODELE) == expected


@pytest.mark.parametrize(("sbp", "expected"), [("114", "met"), ("113", "not_met")])
def test_jodele_hypertension_95th_percentile_at_the_5th_height(sbp: str, expected: str) -> None:
    """Girl aged 9, 2004 Fourth Report 95th percentile SBP: 114 at the 5th height percentile
    (120 at the 95th). With option bp_missing_height = 5 the limit is 114, and >= counts."""
    chosen = criteria_set("jodele-2014", ScreeningOptions(bp_missing_height=5))
    tl = timeline(f"day | analyte | value | unit\n40 | systolic_bp | {sbp} | mm[Hg]")
    assert outcome(tl, "hypertension", 40, chosen) == expected


def test_jodele_under_3_years_blood_pressure_is_not_assessable_by_default() -> None:
    """A7: Jodele's percentile band starts at 3 y; a 2-year-old is flagged, not negative."""
    toddler = patient(birth_date=day(40).replace(year=2024))
    tl = timeline("day | analyte | value | unit\n40 | systolic_bp | 160 | mm[Hg]", who=toddler)
    assert outcome(tl, "hypertension", 40, JODELE) == "indeterminate"
    tables = criteria_set("jodele-2014", ScreeningOptions(bp_infants="use-tables-from-1-year"))
    assert outcome(tl, "hypertension", 40, tables) == "met"


def test_jodele_anaemia_below_the_who_cut_off() -> None:
    """WHO 5-11 y cut-off 11.5 g/dL (E5 [S]) when the lab gives no range: 11.4 is anaemic."""
    tl = timeline("day | analyte | value | unit\n40 | hemoglobin | 11.4 | g/dL")
    assert outcome(tl, "anemia", 40, JODELE) == "met"


def test_jodele_needs_ldh_schistocytes_thrombocytopenia_and_anaemia_at_one_time_point() -> None:
    """A2 coding (unverified): the four core markers together; no confirmation time point."""
    tl = timeline("""
        day | analyte      | value   | unit   | ref_high
        40  | platelets    | 40      | 10*9/L |
        40  | hemoglobin   | 9.0     | g/dL   |
        40  | ldh          | 600     | U/L    | 320
        40  | schistocytes | present |        |
    """)
    result = screened(tl, JODELE, as_of=45)
    assert (result.status, result.first_met) == ("ta-tma", day(40))
    assert any("unverified" in w for w in criteria_set("jodele-2014").warnings)


# --- BMT CTN 2005 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("2", "/[HPF]", "met"), ("1", "/[HPF]", "not_met"), ("present", "", "indeterminate"),
    ("absent", "", "not_met"), ("3", "%", "indeterminate"),
])
def test_bmtctn_schistocytes_two_per_high_power_field(value: str, unit: str,
                                                      expected: str) -> None:
    """>= 2 per HPF (A3): 'present' without a count, or a percentage, cannot show it."""
    tl = timeline(f"day | analyte | value | unit\n40 | schistocytes | {value} | {unit}")
    assert outcome(tl, "schistocytes", 40, BMTCTN) == expected


@pytest.mark.parametrize(("value", "expected"), [("0.8", "met"), ("0.79", "not_met")])
def test_bmtctn_renal_dysfunction_doubling_of_pre_conditioning_creatinine(
    value: str, expected: str
) -> None:
    """Baseline = last value before conditioning (day -8): 0.4 mg/dL on day -10; 0.8 doubles it.
    The 0.6 on day -2 is during conditioning and is not the baseline."""
    tl = timeline(f"""
        day | analyte    | value   | unit
        -10 | creatinine | 0.4     | mg/dL
        -2  | creatinine | 0.6     | mg/dL
        40  | creatinine | {value} | mg/dL
    """)
    assert outcome(tl, "renal_dysfunction", 40, BMTCTN) == expected


def test_bmtctn_requires_every_element() -> None:
    """Schistocytes 3/HPF, LDH > ULN, creatinine doubled, DAT negative, PT/aPTT normal: TA-TMA.
    Without the DAT the set cannot decide: insufficient data."""
    labs = """
        day | analyte      | value | unit   | ref_high
        -10 | creatinine   | 0.4   | mg/dL  |
        40  | schistocytes | 3     | /[HPF] |
        40  | ldh          | 700   | U/L    | 320
        40  | creatinine   | 1.0   | mg/dL  |
        40  | pt           | 13    | s      | 14
        40  | aptt         | 35    | s      | 40
    """
    assert screened(timeline(labs), BMTCTN, as_of=45).status == "insufficient-data"
    complete = labs + "    40  | dat | absent | |\n"
    result = screened(timeline(complete), BMTCTN, as_of=45)
    assert (result.status, result.first_met) == ("ta-tma", day(40))
    prolonged = complete.replace("| pt           | 13 ", "| pt           | 15 ")
    assert screened(timeline(prolonged), BMTCTN, as_of=45).status == "no-ta-tma"


@pytest.mark.parametrize(("creatinine", "neurological", "expected"), [
    ("1.0", False, "ta-tma"),      # renal dysfunction alone
    ("0.6", True, "ta-tma"),       # neurological dysfunction alone
    ("0.6", False, "no-ta-tma"),   # neither: the organ element is not met
])
def test_bmtctn_organ_element_is_renal_or_neurological_dysfunction(
    creatinine: str, neurological: bool, expected: str
) -> None:
    """A3: renal (creatinine doubled from 0.4 mg/dL before conditioning) and/or neurological
    dysfunction; with neither, the other four elements (schistocytes 3/HPF, LDH 700 > ULN 320,
    DAT negative, PT/aPTT normal) do not make TA-TMA. No neurological event recorded counts as
    none (option absent_events = not-met, the default)."""
    tl = timeline(f"""
        day | analyte      | value        | unit   | ref_high
        -10 | creatinine   | 0.4          | mg/dL  |
        40  | schistocytes | 3            | /[HPF] |
        40  | ldh          | 700          | U/L    | 320
        40  | creatinine   | {creatinine} | mg/dL  |
        40  | pt           | 13           | s      | 14
        40  | aptt         | 35           | s      | 40
        40  | dat          | absent       |        |
    """, events="day | event\n40 | neurological_event" if neurological else "")
    assert screened(tl, BMTCTN, as_of=45).status == expected


# --- IWG 2007 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("4.1", "%", "met"), ("4", "%", "not_met"), ("9", "/[HPF]", "met"), ("8", "/[HPF]", "not_met"),
    ("present", "", "indeterminate"),
])
def test_iwg_schistocytes_above_4_percent(value: str, unit: str, expected: str) -> None:
    """> 4% (A4, unverified) or > 8/HPF (review tables [S-2nd])."""
    assert outcome(one_result("schistocytes", value, unit), "schistocytes", 40, IWG) == expected


@pytest.mark.parametrize(("value", "expected"), [("29", "met"), ("30", "not_met")])
def test_iwg_haptoglobin_below_the_lab_lower_limit(value: str, expected: str) -> None:
    tl = one_result("haptoglobin", value, "mg/dL", ref_low="30")
    assert outcome(tl, "haptoglobin", 40, IWG) == expected


def test_iwg_diagnoses_at_one_time_point_with_all_six_elements() -> None:
    """A4: all six elements together; [Design] one time point suffices (no confirmation): on
    day +40 schistocytes 5%, platelets 40, LDH 700 above the ULN of 320, Hb 9.5 after 11.0
    (a fall of 1.5 g/dL), haptoglobin 10 below the lower limit of 30 and PT/aPTT normal."""
    tl = timeline("""
        day | analyte      | value | unit   | ref_low | ref_high
        30  | hemoglobin   | 11.0  | g/dL   |         |
        40  | schistocytes | 5     | %      |         |
        40  | platelets    | 40    | 10*9/L |         |
        40  | ldh          | 700   | U/L    |         | 320
        40  | hemoglobin   | 9.5   | g/dL   |         |
        40  | haptoglobin  | 10    | mg/dL  | 30      |
        40  | pt           | 13    | s      |         | 14
        40  | aptt         | 35    | s      |         | 40
    """)
    result = screened(tl, IWG, as_of=45)
    assert (result.status, result.first_met) == ("ta-tma", day(40))


def test_iwg_results_carry_the_unverified_thresholds_warning() -> None:
    tl = timeline("day | analyte | value | unit\n40 | platelets | 40 | 10*9/L")
    result = criteria_set("iwg-2007")
    assert any("iwg-2007" in w and "unverified" in w for w in result.warnings)
    assert screened(tl, IWG, as_of=45).status == "insufficient-data"
