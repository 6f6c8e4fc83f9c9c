"""Jodele et al. 2014: paediatric diagnostic and risk criteria for TA-TMA.

Jodele S, Davies SM, Lane A, et al. Diagnostic and risk criteria for HSCT-associated thrombotic
microangiopathy: a study in children and young adults. Blood. 2014;124(4):645-653.
doi:10.1182/blood-2014-03-564997 (clinical-reference.md A2). Marker thresholds [S-2nd] from the
Blood Advances comparison table; the count rule is from memory, unverified.
"""

from __future__ import annotations

from thrombo.rules.model import (
    AnyOf,
    CriteriaSet,
    FallFromBaseline,
    Fixed,
    KOfN,
    Lab,
    LabLLN,
    LabULN,
    Named,
    Presence,
    Threshold,
)
from thrombo.rules.tma import common
from thrombo.rules.tma.high_risk import jodele_high_risk
from thrombo.rules.tma.options import ScreeningOptions

NAME = "jodele-2014"
VERSION = "1"
CITATION = "Jodele S et al. Blood 2014;124(4):645-653"

# A2 (from memory, unverified - confirm against the paper's Table 1): tissue diagnosis, OR LDH
# elevated AND schistocytes AND thrombocytopenia AND anaemia; proteinuria, hypertension and
# sC5b-9 are additional markers (reported, not counted).
CORE_MARKERS = ("ldh", "schistocytes", "thrombocytopenia", "anemia")
# [Design] "Concurrent" markers read as the same 14-day window as the 2023 consensus; one time
# point suffices (the paper's confirmation rule could not be retrieved).
WINDOW_DAYS = 14
CONSECUTIVE_TIME_POINTS = 1
# A2/A7 [S-2nd]: hypertension at 3-18 y is BP >= 95th percentile for age, sex and height.
BP_PERCENTILE = 95
BP_TABLES_FROM_YEARS = 3
# [Design] option bp_infants = use-tables-from-1-year: the Fourth Report tables start at 1 year.
BP_TABLES_FROM_YEARS_ALL = 1

UNVERIFIED_COUNT_RULE = (
    "jodele-2014: the diagnostic count rule (LDH, schistocytes, thrombocytopenia and anaemia "
    "together, or tissue) is from memory, unverified (clinical reference A2)"
)
UNVERIFIED_ANEMIA = (
    "jodele-2014: anaemia as Hb below the lower limit or increased transfusion need is from "
    "memory, unverified (clinical reference A2)"
)


def criteria(options: ScreeningOptions) -> tuple[Named, ...]:
    thrombocytopenia = Lab("platelets", (
        Threshold("<", Fixed(common.PLATELETS_LOW_10E9_L, "10*9/L")),
        FallFromBaseline(common.PLATELET_BASELINE, fraction=common.PLATELET_FALL_FRACTION),
    ))
    anemia = AnyOf((
        Lab("hemoglobin", (Threshold("<", LabLLN(fallback="hemoglobin")),)),
        common.rbc_transfusion_need(options),
    ))
    protein: list[Threshold | Presence] = [
        Threshold(">=", Fixed(common.URINE_PROTEIN_MG_DL, "mg/dL"))
    ]
    if options.dipstick_1plus_is_30_mg_dl:
        protein.append(Presence(yes=("1+", *common.DIPSTICK_ABOVE_1PLUS),
                                no=common.DIPSTICK_BELOW_1PLUS))
    tables_from = (
        BP_TABLES_FROM_YEARS if options.bp_infants == "not-assessable" else BP_TABLES_FROM_YEARS_ALL
    )
    return (
        Named("ldh", common.ldh_above(), "LDH above normal for age (A2 [S-2nd])"),
        Named("schistocytes", common.schistocytes_present(), "schistocytes present (A2 [S-2nd])"),
        Named("thrombocytopenia", thrombocytopenia,
              "platelets < 50 x 10^9/L or a fall >= 50% (A2 [S-2nd])"),
        Named("anemia", anemia, "Hb below LLN or RBC transfusion need (A2, unverified)"),
        Named("proteinuria", Lab("urine_protein", tuple(protein)),
              "random urine protein >= 30 mg/dL (A2 [S-2nd])"),
        Named("hypertension", common.hypertension(options, ">=", BP_PERCENTILE, ">=",
                                                  tables_from),
              "BP >= 95th percentile (3-18 y) or >= 140/90 mm Hg (A2 [S-2nd])"),
        Named("sc5b9", Lab("sc5b9", (Threshold(">", LabULN()),)), "sC5b-9 above ULN (A2)"),
        Named("biopsy", common.biopsy(options), "tissue showing microangiopathy (A2)"),
    )


def definition(options: ScreeningOptions | None = None) -> CriteriaSet:
    opts = options or ScreeningOptions()
    warnings = [UNVERIFIED_COUNT_RULE, UNVERIFIED_ANEMIA]
    if opts.dipstick_1plus_is_30_mg_dl:
        warnings.append(common.DIPSTICK_WARNING)
    return CriteriaSet(
        name=NAME,
        version=VERSION,
        citation=CITATION,
        criteria=criteria(opts),
        rule=KOfN(len(CORE_MARKERS), CORE_MARKERS),
        window_days=WINDOW_DAYS,
        consecutive=CONSECUTIVE_TIME_POINTS,
        diagnosis_date="first-time-point",
        diagnostic_alone=("biopsy",),
        high_risk=jodele_high_risk(opts),
        engraftment=opts.engraftment_rule(),
        options=opts.pick("bp_missing_height", "bp_readings", "bp_infants", "height_lookback_days",
                          "absent_events", "dipstick_1plus_is_30_mg_dl", "platelet_engraftment_run",
                          "engraftment_derivation"),
        warnings=(*warnings, *opts.engraftment_warnings),
    )
