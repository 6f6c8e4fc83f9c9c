"""Hand-checked patients under the harmonized 2023 definition (clinical-reference.md A1).

Each vignette is a short post-transplant course; the expected status, date and evidence were
worked out by hand from A1: >= 4 of the 7 criteria in the 14-day window of an assessment day, and
again on the next assessment day (the diagnosis date is that second day by default).
Patient: girl, 9 years, transplant 2026-01-01 (day 0), engraftment day +20 (neutrophils) and
+25 (platelets). Her 99th percentile SBP lies between 121 and 127 mm Hg, DBP 83-87 (no height).
"""

from __future__ import annotations

from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .tables import day, parse, patient, screened, timeline

SET = criteria_set("harmonized-2023")

# One course, each result as reported in the usual unit and again in another unit (converted by
# hand, section H): platelets 150 x 10^9/L = 150000 /uL, Hb 11.0 g/dL = 110 g/L, LDH 900 U/L =
# 15 ukat/L (1 ukat/L = 60 U/L) with the ULN 320 U/L = 5.3333333333 ukat/L.
COURSE_IN_TWO_UNITS = """
    day | analyte      | value   | unit   | ref_high | other   | other_unit | other_ref_high
    30  | platelets    | 150     | 10*9/L |          | 150000  | /uL        |
    30  | hemoglobin   | 11.0    | g/dL   |          | 110     | g/L        |
    40  | platelets    | 60      | 10*9/L |          | 60      | 10*3/uL    |
    40  | hemoglobin   | 9.8     | g/dL   |          | 98      | g/L        |
    40  | ldh          | 900     | U/L    | 320      | 15      | ukat/L     | 5.3333333333
    40  | schistocytes | present |        |          | present |            |
    40  | systolic_bp  | 130     | mm[Hg] |          | 130     | mm[Hg]     |
    40  | diastolic_bp | 88      | mm[Hg] |          | 88      | mm[Hg]     |
    42  | platelets    | 55      | 10*9/L |          | 55000   | /uL        |
    42  | hemoglobin   | 9.2     | g/dL   |          | 92      | g/L        |
    42  | ldh          | 1000    | U/L    | 320      | 16.6666666667 | ukat/L | 5.3333333333
    42  | schistocytes | present |        |          | present |            |
"""


def _reported_as(value: str, unit: str, ref_high: str) -> str:
    """The course's table with the named columns as its value, unit and ref_high."""
    rows = parse(COURSE_IN_TWO_UNITS)
    lines = ["day | analyte | value | unit | ref_high"] + [
        f"{r['day']} | {r['analyte']} | {r[value]} | {r[unit]} | {r[ref_high]}" for r in rows]
    return "\n".join(lines)


CLEAR_TA_TMA = _reported_as("value", "unit", "ref_high")
SAME_IN_OTHER_UNITS = _reported_as("other", "other_unit", "other_ref_high")


def test_clear_ta_tma_is_diagnosed_on_the_confirming_day() -> None:
    """Day +40: anaemia (Hb 11.0 -> 9.8), thrombocytopenia (150 -> 60, a 60% fall), LDH 900 >
    320, schistocytes, hypertension (130 > 127) = 5 of 7. Day +42 (next assessment): the same
    five in its window, four of them re-measured that day (platelets 55, Hb 9.2 <= 9.4 = the
    median 10.4 of days +30/+40 less 1 g/dL, LDH 1000, schistocytes): the second time point
    confirms. Diagnosis on the second time point, day +42 = 2026-02-12."""
    result = screened(timeline(CLEAR_TA_TMA), SET, as_of=50)
    assert result.status == "ta-tma"
    assert result.first_met == day(42)
    assert result.criteria_met == (
        "anemia", "thrombocytopenia", "ldh", "schistocytes", "hypertension")
    assert result.criteria_indeterminate == ("sc5b9", "proteinuria")
    assert result.active is True  # day +50: the day +40/+42 values are still in the window


def test_clear_ta_tma_evidence_names_values_and_thresholds() -> None:
    result = screened(timeline(CLEAR_TA_TMA), SET, as_of=50)
    ldh = [e for e in result.evidence if e.criterion == "ldh"]
    assert [(e.time.date(), e.value.to_json()) for e in ldh] == [  # type: ignore[union-attr]
        (day(40), {"value": 900.0, "unit": "U/L"}),
        (day(42), {"value": 1000.0, "unit": "U/L"}),
    ]
    assert ldh[0].threshold == "> ULN 320 U/L (lab range)"
    hb = next(e for e in result.evidence if e.criterion == "anemia")
    assert hb.threshold.startswith("<= 10 g/dL")


def test_clear_ta_tma_is_high_risk_by_ldh_twice_the_upper_limit() -> None:
    """hrTMA (A1): LDH >= 2 x ULN (900 >= 640)."""
    result = screened(timeline(CLEAR_TA_TMA), SET, as_of=50)
    assert result.high_risk is True
    assert result.high_risk_features == ("ldh_2x_uln",)


def test_first_time_point_option_dates_the_diagnosis_at_day_40() -> None:
    first = criteria_set("harmonized-2023", ScreeningOptions(diagnosis_date="first-time-point"))
    assert screened(timeline(CLEAR_TA_TMA), first, as_of=50).first_met == day(40)
    assert first.options["diagnosis_date"] == "first-time-point"


def test_inactive_once_the_window_has_moved_on() -> None:
    """As of day +60 nothing from day +40-42 is left in the window ending that day."""
    result = screened(timeline(CLEAR_TA_TMA), SET, as_of=60)
    assert (result.status, result.active) == ("ta-tma", False)


def test_later_results_are_ignored_as_of_an_earlier_day() -> None:
    """As of day +41 only one time point (day +40) has 4 or more: not yet diagnosed."""
    result = screened(timeline(CLEAR_TA_TMA), SET, as_of=41)
    assert result.status == "insufficient-data"
    assert result.first_met is None
    assert result.assessed_on == day(40)


def test_same_patient_in_other_units_gives_the_same_answer() -> None:
    """150,000/uL = 150 x 10^9/L; 110 g/L = 11.0 g/dL; 15 ukat/L = 900 U/L, ULN 5.33 ukat/L =
    320 U/L (section H: 1 ukat/L = 60 U/L)."""
    base = screened(timeline(CLEAR_TA_TMA), SET, as_of=50)
    other = screened(timeline(SAME_IN_OTHER_UNITS), SET, as_of=50)
    assert (other.status, other.first_met, other.criteria_met, other.high_risk_features) == (
        base.status, base.first_met, base.criteria_met, base.high_risk_features)
    ldh = next(e for e in other.evidence if e.criterion == "ldh")
    assert ldh.value.to_json() == {"value": 900.0, "unit": "U/L"}  # type: ignore[union-attr]


def _panel(d: int, plt: str, hb: str, ldh: str, schisto: str, upcr: str, sbp: str = "100") -> str:
    return (
        f"{d} | platelets | {plt} | 10*9/L |\n{d} | hemoglobin | {hb} | g/dL |\n"
        f"{d} | ldh | {ldh} | U/L | 320\n{d} | schistocytes | {schisto} | |\n"
        f"{d} | upcr | {upcr} | mg/mg |\n{d} | systolic_bp | {sbp} | mm[Hg] |\n"
        f"{d} | diastolic_bp | 60 | mm[Hg] |\n{d} | sc5b9 | 150 | ng/mL | 244\n"
    )


HEADER = "day | analyte | value | unit | ref_high\n"


def test_isolated_thrombocytopenia_of_poor_graft_function_is_not_ta_tma() -> None:
    """Falling platelets with transfusions, but normal LDH, no schistocytes, normal BP, UPCR and
    sC5b-9, stable Hb: one criterion of seven on every assessment day."""
    labs = HEADER + _panel(30, "120", "10.5", "250", "absent", "0.2") + _panel(
        37, "50", "10.4", "260", "absent", "0.2") + _panel(44, "20", "10.5", "240", "absent", "0.1")
    tl = timeline(labs, events="day | event\n43 | platelet_transfusion\n")
    result = screened(tl, SET, as_of=50)
    assert result.status == "no-ta-tma"
    assert result.criteria_met == ("thrombocytopenia",)
    assert result.assessed_on == day(44)


def test_three_of_seven_is_not_ta_tma() -> None:
    """LDH, schistocytes and proteinuria only: 3 < 4, with the other four measured and normal."""
    labs = HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2") + _panel(
        40, "140", "10.8", "800", "present", "1.4") + _panel(42, "145", "10.9", "850", "present",
                                                             "1.2")
    result = screened(timeline(labs), SET, as_of=50)
    assert result.status == "no-ta-tma"
    assert result.criteria_met == ("ldh", "schistocytes", "proteinuria")
    assert result.criteria_indeterminate == ()


def test_criteria_spread_over_more_than_14_days_do_not_add_up() -> None:
    """LDH and schistocytes on day +40, Hb and platelet falls on day +60: never 4 in one
    window (20 days apart), and every day measured in full."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "150", "11.0", "800", "present", "0.2")
            + _panel(60, "60", "9.5", "250", "absent", "0.2"))
    result = screened(timeline(labs), SET, as_of=70)
    assert result.status == "no-ta-tma"
    assert len(result.criteria_met) == 2


def test_four_criteria_at_a_single_time_point_are_not_confirmed() -> None:
    """Day +40 has 4 of 7; the next assessment day (+60) is measured in full and normal, with
    nothing indeterminate: never confirmed, and no TA-TMA (issue 17 finding 20: too few
    criteria with nothing indeterminate is `no-ta-tma`, not `insufficient-data`)."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "60", "9.5", "800", "present", "0.2")
            + _panel(60, "150", "11.0", "250", "absent", "0.2"))
    result = screened(timeline(labs), SET, as_of=70)
    assert result.status == "no-ta-tma"
    assert result.first_met is None
    assert result.assessed_on == day(40)


def test_four_criteria_awaiting_their_second_time_point_are_not_excluded() -> None:
    """As of day +50 the day +40 count has no later time point yet: it could still be
    confirmed, so the answer is `insufficient-data`, never `no-ta-tma`."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "60", "9.5", "800", "present", "0.2"))
    result = screened(timeline(labs), SET, as_of=50)
    assert (result.status, result.first_met) == ("insufficient-data", None)


def test_a_blood_pressure_alone_cannot_confirm_labs_drawn_once() -> None:
    """Issue 17 finding 12. Day +40: anaemia, thrombocytopenia, LDH and schistocytes (4 of 7).
    Day +41: only a blood pressure (normal). Its 14-day window still holds day +40's labs, but
    nothing was re-measured: option confirmation = re-measured (the default) needs >= 4
    criteria met by results after day +40, so day +41 confirms nothing."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "60", "9.5", "800", "present", "0.2")
            + "41 | systolic_bp | 100 | mm[Hg] |\n41 | diastolic_bp | 60 | mm[Hg] |\n")
    result = screened(timeline(labs), SET, as_of=50)
    assert (result.status, result.first_met) == ("insufficient-data", None)
    assert SET.options["confirmation"] == "re-measured"


def test_re_measured_labs_confirm_after_a_blood_pressure_only_day() -> None:
    """As above, then the labs repeated on day +43 (still 4 of 7): day +43 confirms against
    day +41 (whose window held day +40's four): TA-TMA on day +43."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "60", "9.5", "800", "present", "0.2")
            + "41 | systolic_bp | 100 | mm[Hg] |\n41 | diastolic_bp | 60 | mm[Hg] |\n"
            + _panel(43, "55", "9.0", "850", "present", "0.2"))
    result = screened(timeline(labs), SET, as_of=50)
    assert (result.status, result.first_met) == ("ta-tma", day(43))


def test_window_confirmation_option_counts_old_values_again() -> None:
    """Option confirmation = window (the old reading): day +41's window still holds the four
    criteria of day +40, so the blood-pressure-only day confirms on day +41."""
    labs = (HEADER + _panel(30, "150", "11.0", "250", "absent", "0.2")
            + _panel(40, "60", "9.5", "800", "present", "0.2")
            + "41 | systolic_bp | 100 | mm[Hg] |\n41 | diastolic_bp | 60 | mm[Hg] |\n")
    window = criteria_set("harmonized-2023", ScreeningOptions(confirmation="window"))
    result = screened(timeline(labs), window, as_of=50)
    assert (result.status, result.first_met) == ("ta-tma", day(41))


def test_missing_analytes_give_insufficient_data_not_a_negative() -> None:
    """Only platelet counts: six criteria indeterminate, so TA-TMA cannot be excluded."""
    labs = """
        day | analyte   | value | unit
        30  | platelets | 150   | 10*9/L
        40  | platelets | 140   | 10*9/L
    """
    result = screened(timeline(labs), SET, as_of=50)
    assert result.status == "insufficient-data"
    assert "ldh" in result.criteria_indeterminate


def test_biopsy_diagnoses_by_itself() -> None:
    tl = timeline("day | analyte | value | unit\n30 | platelets | 150 | 10*9/L",
                  events="day | event\n45 | tma_biopsy\n")
    result = screened(tl, SET, as_of=50)
    assert (result.status, result.first_met) == ("ta-tma", day(45))
    assert "biopsy" in result.criteria_met


def test_no_allogeneic_transplant_is_not_applicable() -> None:
    for who in (patient(hsct=None), patient(hsct_type="autologous")):
        result = screened(timeline(CLEAR_TA_TMA, who=who), SET, as_of=50)
        assert result.status == "not-applicable"
