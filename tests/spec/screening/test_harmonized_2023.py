"""Harmonized 2023 TA-TMA criteria, as a clinician would check them.

Source: Schoettler ML et al. Transplant Cell Ther 2023;29(3):151-163 (clinical-reference.md A1):
TA-TMA = biopsy, or >= 4 of 7 criteria within 14 days at two consecutive time points.
Default patient: a girl born 2016-06-01 (9 years old in early 2026), allogeneic transplant on
day 0 = 2026-01-01, neutrophil engraftment day +20, platelet engraftment day +25.
"""

from __future__ import annotations

from datetime import date

import pytest

from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .tables import day, feature, one_result, outcome, patient, screened, timeline

SET = criteria_set("harmonized-2023")


# --- each criterion alone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("320", "not_met"), ("321", "met"), ("250", "not_met")],
)
def test_ldh_above_the_lab_upper_limit(value: str, expected: str) -> None:
    """LDH > ULN (A1): exactly at the lab's ULN of 320 U/L is not above it."""
    assert outcome(one_result("ldh", value, "U/L", ref_high="320"), "ldh", 40, SET) == expected


def test_ldh_without_a_lab_range_uses_the_age_table_and_warns() -> None:
    """Paediatric 1-9 y ULN 321 U/L (E5 [S-2nd], warned): 330 U/L is above it."""
    tl = one_result("ldh", "330", "U/L")
    assert outcome(tl, "ldh", 40, SET) == "met"
    assert any("unverified" in w for w in screened(tl, SET).warnings)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("1.0", "mg/mg", "met"), ("0.99", "mg/mg", "not_met"), ("113.12", "mg/mmol", "met"),
     ("1000", "mg/g", "met"), ("100", "mg/mmol", "not_met")],
)
def test_proteinuria_upcr_at_least_1_mg_per_mg(value: str, unit: str, expected: str) -> None:
    """rUPCR >= 1 mg/mg (A1); 1 mg/mg = 113.12 mg/mmol = 1000 mg/g (section H)."""
    tl = timeline(f"""
        day | analyte | value   | unit
        40  | upcr    | {value} | {unit}
    """)
    assert outcome(tl, "proteinuria", 40, SET) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("present", "met"), ("absent", "not_met"), ("0", "not_met"),
                            ("1", "met")],
)
def test_schistocytes_present_on_the_smear(value: str, expected: str) -> None:
    """Present (A1 sets no count): a reported count above zero counts as present."""
    unit = "" if value in {"present", "absent"} else "%"
    assert outcome(one_result("schistocytes", value, unit), "schistocytes", 40, SET) == expected


@pytest.mark.parametrize(("value", "expected"), [("244", "met"), ("243", "not_met")])
def test_sc5b9_at_or_above_the_assay_upper_limit(value: str, expected: str) -> None:
    """sC5b-9 >= ULN (A1): at the assay's ULN counts."""
    assert outcome(one_result("sc5b9", value, "ng/mL", ref_high="244"), "sc5b9", 40,
                   SET) == expected


def test_sc5b9_without_the_assay_range_is_indeterminate() -> None:
    """sC5b-9 ULN is assay-specific (section 0): no range, no answer."""
    assert outcome(one_result("sc5b9", "900", "ng/mL"), "sc5b9", 40, SET) == "indeterminate"


@pytest.mark.parametrize(
    ("value", "expected"), [("10.0", "met"), ("10.1", "not_met"), ("100", "met")],
)
def test_anemia_haemoglobin_fall_of_1_g_dl_from_baseline(value: str, expected: str) -> None:
    """Hb fall of 1 g/dL from the patient's baseline (A1); baseline = median of the 28 days
    before (option): 10.9, 11.0, 11.2 -> 11.0, so 10.0 g/dL (= 100 g/L) is exactly a 1 g/dL fall."""
    unit = "g/L" if value == "100" else "g/dL"
    tl = timeline(f"""
        day | analyte    | value   | unit
        30  | hemoglobin | 10.9    | g/dL
        33  | hemoglobin | 11.2    | g/dL
        36  | hemoglobin | 11.0    | g/dL
        40  | hemoglobin | {value} | {unit}
    """)
    assert outcome(tl, "anemia", 40, SET) == expected


def test_anemia_rbc_transfusion_after_neutrophil_engraftment() -> None:
    """New transfusion need despite engraftment (A1 (a)/(c)): before day +20 it does not count."""
    tl = timeline("""
        day | analyte    | value | unit
        18  | hemoglobin | 8.0   | g/dL
        40  | hemoglobin | 8.0   | g/dL
    """, events="""
        day | event
        18  | rbc_transfusion
        38  | rbc_transfusion
    """)
    assert outcome(tl, "anemia", 18, SET) == "indeterminate"  # no Hb baseline, early transfusion
    assert outcome(tl, "anemia", 40, SET) == "met"


@pytest.mark.parametrize(("value", "expected"), [("60", "met"), ("61", "not_met"),
                                                 ("60000", "met")])
def test_thrombocytopenia_fall_of_half_after_platelet_engraftment(value: str,
                                                                   expected: str) -> None:
    """Fall >= 50% from the highest count since platelet engraftment (day +25): 120 -> 60.
    60,000 /uL is 60 x 10^9/L (section H)."""
    unit = "/uL" if value == "60000" else "10*9/L"
    tl = timeline(f"""
        day | analyte   | value   | unit
        24  | platelets | 200     | 10*9/L
        26  | platelets | 90      | 10*9/L
        30  | platelets | 120     | 10*9/L
        40  | platelets | {value} | {unit}
    """)
    assert outcome(tl, "thrombocytopenia", 40, SET) == expected


def test_thrombocytopenia_without_engraftment_date_is_indeterminate() -> None:
    tl = timeline("""
        day | analyte   | value | unit
        30  | platelets | 120   | 10*9/L
        40  | platelets | 20    | 10*9/L
    """, who=patient(platelet_engraftment=None))
    assert outcome(tl, "thrombocytopenia", 40, SET) == "indeterminate"


def test_thrombocytopenia_refractory_platelet_transfusion() -> None:
    tl = timeline("""
        day | analyte   | value | unit
        40  | platelets | 140   | 10*9/L
    """, events="""
        day | event
        35  | platelet_transfusion_refractory
    """)
    assert outcome(tl, "thrombocytopenia", 40, SET) == "met"


@pytest.mark.parametrize(
    ("sbp", "expected"),
    [("128", "met"), ("120", "not_met"), ("124", "indeterminate"), ("127", "indeterminate")],
)
def test_hypertension_99th_percentile_without_height(sbp: str, expected: str) -> None:
    """Girl aged 9, 2004 Fourth Report 99th percentile SBP 121 (5th height percentile) to 127
    (95th): without a height, above 127 is met, 121 or less not met, between indeterminate."""
    tl = timeline(f"""
        day | analyte      | value | unit
        40  | systolic_bp  | {sbp} | mm[Hg]
        40  | diastolic_bp | 60    | mm[Hg]
    """)
    assert outcome(tl, "hypertension", 40, SET) == expected


@pytest.mark.parametrize(("sbp", "expected"), [("124", "not_met"), ("125", "met")])
def test_hypertension_with_a_default_height_percentile(sbp: str, expected: str) -> None:
    """Option bp_missing_height = 50: the 99th percentile SBP at the 50th height is 124."""
    tl = timeline(f"""
        day | analyte     | value | unit
        40  | systolic_bp | {sbp} | mm[Hg]
    """)
    chosen = criteria_set("harmonized-2023", ScreeningOptions(bp_missing_height=50))
    assert outcome(tl, "hypertension", 40, chosen) == expected
    assert chosen.options["bp_missing_height"] == 50


@pytest.mark.parametrize(("sbp", "dbp", "expected"),
                         [("140", "70", "met"), ("139", "90", "met"), ("139", "89", "not_met")])
def test_hypertension_from_18_years_is_140_over_90(sbp: str, dbp: str, expected: str) -> None:
    tl = timeline(f"""
        day | analyte      | value | unit
        40  | systolic_bp  | {sbp} | mm[Hg]
        40  | diastolic_bp | {dbp} | mm[Hg]
    """, who=patient(birth_date=day(40).replace(year=2008)))
    assert outcome(tl, "hypertension", 40, SET) == expected


def test_infant_blood_pressure_is_not_assessable() -> None:
    """Under 1 year the tables do not apply (A7): indeterminate, never silently negative."""
    tl = timeline("""
        day | analyte     | value | unit
        40  | systolic_bp | 150   | mm[Hg]
    """, who=patient(birth_date=day(-100)))
    assert outcome(tl, "hypertension", 40, SET) == "indeterminate"


# --- the 14-day window --------------------------------------------------------------------


@pytest.mark.parametrize(("on_day", "expected"),
                         [(40, "met"), (53, "met"), (54, "indeterminate")])
def test_window_is_the_day_and_the_13_before(on_day: int, expected: str) -> None:
    tl = timeline("""
        day | analyte | value | unit | ref_high
        40  | ldh     | 900   | U/L  | 320
    """)
    assert outcome(tl, "ldh", on_day, SET) == expected


def test_one_qualifying_value_in_the_window_is_enough() -> None:
    """Met when a qualifying value lies in the window, even if a later value is normal."""
    tl = timeline("""
        day | analyte | value | unit | ref_high
        40  | ldh     | 900   | U/L  | 320
        45  | ldh     | 250   | U/L  | 320
    """)
    assert outcome(tl, "ldh", 45, SET) == "met"


def test_high_risk_ldh_twice_the_upper_limit() -> None:
    """hrTMA LDH >= 2 x ULN (A1): 640 U/L with ULN 320."""
    tl = timeline("""
        day | analyte | value | unit | ref_high
        40  | ldh     | 640   | U/L  | 320
    """)
    assert feature(tl, "ldh_2x_uln", 40, SET) == "met"


def test_high_risk_gvhd_grade_2_to_4() -> None:
    tl = timeline(events="""
        day | event | grade
        38  | gvhd  | 1
    """)
    assert feature(tl, "acute_gvhd", 40, SET) == "not_met"
    tl = timeline(events="""
        day | event | grade
        38  | gvhd  | 2
    """)
    assert feature(tl, "acute_gvhd", 40, SET) == "met"


def test_results_name_the_rule_set_and_its_options() -> None:
    assert SET.rules_json()["name"] == "harmonized-2023"
    assert SET.options["diagnosis_date"] == "second-time-point"


@pytest.mark.parametrize(("value", "expected"), [
    ("2008-02-14", "not_met"),  # 17.99 y, paediatric: 141 is not above the 99th pct, 143
    ("2008-02-10", "met"),      # 18.0 y, adult: 141 >= 140
])
def test_adult_limits_from_18_years(value: str, expected: str) -> None:
    """A boy with SBP 141 / DBP 70 on day 40 (2026-02-10), aged 17.99 or exactly 18.0 years.
    Under 18 (A1): > 99th percentile, which at 17 y and the 50th height percentile (option
    bp_missing_height = 50) is SBP 143 / DBP 94 (2004 Fourth Report); from 18: >= 140/90. 141
    meets the adult limit only, so the answer shows which one applied."""
    tl = timeline("""
        day | analyte      | value | unit
        40  | systolic_bp  | 141   | mm[Hg]
        40  | diastolic_bp | 70    | mm[Hg]
    """, who=patient(birth_date=date.fromisoformat(value), sex="M"))
    chosen = criteria_set("harmonized-2023", ScreeningOptions(bp_missing_height=50))
    assert outcome(tl, "hypertension", 40, chosen) == expected
