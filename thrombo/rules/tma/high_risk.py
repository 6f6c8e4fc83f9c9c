"""High-risk TA-TMA features, decided on the diagnosis day (clinical-reference.md A1, A2).

Feature names are the output's `high_risk_features`.
"""

from __future__ import annotations

from thrombo.rules.model import AnyOf, EventOccurred, Fixed, Lab, LabULN, Named, Presence, Threshold
from thrombo.rules.tma import common
from thrombo.rules.tma.options import ScreeningOptions


def harmonized_high_risk(options: ScreeningOptions) -> tuple[Named, ...]:
    return (
        Named("sc5b9_uln", Lab("sc5b9", (Threshold(">=", LabULN()),)), "sC5b-9 >= ULN (A1)"),
        Named("upcr_1", Lab("upcr", (Threshold(">=", Fixed(common.UPCR_MG_MG, "mg/mg")),)),
              "rUPCR >= 1 mg/mg (A1 [S-2nd])"),
        Named("ldh_2x_uln", common.ldh_above(common.LDH_HIGH_RISK_MULTIPLE, ">="),
              "LDH >= 2 x ULN (A1 [S-2nd])"),
        Named("acute_gvhd", EventOccurred("gvhd", min_grade=common.GVHD_HIGH_RISK_MIN_GRADE,
                                          absent=options.absent),
              "concurrent acute GVHD grade II-IV (A1 [S-2nd])"),
        Named("infection", EventOccurred("infection", absent=options.absent),
              "concurrent bacterial or viral infection (A1 [S-2nd])"),
        Named("organ_dysfunction", AnyOf((
            EventOccurred("dialysis", absent=options.absent),
            EventOccurred("neurological_event", absent=options.absent),
        )), "[Design] dialysis or a neurological event (A1 leaves organs to the clinician)"),
    )


def jodele_high_risk(options: ScreeningOptions) -> tuple[Named, ...]:
    tests: list[Threshold | Presence] = [
        Threshold(">", Fixed(common.URINE_PROTEIN_MG_DL, "mg/dL"))
    ]
    if options.dipstick_1plus_is_30_mg_dl:
        # 1+ is about 30 mg/dL: it cannot show "more than 30", so it stays unknown.
        tests.append(Presence(yes=common.DIPSTICK_ABOVE_1PLUS, no=common.DIPSTICK_BELOW_1PLUS))
    return (
        Named("proteinuria_gt_30", Lab("urine_protein", tuple(tests)),
              "random urine protein > 30 mg/dL (A2 [S])"),
        Named("sc5b9_elevated", Lab("sc5b9", (Threshold(">", LabULN()),)),
              "elevated sC5b-9 (A2 [S])"),
    )
