"""International Working Group (IWG/EBMT-EWG) 2007 criteria (Ruutu et al.): all required.

Ruutu T, Barosi G, Benjamin RJ, et al. Diagnostic criteria for hematopoietic stem cell
transplant-associated microangiopathy: results of a consensus process by an International Working
Group. Haematologica. 2007;92(1):95-100 (clinical-reference.md A4: from memory, unverified,
except items marked [S-2nd]).
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
    Named,
    Threshold,
)
from thrombo.rules.tma import common
from thrombo.rules.tma.options import ScreeningOptions

NAME = "iwg-2007"
VERSION = "1"
CITATION = "Ruutu T et al. Haematologica 2007;92(1):95-100"

# A4 (from memory, unverified): schistocytes > 4% of red cells.
SCHISTOCYTES_PERCENT = 4.0
# A4 [S-2nd]: review tables restate it as > 8 per high-power field.
SCHISTOCYTES_PER_HPF = 8.0
# [Design] "Concurrent" read as the same 14-day window as the 2023 consensus, one time point.
WINDOW_DAYS = 14
CONSECUTIVE_TIME_POINTS = 1

ALL = ("schistocytes", "thrombocytopenia", "ldh", "anemia", "haptoglobin", "normal_coagulation")

UNVERIFIED_THRESHOLDS = (
    "iwg-2007: schistocytes > 4%, LDH 'sudden and persistent increase' (read as > ULN) and the "
    "haemoglobin fall are from memory, unverified (clinical reference A4)"
)


def criteria(options: ScreeningOptions) -> tuple[Named, ...]:
    schistocytes = Lab("schistocytes", (
        Threshold(">", Fixed(SCHISTOCYTES_PERCENT, "%"), unit="%"),
        Threshold(">", Fixed(SCHISTOCYTES_PER_HPF, "/[HPF]"), unit="/[HPF]"),
    ))
    thrombocytopenia = Lab("platelets", (
        Threshold("<", Fixed(common.PLATELETS_LOW_10E9_L, "10*9/L")),
        FallFromBaseline(common.PLATELET_BASELINE, fraction=common.PLATELET_FALL_FRACTION),
    ))
    anemia = AnyOf((
        Lab("hemoglobin", (FallFromBaseline(common.hb_baseline(options),
                                            amount=common.HB_FALL_G_DL),)),
        common.rbc_transfusion_need(options),
    ))
    return (
        Named("schistocytes", schistocytes, "> 4% (unverified) or > 8/HPF (A4 [S-2nd])"),
        Named("thrombocytopenia", thrombocytopenia,
              "platelets < 50 x 10^9/L or a fall >= 50% (A4 [S-2nd])"),
        Named("ldh", common.ldh_above(), "LDH increase, read as > ULN (A4, unverified)"),
        Named("anemia", anemia, "Hb fall or RBC transfusion need (A4, unverified)"),
        Named("haptoglobin", Lab("haptoglobin", (Threshold("<", LabLLN()),)),
              "haptoglobin below the lab's lower limit (A4 [S-2nd])"),
        Named("normal_coagulation", common.normal_coagulation(), "normal PT/aPTT (A4 [S-2nd])"),
    )


def definition(options: ScreeningOptions | None = None) -> CriteriaSet:
    opts = options or ScreeningOptions()
    return CriteriaSet(
        name=NAME,
        version=VERSION,
        citation=CITATION,
        criteria=criteria(opts),
        rule=KOfN(len(ALL), ALL),
        window_days=WINDOW_DAYS,
        consecutive=CONSECUTIVE_TIME_POINTS,
        diagnosis_date="first-time-point",
        engraftment=opts.engraftment_rule(),
        options=opts.pick("hb_baseline_lookback_days", "absent_events", "platelet_engraftment_run",
                          "engraftment_derivation"),
        warnings=(UNVERIFIED_THRESHOLDS, *opts.engraftment_warnings),
    )
