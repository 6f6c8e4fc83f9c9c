"""The watch list's five signals, each met, not met, indeterminate and at its boundaries.

Sources: the early markers are elevated LDH, proteinuria on routine urinalysis and hypertension
(Jodele 2014, clinical-reference.md A2 [S]); the limits are A1 (harmonized 2023: LDH > ULN, UPCR
>= 1 mg/mg, BP > 99th percentile or >= 140/90 mm Hg, sC5b-9 >= ULN, platelet fall after
engraftment / transfusion need) and A2 (urine protein >= 30 mg/dL). What makes each marker an
early signal is [Design] (thrombo/rules/watch/options.py): LDH >= 1.25 x the median of the 14 days
before; proteinuria new when every result in the 28 days before was below the limit; platelets
fallen 30% from the highest count after platelet engraftment; sC5b-9 >= 1.5 x the previous
result; a signal stays current for 7 days.
Patient: girl, 9 years, transplant day 0 = 2026-01-01, platelet engraftment day +25.
"""

from __future__ import annotations

import pytest

from tests.spec.screening.tables import one_analyte, one_result

from .tables import ADULT, INFANT, patient, signal, timeline, with_medications

pytestmark = pytest.mark.usefixtures("on_engine")

# --- LDH above the ULN and rising --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("400", "met"), ("321", "met"), ("320", "not_met"), ("300", "not_met")],
)
def test_ldh_above_the_uln_and_risen_over_the_recent_median(value: str, expected: str) -> None:
    """Median of days +30/+33 = 250 U/L; 1.25 x 250 = 312.5. 321 is above the ULN 320 and
    risen: met. 320 is risen but not above the ULN; 300 neither."""
    tl = timeline(one_analyte("ldh", "U/L", {30: "240", 33: "260", 36: value}, ref_high="320"))
    assert signal(tl, "ldh_rising", 36) == expected


@pytest.mark.parametrize(("value", "expected"), [("375", "met"), ("374", "not_met")])
def test_ldh_rise_boundary_is_one_and_a_quarter_times_the_median(
    value: str, expected: str
) -> None:
    """Already above the ULN (250): the median 300 x 1.25 = 375 counts, 374 does not."""
    tl = timeline(one_analyte("ldh", "U/L", {30: "300", 33: "300", 36: value}, ref_high="250"))
    assert signal(tl, "ldh_rising", 36) == expected


def test_ldh_high_but_steady_is_no_signal() -> None:
    """Above the ULN for a week without rising (500 -> 520 < 625): not rising, not met."""
    tl = timeline(one_analyte("ldh", "U/L", {30: "500", 33: "520"}, ref_high="320"))
    assert signal(tl, "ldh_rising", 33) == "not_met"


@pytest.mark.parametrize("earlier", ["", "10  | ldh | 200 | U/L | 320"])
def test_ldh_without_an_earlier_value_in_14_days_is_indeterminate(earlier: str) -> None:
    """A first LDH of 900 on day +30, or one whose only earlier value is 20 days old (day +10
    is outside the 14-day look-back): rising from what? Not decided."""
    tl = timeline(f"""
        day | analyte | value | unit | ref_high
        {earlier}
        30  | ldh     | 900   | U/L  | 320
    """)
    assert signal(tl, "ldh_rising", 30) == "indeterminate"


def test_ldh_signal_lapses_after_the_7_day_window() -> None:
    """Raised on day +36; current to day +42 (the 7 days ending there), gone on day +43."""
    tl = timeline(one_analyte("ldh", "U/L", {30: "250", 36: "500"}, ref_high="320"))
    assert signal(tl, "ldh_rising", 42) == "met"
    assert signal(tl, "ldh_rising", 43) == "indeterminate"  # nothing measured in its window


# --- new proteinuria --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("1.0", "mg/mg", "met"), ("0.99", "mg/mg", "not_met"), ("113.12", "mg/mmol", "met"),
     ("100", "mg/mmol", "not_met")],
)
def test_new_upcr_at_least_1_mg_per_mg(value: str, unit: str, expected: str) -> None:
    """UPCR >= 1 mg/mg (A1) after a normal 0.2 on day +30; 1 mg/mg = 113.12 mg/mmol (H).
    The urinalysis protein (the signal's other measure) is normal on both days."""
    tl = timeline(f"""
        day | analyte       | value   | unit
        30  | upcr          | 0.2     | mg/mg
        30  | urine_protein | 10      | mg/dL
        35  | upcr          | {value} | {unit}
        35  | urine_protein | 10      | mg/dL
    """)
    assert signal(tl, "new_proteinuria", 35) == expected


@pytest.mark.parametrize(("earlier", "expected"), [("0.99", "met"), ("1.0", "not_met"),
                                                    ("1.2", "not_met")])
def test_proteinuria_is_new_only_when_the_earlier_results_were_below_1(
    earlier: str, expected: str
) -> None:
    """An earlier UPCR of 1.0 or 1.2 mg/mg: the proteinuria is not new (urinalysis normal)."""
    tl = timeline(f"""
        day | analyte       | value     | unit
        30  | upcr          | {earlier} | mg/mg
        35  | upcr          | 1.5       | mg/mg
        35  | urine_protein | 10        | mg/dL
    """)
    assert signal(tl, "new_proteinuria", 35) == expected


def test_proteinuria_older_than_28_days_does_not_make_it_old() -> None:
    """Day +5's 1.2 mg/mg lies outside the 28 days before day +40; day +34 was normal: new."""
    tl = timeline("""
        day | analyte | value | unit
        5   | upcr    | 1.2   | mg/mg
        34  | upcr    | 0.3   | mg/mg
        40  | upcr    | 1.5   | mg/mg
    """)
    assert signal(tl, "new_proteinuria", 40) == "met"


def test_a_first_upcr_ever_cannot_be_called_new() -> None:
    """2.0 mg/mg with nothing before it: proteinuria, but new or old is unknown."""
    tl = timeline("""
        day | analyte | value | unit
        35  | upcr    | 2.0   | mg/mg
    """)
    assert signal(tl, "new_proteinuria", 35) == "indeterminate"


def test_a_first_normal_upcr_is_no_proteinuria_new_or_old() -> None:
    """0.4 mg/mg with nothing before it: below 1 mg/mg, so not met whatever came before
    (a result that fails the limit needs no baseline)."""
    tl = timeline("""
        day | analyte       | value | unit
        35  | upcr          | 0.4   | mg/mg
        35  | urine_protein | 10    | mg/dL
    """)
    assert signal(tl, "new_proteinuria", 35) == "not_met"


@pytest.mark.parametrize(("value", "expected"), [("30", "met"), ("29", "not_met")])
def test_new_urine_protein_at_least_30_mg_dl(value: str, expected: str) -> None:
    """Random urinalysis protein >= 30 mg/dL (A2) after 10 mg/dL on day +30 (UPCR normal)."""
    tl = timeline(f"""
        day | analyte       | value   | unit
        30  | urine_protein | 10      | mg/dL
        30  | upcr          | 0.2     | mg/mg
        35  | urine_protein | {value} | mg/dL
        35  | upcr          | 0.2     | mg/mg
    """)
    assert signal(tl, "new_proteinuria", 35) == expected


def test_a_normal_upcr_without_a_urinalysis_leaves_the_signal_open() -> None:
    """The two measures differ (30 mg/dL in concentrated urine can be a UPCR well below 1):
    a normal UPCR alone does not say the urinalysis protein is normal. Indeterminate."""
    tl = timeline("""
        day | analyte | value | unit
        30  | upcr    | 0.2   | mg/mg
        35  | upcr    | 0.3   | mg/mg
    """)
    assert signal(tl, "new_proteinuria", 35) == "indeterminate"


def test_a_dipstick_category_alone_is_not_decided() -> None:
    """'2+' carries no number to compare the earlier results with: indeterminate."""
    tl = timeline("""
        day | analyte       | value
        30  | urine_protein | negative
        35  | urine_protein | 2+
    """)
    assert signal(tl, "new_proteinuria", 35) == "indeterminate"


# --- new hypertension -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sbp", "dbp", "expected"),
    [("140", "80", "met"), ("139", "89", "not_met"), ("120", "90", "met")],
)
def test_adult_blood_pressure_at_140_over_90(sbp: str, dbp: str, expected: str) -> None:
    """From 18 y the default set's adult limit applies: SBP >= 140 or DBP >= 90 mm Hg (A1)."""
    tl = timeline(f"""
        day | analyte      | value | unit
        35  | systolic_bp  | {sbp} | mm[Hg]
        35  | diastolic_bp | {dbp} | mm[Hg]
    """, who=ADULT)
    assert signal(tl, "new_hypertension", 35) == expected


def test_child_pressure_above_the_99th_percentile_for_every_height() -> None:
    """The 9-year-old girl's 99th percentile SBP lies between 121 and 127 mm Hg without a
    height (the screening spec): 128 is above it at every height, 120 below, 124 undecided."""
    readings = {"128": "met", "120": "not_met", "124": "indeterminate"}
    for sbp, expected in readings.items():
        tl = timeline(f"""
            day | analyte      | value | unit
            35  | systolic_bp  | {sbp} | mm[Hg]
            35  | diastolic_bp | 60    | mm[Hg]
        """)
        assert signal(tl, "new_hypertension", 35) == expected, sbp


def test_infant_pressure_is_not_assessable() -> None:
    """Six months old: the tables start at 1 year (A7 [Design]): indeterminate, not normal."""
    tl = timeline("""
        day | analyte      | value | unit
        35  | systolic_bp  | 150   | mm[Hg]
    """, who=INFANT)
    assert signal(tl, "new_hypertension", 35) == "indeterminate"


NORMAL_BP = """
    day | analyte      | value | unit
    30  | systolic_bp  | 100   | mm[Hg]
    30  | diastolic_bp | 60    | mm[Hg]
    36  | systolic_bp  | 100   | mm[Hg]
    36  | diastolic_bp | 60    | mm[Hg]
"""


@pytest.mark.parametrize(
    ("courses", "on_day", "expected"),
    [
        ("amlodipine | 30 | -\nlabetalol | 35 | -", 35, "met"),
        ("amlodipine | 30 | -\nlabetalol | 35 | -", 41, "met"),
        ("amlodipine | 30 | -\nlabetalol | 35 | -", 42, "not_met"),
        ("amlodipine | 30 | 33\nlabetalol | 35 | -", 36, "not_met"),
        ("amlodipine | 30 | -\namlodipine | 35 | -", 36, "not_met"),
        ("amlodipine | 30 | -\nfurosemide | 35 | -", 36, "not_met"),
    ],
)
def test_a_second_antihypertensive_started(courses: str, on_day: int, expected: str) -> None:
    """With normal pressures, a second antihypertensive drug started while the first runs
    (labetalol on day +35 beside amlodipine) is the signal for 7 days (CTCAE '> 1 drug', F).
    Not after the first stopped, not the same drug again, not a loop diuretic ([Design])."""
    tl = with_medications(timeline(NORMAL_BP), f"drug | start | end\n{courses}")
    assert signal(tl, "new_hypertension", on_day) == expected


# --- platelet fall or transfusion need after engraftment --------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("140", "met"), ("141", "not_met")])
def test_platelets_fallen_30_percent_from_the_post_engraftment_peak(
    value: str, expected: str
) -> None:
    """Highest count after engraftment (day +25) is 200; 70% of 200 = 140 counts, 141 not."""
    tl = timeline(one_analyte("platelets", "10*9/L", {26: "180", 30: "200", 40: value}))
    assert signal(tl, "platelet_fall", 40) == expected


def test_counts_before_platelet_engraftment_are_not_the_baseline() -> None:
    """Day +20's 300 is before engraftment (day +25): the peak is 150, and 120 > 105."""
    tl = timeline(one_analyte("platelets", "10*9/L", {20: "300", 30: "150", 40: "120"}))
    assert signal(tl, "platelet_fall", 40) == "not_met"


@pytest.mark.parametrize(("transfused", "expected"), [("30", "met"), ("22", "not_met")])
def test_platelet_transfusion_after_engraftment(transfused: str, expected: str) -> None:
    """A platelet transfusion on or after platelet engraftment (A1 2(b)); one before it on
    day +22 is part of the expected support."""
    tl = timeline(one_analyte("platelets", "10*9/L", {26: "150", 31: "150"}), events=f"""
        day          | event
        {transfused} | platelet_transfusion
    """)
    assert signal(tl, "platelet_fall", 31) == expected


def test_platelets_without_an_engraftment_date_are_indeterminate() -> None:
    """No engraftment recorded and none derivable (no run of counts >= 20): no baseline."""
    tl = timeline(one_analyte("platelets", "10*9/L", {30: "15", 33: "12"}),
                  who=patient(platelet_engraftment=None))
    assert signal(tl, "platelet_fall", 33) == "indeterminate"


# --- rising sC5b-9 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("244", "met"), ("243", "not_met")])
def test_sc5b9_at_the_assay_upper_limit(value: str, expected: str) -> None:
    """sC5b-9 >= ULN (A1) from a first result: 244 counts at the ULN 244, 243 does not."""
    tl = one_result("sc5b9", value, "ng/mL", ref_high="244", on_day=35)
    assert signal(tl, "sc5b9_rising", 35) == expected


@pytest.mark.parametrize(("value", "expected"), [("150", "met"), ("149", "not_met")])
def test_sc5b9_rising_one_and_a_half_times_below_the_limit(value: str, expected: str) -> None:
    """Below the ULN, 1.5 x the previous 100 ng/mL = 150 counts as rising."""
    tl = timeline(f"""
        day | analyte | value   | unit  | ref_high
        30  | sc5b9   | 100     | ng/mL | 244
        35  | sc5b9   | {value} | ng/mL | 244
    """)
    assert signal(tl, "sc5b9_rising", 35) == expected


def test_sc5b9_without_the_assay_range_is_indeterminate() -> None:
    """The ULN is assay-specific (section 0): a first 900 ng/mL without a range is undecided."""
    tl = one_result("sc5b9", "900", "ng/mL", on_day=35)
    assert signal(tl, "sc5b9_rising", 35) == "indeterminate"
