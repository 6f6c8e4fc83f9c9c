"""Criteria shared by several TA-TMA sets, each number once beside its citation.

References are to clinical-reference.md section A, with its confidence markers.
"""

from __future__ import annotations

from thrombo.rules.model import (
    AllOf,
    AnyOf,
    Baseline,
    BloodPressure,
    BPPercentile,
    EventOccurred,
    Fixed,
    Lab,
    LabULN,
    Op,
    Presence,
    Threshold,
)
from thrombo.rules.tma.options import ScreeningOptions

# A1 Harmonized 2023 [S-2nd] and A2 Jodele 2014 [S-2nd]: at 18 y (2023) / above 18 y (Jodele)
# hypertension is SBP >= 140 or DBP >= 90 mm Hg. [Design] Both sets use the adult values from
# 18 completed years, where the paediatric tables (ages 1-17) end.
ADULT_SBP_MMHG = 140.0
ADULT_DBP_MMHG = 90.0
ADULT_FROM_YEARS = 18
# A1, A2, A4 [S-2nd]: thrombocytopenia includes a fall of >= 50% from baseline / prior counts.
PLATELET_FALL_FRACTION = 0.5
# A2 Jodele 2014 and A4 IWG 2007 [S-2nd]: thrombocytopenia is platelets < 50 x 10^9/L.
PLATELETS_LOW_10E9_L = 50.0
# A1 [S-2nd]: anaemia includes a haemoglobin fall of 1 g/dL from the patient's own baseline.
HB_FALL_G_DL = 1.0
# A3 BMT CTN 2005 [S-2nd]: renal dysfunction is a doubling of serum creatinine from the baseline
# before hydration and conditioning.
CREATININE_RISE_FACTOR = 2.0
# A1 high-risk LDH [S-2nd]: LDH >= 2 x ULN.
LDH_HIGH_RISK_MULTIPLE = 2.0
# A1 high-risk GVHD [S-2nd]: concurrent acute GVHD grade II-IV.
GVHD_HIGH_RISK_MIN_GRADE = 2

# A1 [S-2nd] (criterion 7 and the high-risk feature): random UPCR >= 1 mg/mg.
UPCR_MG_MG = 1.0
# A2 Jodele 2014: proteinuria marker >= 30 mg/dL [S-2nd]; high-risk feature > 30 mg/dL [S].
URINE_PROTEIN_MG_DL = 30.0
# [Design] (not in the clinical reference): a dipstick of 1+ reads about 30 mg/dL of protein.
DIPSTICK_BELOW_1PLUS = ("negative", "trace")
DIPSTICK_ABOVE_1PLUS = ("2+", "3+", "4+")
DIPSTICK_WARNING = (
    "urine dipstick 1+ counted as protein >= 30 mg/dL: a [Design] equivalence not confirmed in "
    "the clinical reference (option dipstick_1plus_is_30_mg_dl)"
)

# [Design] (not in the clinical reference): harmonized thrombocytopenia (a), "failure of
# platelet engraftment", is read as no platelet engraftment by day +60 after the transplant -
# the cut-off of the "delayed platelet recovery" literature (e.g. Akahoshi Y et al.,
# Hematological Oncology: no platelet recovery by day 60; citation details unverified), since A1
# gives no day. Before it, a child not yet
# engrafted is not counted as failing.
PLATELET_ENGRAFTMENT_FAILURE_DAY = 60
ENGRAFTMENT_FAILURE_WARNING = (
    "failure of platelet engraftment read as none by day +60 after transplant: a [Design] "
    "cut-off, not given by the 2023 consensus (clinical-reference.md A1)"
)

# [Design] The platelet baseline is the highest count from platelet engraftment on (A1: "fall
# from baseline count after full platelet engraftment").
PLATELET_BASELINE = Baseline("max", anchor="platelet_engraftment", side="after")
# [Design] BMT CTN's creatinine baseline is the last value before conditioning (A3).
CREATININE_BASELINE = Baseline("last", anchor="conditioning_start", side="before")

MMHG = "mm[Hg]"


def hb_baseline(options: ScreeningOptions) -> Baseline:
    return Baseline("median", lookback_days=options.hb_baseline_lookback_days)


def ldh_above(multiple: float = 1.0, op: Op = ">") -> Lab:
    """LDH against the lab's ULN, else the paediatric age table (unverified, warned)."""
    return Lab("ldh", (Threshold(op, LabULN(multiple, fallback="ldh")),))


def schistocytes_present() -> Lab:
    """Present on the smear; a count above zero in either unit counts as present [Design]."""
    return Lab("schistocytes", (
        Presence(),
        Threshold(">", Fixed(0.0, "%"), unit="%"),
        Threshold(">", Fixed(0.0, "/[HPF]"), unit="/[HPF]"),
    ))


def hypertension(
    options: ScreeningOptions, child_op: Op, percentile: int, adult_op: Op, tables_from: int
) -> BloodPressure:
    return BloodPressure(
        child_op=child_op,
        child_limit=BPPercentile(percentile),
        adult_op=adult_op,
        adult_systolic=Fixed(ADULT_SBP_MMHG, MMHG),
        adult_diastolic=Fixed(ADULT_DBP_MMHG, MMHG),
        adult_from_years=ADULT_FROM_YEARS,
        tables_from_years=tables_from,
        height_lookback_days=options.height_lookback_days,
        default_height_percentile=options.bp_missing_height,
    )


def rbc_transfusion_need(options: ScreeningOptions) -> EventOccurred:
    """[Design] A1 (a)/(c): an RBC transfusion on or after neutrophil engraftment."""
    return EventOccurred("rbc_transfusion", after="neutrophil_engraftment", absent=options.absent)


def platelet_transfusion_need(options: ScreeningOptions) -> AnyOf:
    """[Design] A1 2(b)/(c): a platelet transfusion on or after platelet engraftment, or a
    transfusion recorded as refractory (clinician judgements captured as coded events)."""
    return AnyOf((
        EventOccurred("platelet_transfusion", after="platelet_engraftment",
                      absent=options.absent),
        EventOccurred("platelet_transfusion_refractory", absent=options.absent),
    ))


def biopsy(options: ScreeningOptions) -> EventOccurred:
    """A `tma_biopsy` event records tissue (kidney or gut) showing TMA."""
    return EventOccurred("tma_biopsy", absent=options.absent)


def normal_coagulation() -> AllOf:
    """PT and aPTT at or below the laboratory's upper limit (no fallback table exists)."""
    return AllOf((
        Lab("pt", (Threshold("<=", LabULN()),)),
        Lab("aptt", (Threshold("<=", LabULN()),)),
    ))


def coombs_negative() -> Lab:
    """A negative direct antiglobulin test (the indirect test is not in the catalogue)."""
    return Lab("dat", (Presence(yes=("absent",), no=("present",)),))
