"""BMT CTN Toxicity Committee criteria (Ho et al. 2005): every element required.

Ho VT, Cutler C, Carter S, et al. Blood and Marrow Transplant Clinical Trials Network Toxicity
Committee consensus summary: thrombotic microangiopathy after hematopoietic stem cell
transplantation. Biol Blood Marrow Transplant. 2005;11(8):571-575 (clinical-reference.md A3;
elements [S-2nd] from the Blood Advances and EHO 2018 review tables).
"""

from __future__ import annotations

from thrombo.rules.model import (
    CriteriaSet,
    EventOccurred,
    Fixed,
    KOfN,
    Lab,
    Named,
    Presence,
    RiseFromBaseline,
    Threshold,
)
from thrombo.rules.tma import common
from thrombo.rules.tma.options import ScreeningOptions

NAME = "bmtctn-2005"
VERSION = "1"
CITATION = "Ho VT et al. Biol Blood Marrow Transplant 2005;11(8):571-575"

# A3 [S-2nd]: RBC fragmentation is >= 2 schistocytes per high-power field.
SCHISTOCYTES_PER_HPF = 2.0
# [Design] "Concurrent" read as the same 14-day window as the 2023 consensus, one time point.
WINDOW_DAYS = 14
CONSECUTIVE_TIME_POINTS = 1


def criteria(options: ScreeningOptions) -> tuple[Named, ...]:
    # A "present" without a count cannot show >= 2/HPF (unknown); "absent" shows it is not.
    schistocytes = Lab("schistocytes", (
        Threshold(">=", Fixed(SCHISTOCYTES_PER_HPF, "/[HPF]"), unit="/[HPF]"),
        Presence(yes=(), no=("absent",)),
    ))
    renal = Lab("creatinine", (
        RiseFromBaseline(common.CREATININE_BASELINE, factor=common.CREATININE_RISE_FACTOR),
    ))
    return (
        Named("schistocytes", schistocytes, ">= 2 schistocytes per HPF (A3 [S-2nd])"),
        Named("ldh", common.ldh_above(),
              "[Design] LDH above the institutional baseline, read as > lab ULN (A3)"),
        Named("renal_dysfunction", renal,
              "creatinine doubled from the value before conditioning (A3 [S-2nd])"),
        Named("neurological_dysfunction",
              EventOccurred("neurological_event", absent=options.absent),
              "neurological dysfunction without another explanation (A3 [S-2nd])"),
        Named("coombs_negative", common.coombs_negative(), "negative DAT (A3 [S-2nd])"),
        Named("normal_coagulation", common.normal_coagulation(),
              "normal PT and aPTT (A3 [S-2nd])"),
    )


def definition(options: ScreeningOptions | None = None) -> CriteriaSet:
    opts = options or ScreeningOptions()
    organ = KOfN(1, ("renal_dysfunction", "neurological_dysfunction"))
    return CriteriaSet(
        name=NAME,
        version=VERSION,
        citation=CITATION,
        criteria=criteria(opts),
        rule=KOfN(5, ("schistocytes", "ldh", organ, "coombs_negative", "normal_coagulation")),
        window_days=WINDOW_DAYS,
        consecutive=CONSECUTIVE_TIME_POINTS,
        diagnosis_date="first-time-point",
        engraftment=opts.engraftment_rule(),
        options=opts.pick("absent_events", "platelet_engraftment_run",
                          "engraftment_derivation"),
    )
