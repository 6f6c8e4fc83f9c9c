"""Harmonized 2023 consensus (ASTCT/CIBMTR/APBMT/EBMT): the default TA-TMA criteria set.

Schoettler ML, Carreras E, Cho B, et al. Harmonizing definitions for diagnostic criteria and
prognostic assessment of transplantation-associated thrombotic microangiopathy. Transplant Cell
Ther. 2023;29(3):151-163. doi:10.1016/j.jtct.2022.11.015. Criteria table [S-2nd] via Kidney360
2025;6(2):317-330 Table 3 (clinical-reference.md A1).
"""

from __future__ import annotations

from thrombo.rules.model import (
    AnyOf,
    CriteriaSet,
    FallFromBaseline,
    Fixed,
    KOfN,
    Lab,
    LabULN,
    Named,
    NotEngrafted,
    Threshold,
)
from thrombo.rules.tma import common
from thrombo.rules.tma.high_risk import harmonized_high_risk
from thrombo.rules.tma.options import ScreeningOptions

NAME = "harmonized-2023"
VERSION = "1"
CITATION = "Schoettler ML et al. Transplant Cell Ther 2023;29(3):151-163"

# A1 [S-2nd]: clinical diagnosis = at least 4 of the 7 criteria within a 14-day window at two
# consecutive time points (or biopsy-proven TMA).
REQUIRED_CRITERIA = 4
WINDOW_DAYS = 14
CONSECUTIVE_TIME_POINTS = 2
# A1 [S-2nd]: hypertension under 18 y is above the 99th percentile for age, sex and height.
BP_PERCENTILE = 99
# [Design] The 2004 Fourth Report tables start at 1 year; younger infants are not assessable.
BP_TABLES_FROM_YEARS = 1

SEVEN = ("anemia", "thrombocytopenia", "ldh", "schistocytes", "hypertension", "sc5b9",
         "proteinuria")


def criteria(options: ScreeningOptions) -> tuple[Named, ...]:
    anemia = AnyOf((
        Lab("hemoglobin", (FallFromBaseline(common.hb_baseline(options),
                                            amount=common.HB_FALL_G_DL),)),
        common.rbc_transfusion_need(options),
    ))
    thrombocytopenia = AnyOf((
        Lab("platelets", (FallFromBaseline(common.PLATELET_BASELINE,
                                           fraction=common.PLATELET_FALL_FRACTION),)),
        common.platelet_transfusion_need(options),
        NotEngrafted("platelet_engraftment", common.PLATELET_ENGRAFTMENT_FAILURE_DAY),
    ))
    return (
        Named("anemia", anemia, "Hb fall >= 1 g/dL from baseline, or RBC transfusion after "
              "neutrophil engraftment (A1 [S-2nd])"),
        Named("thrombocytopenia", thrombocytopenia, "platelet fall >= 50% after platelet "
              "engraftment, platelet transfusion need / refractoriness, or failure of platelet "
              "engraftment by day +60 ([Design] day) (A1 [S-2nd])"),
        Named("ldh", common.ldh_above(), "LDH > ULN for age (A1 [S-2nd])"),
        Named("schistocytes", common.schistocytes_present(), "schistocytes present (A1)"),
        Named("hypertension",
              common.hypertension(options, ">", BP_PERCENTILE, ">=", BP_TABLES_FROM_YEARS),
              "BP > 99th percentile (< 18 y) or >= 140/90 mm Hg (A1 [S-2nd])"),
        Named("sc5b9", Lab("sc5b9", (Threshold(">=", LabULN()),)), "sC5b-9 >= ULN (A1)"),
        Named("proteinuria", Lab("upcr", (Threshold(">=", Fixed(common.UPCR_MG_MG, "mg/mg")),)),
              "random UPCR >= 1 mg/mg (A1 [S-2nd])"),
        Named("biopsy", common.biopsy(options), "biopsy-proven TMA, kidney or gut (A1)"),
    )


def definition(options: ScreeningOptions | None = None) -> CriteriaSet:
    opts = options or ScreeningOptions()
    return CriteriaSet(
        name=NAME,
        version=VERSION,
        citation=CITATION,
        criteria=criteria(opts),
        rule=KOfN(REQUIRED_CRITERIA, SEVEN),
        window_days=WINDOW_DAYS,
        consecutive=CONSECUTIVE_TIME_POINTS,
        diagnosis_date=opts.diagnosis_date,
        diagnostic_alone=("biopsy",),
        confirmation=opts.confirmation,
        high_risk=harmonized_high_risk(opts),
        engraftment=opts.engraftment_rule(),
        options={**opts.pick("diagnosis_date", "confirmation", "bp_missing_height", "bp_readings",
                             "height_lookback_days", "hb_baseline_lookback_days",
                             "absent_events", "platelet_engraftment_run",
                             "engraftment_derivation"),
                 "failure_of_platelet_engraftment_from_day":
                     common.PLATELET_ENGRAFTMENT_FAILURE_DAY},
        warnings=(common.ENGRAFTMENT_FAILURE_WARNING, *opts.engraftment_warnings),
    )
