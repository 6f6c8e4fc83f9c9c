"""Every threshold and window of the TA-TMA criteria at the value, just below and just above.

Issue 25: a constant changed on purpose (a mutation) must fail a test. Each row is one
patient and one criterion on day +40 (unless `on`), with the answer the source gives. Sources
(clinical-reference.md): A1 harmonized 2023 [S-2nd], A2 Jodele 2014, A3 BMT CTN 2005 [S-2nd],
A4 IWG 2007, A7 blood-pressure bands; the blood-pressure limits are the 2004 Fourth Report's.
Default patient: girl born 2016-06-01 (9.7 years on day +40 = 2026-02-10), transplant on day 0
(2026-01-01), engraftment days +20 / +25, conditioning from day -8. For a 9-year-old girl the
99th percentile SBP is 121 (5th height percentile) to 127 (95th), 124 at the 50th; the 95th is
114 at the 5th height percentile.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .tables import feature, outcome, patient, timeline


class Case(NamedTuple):
    label: str
    criteria: str
    criterion: str
    rows: str
    born: str = "2016-06-01"
    options: ScreeningOptions = ScreeningOptions()
    on: int = 40

    def __str__(self) -> str:
        return self.label


H, J, B, W = "harmonized-2023", "jodele-2014", "bmtctn-2005", "iwg-2007"
HEIGHT_50 = ScreeningOptions(bp_missing_height=50)
HEIGHT_5 = ScreeningOptions(bp_missing_height=5)
HR = "feature:"  # a high-risk feature rather than a criterion


def bp(sbp: int, dbp: int = 60, on: int = 40) -> str:
    return f"{on} | systolic_bp | {sbp} | mm[Hg] |\n{on} | diastolic_bp | {dbp} | mm[Hg] |"


PLATELET_FALL = "24 | platelets | 200 | 10*9/L |\n26 | platelets | 90 | 10*9/L |\n" \
                "30 | platelets | 120 | 10*9/L |\n"
HB_BASE = "30 | hemoglobin | 11.0 | g/dL |\n"
CREATININE_BASE = "-10 | creatinine | 0.5 | mg/dL |\n"

CASES: list[tuple[Case, str]] = [
    # A1 LDH > ULN (lab ULN 320)
    (Case("ldh 319", H, "ldh", "40 | ldh | 319 | U/L | 320"), "not_met"),
    (Case("ldh 320", H, "ldh", "40 | ldh | 320 | U/L | 320"), "not_met"),
    (Case("ldh 321", H, "ldh", "40 | ldh | 321 | U/L | 320"), "met"),
    # A1 high risk: LDH >= 2 x ULN = 640
    (Case("ldh 639", H, HR + "ldh_2x_uln", "40 | ldh | 639 | U/L | 320"), "not_met"),
    (Case("ldh 640", H, HR + "ldh_2x_uln", "40 | ldh | 640 | U/L | 320"), "met"),
    (Case("ldh 641", H, HR + "ldh_2x_uln", "40 | ldh | 641 | U/L | 320"), "met"),
    # A1 sC5b-9 >= ULN (244); A2 Jodele: above ULN
    (Case("sc5b9 243", H, "sc5b9", "40 | sc5b9 | 243 | ng/mL | 244"), "not_met"),
    (Case("sc5b9 244", H, "sc5b9", "40 | sc5b9 | 244 | ng/mL | 244"), "met"),
    (Case("sc5b9 245", H, "sc5b9", "40 | sc5b9 | 245 | ng/mL | 244"), "met"),
    (Case("jodele sc5b9 244", J, "sc5b9", "40 | sc5b9 | 244 | ng/mL | 244"), "not_met"),
    (Case("jodele sc5b9 245", J, "sc5b9", "40 | sc5b9 | 245 | ng/mL | 244"), "met"),
    # A1 UPCR >= 1 mg/mg
    (Case("upcr 0.99", H, "proteinuria", "40 | upcr | 0.99 | mg/mg |"), "not_met"),
    (Case("upcr 1.00", H, "proteinuria", "40 | upcr | 1.00 | mg/mg |"), "met"),
    (Case("upcr 1.01", H, "proteinuria", "40 | upcr | 1.01 | mg/mg |"), "met"),
    # A1 Hb fall of 1 g/dL from the median of the 28 days before (option): 11.0 -> 10.0
    (Case("hb 10.1", H, "anemia", HB_BASE + "40 | hemoglobin | 10.1 | g/dL |"), "not_met"),
    (Case("hb 10.0", H, "anemia", HB_BASE + "40 | hemoglobin | 10.0 | g/dL |"), "met"),
    (Case("hb 9.9", H, "anemia", HB_BASE + "40 | hemoglobin | 9.9 | g/dL |"), "met"),
    # Hb baseline look-back of 28 days: a baseline 29 days before is too old (no baseline)
    (Case("hb base 27 d", H, "anemia", "13 | hemoglobin | 11.0 | g/dL |\n"
          "40 | hemoglobin | 10.0 | g/dL |"), "met"),
    (Case("hb base 28 d", H, "anemia", "12 | hemoglobin | 11.0 | g/dL |\n"
          "40 | hemoglobin | 10.0 | g/dL |"), "met"),
    (Case("hb base 29 d", H, "anemia", "11 | hemoglobin | 11.0 | g/dL |\n"
          "40 | hemoglobin | 10.0 | g/dL |"), "indeterminate"),
    # A1 platelet fall >= 50% from the highest since engraftment (120 -> 60)
    (Case("plt 61", H, "thrombocytopenia", PLATELET_FALL + "40 | platelets | 61 | 10*9/L |"),
     "not_met"),
    (Case("plt 60", H, "thrombocytopenia", PLATELET_FALL + "40 | platelets | 60 | 10*9/L |"),
     "met"),
    (Case("plt 59", H, "thrombocytopenia", PLATELET_FALL + "40 | platelets | 59 | 10*9/L |"),
     "met"),
    # A2/A4 platelets < 50
    (Case("jodele plt 49", J, "thrombocytopenia", "40 | platelets | 49 | 10*9/L |"), "met"),
    (Case("jodele plt 50", J, "thrombocytopenia", "40 | platelets | 50 | 10*9/L |"), "not_met"),
    (Case("jodele plt 51", J, "thrombocytopenia", "40 | platelets | 51 | 10*9/L |"), "not_met"),
    (Case("iwg plt 49", W, "thrombocytopenia", "40 | platelets | 49 | 10*9/L |"), "met"),
    (Case("iwg plt 50", W, "thrombocytopenia", "40 | platelets | 50 | 10*9/L |"), "not_met"),
    # A1 hypertension > 99th percentile (124 at the 50th height percentile, option)
    (Case("sbp 123", H, "hypertension", bp(123), options=HEIGHT_50), "not_met"),
    (Case("sbp 124", H, "hypertension", bp(124), options=HEIGHT_50), "not_met"),
    (Case("sbp 125", H, "hypertension", bp(125), options=HEIGHT_50), "met"),
    # A2 Jodele >= 95th percentile (114 at the 5th height percentile, option)
    (Case("jodele sbp 113", J, "hypertension", bp(113), options=HEIGHT_5), "not_met"),
    (Case("jodele sbp 114", J, "hypertension", bp(114), options=HEIGHT_5), "met"),
    (Case("jodele sbp 115", J, "hypertension", bp(115), options=HEIGHT_5), "met"),
    # A1 adults (18 y on day +40): SBP >= 140 or DBP >= 90
    (Case("adult sbp 139", H, "hypertension", bp(139), born="2008-02-10"), "not_met"),
    (Case("adult sbp 140", H, "hypertension", bp(140), born="2008-02-10"), "met"),
    (Case("adult sbp 141", H, "hypertension", bp(141), born="2008-02-10"), "met"),
    (Case("adult dbp 89", H, "hypertension", bp(120, 89), born="2008-02-10"), "not_met"),
    (Case("adult dbp 90", H, "hypertension", bp(120, 90), born="2008-02-10"), "met"),
    (Case("adult dbp 91", H, "hypertension", bp(120, 91), born="2008-02-10"), "met"),
    # A7 tables from 1 year (harmonized) and from 3 years (Jodele): SBP 150 is above any limit
    (Case("infant 364 d", H, "hypertension", bp(150), born="2025-02-11"), "indeterminate"),
    (Case("infant 1 y", H, "hypertension", bp(150), born="2025-02-10"), "met"),
    (Case("jodele 2.99 y", J, "hypertension", bp(150), born="2023-02-11"), "indeterminate"),
    (Case("jodele 3.0 y", J, "hypertension", bp(150), born="2023-02-10"), "met"),
    # Height look-back of 180 days: a short girl (115 cm: 5th percentile, limit 121) with SBP
    # 124 is hypertensive; without a height 124 lies between 121 and 127 (undecided)
    (Case("height 179 d", H, "hypertension", "-139 | height | 115 | cm |\n" + bp(124)), "met"),
    (Case("height 180 d", H, "hypertension", "-140 | height | 115 | cm |\n" + bp(124)), "met"),
    (Case("height 181 d", H, "hypertension", "-141 | height | 115 | cm |\n" + bp(124)),
     "indeterminate"),
    # A2 Jodele proteinuria >= 30 mg/dL; high-risk > 30
    (Case("jodele protein 29", J, "proteinuria", "40 | urine_protein | 29 | mg/dL |"), "not_met"),
    (Case("jodele protein 30", J, "proteinuria", "40 | urine_protein | 30 | mg/dL |"), "met"),
    (Case("jodele protein 31", J, "proteinuria", "40 | urine_protein | 31 | mg/dL |"), "met"),
    (Case("jodele hr protein 30", J, HR + "proteinuria_gt_30",
          "40 | urine_protein | 30 | mg/dL |"), "not_met"),
    (Case("jodele hr protein 31", J, HR + "proteinuria_gt_30",
          "40 | urine_protein | 31 | mg/dL |"), "met"),
    # A3 BMT CTN schistocytes >= 2/HPF
    (Case("bmtctn 1/hpf", B, "schistocytes", "40 | schistocytes | 1 | /[HPF] |"), "not_met"),
    (Case("bmtctn 2/hpf", B, "schistocytes", "40 | schistocytes | 2 | /[HPF] |"), "met"),
    (Case("bmtctn 3/hpf", B, "schistocytes", "40 | schistocytes | 3 | /[HPF] |"), "met"),
    # A3 creatinine doubled from the last value before conditioning (0.5 -> 1.0)
    (Case("creat 0.99", B, "renal_dysfunction",
          CREATININE_BASE + "40 | creatinine | 0.99 | mg/dL |"), "not_met"),
    (Case("creat 1.00", B, "renal_dysfunction",
          CREATININE_BASE + "40 | creatinine | 1.00 | mg/dL |"), "met"),
    (Case("creat 1.01", B, "renal_dysfunction",
          CREATININE_BASE + "40 | creatinine | 1.01 | mg/dL |"), "met"),
    # A4 IWG schistocytes > 4% (unverified) or > 8/HPF [S-2nd]
    (Case("iwg 3.9 %", W, "schistocytes", "40 | schistocytes | 3.9 | % |"), "not_met"),
    (Case("iwg 4 %", W, "schistocytes", "40 | schistocytes | 4 | % |"), "not_met"),
    (Case("iwg 4.1 %", W, "schistocytes", "40 | schistocytes | 4.1 | % |"), "met"),
    (Case("iwg 8/hpf", W, "schistocytes", "40 | schistocytes | 8 | /[HPF] |"), "not_met"),
    (Case("iwg 9/hpf", W, "schistocytes", "40 | schistocytes | 9 | /[HPF] |"), "met"),
    # A1 high risk: concurrent acute GVHD grade II-IV (events, below)
    # The 14-day window: a value on day +40 counts on days +40 to +53
    (Case("window day 53", H, "ldh", "40 | ldh | 900 | U/L | 320", on=53), "met"),
    (Case("window day 54", H, "ldh", "40 | ldh | 900 | U/L | 320", on=54), "indeterminate"),
    # A3 BMT CTN "concurrent", read as the same 14-day window ([Design]): days +40 to +53
    (Case("bmtctn window day 53", B, "ldh", "40 | ldh | 900 | U/L | 320", on=53), "met"),
    (Case("bmtctn window day 54", B, "ldh", "40 | ldh | 900 | U/L | 320", on=54),
     "indeterminate"),
    # A2 Jodele and A4 IWG "concurrent", read the same way ([Design]): days +40 to +53
    (Case("jodele window day 53", J, "ldh", "40 | ldh | 900 | U/L | 320", on=53), "met"),
    (Case("jodele window day 54", J, "ldh", "40 | ldh | 900 | U/L | 320", on=54),
     "indeterminate"),
    (Case("iwg window day 53", W, "ldh", "40 | ldh | 900 | U/L | 320", on=53), "met"),
    (Case("iwg window day 54", W, "ldh", "40 | ldh | 900 | U/L | 320", on=54), "indeterminate"),
    # A1 schistocytes present: any count above zero, in % or per HPF ([Design] reading)
    (Case("schisto 0 %", H, "schistocytes", "40 | schistocytes | 0 | % |"), "not_met"),
    (Case("schisto 1 %", H, "schistocytes", "40 | schistocytes | 1 | % |"), "met"),
    (Case("schisto 0/hpf", H, "schistocytes", "40 | schistocytes | 0 | /[HPF] |"), "not_met"),
    (Case("schisto 1/hpf", H, "schistocytes", "40 | schistocytes | 1 | /[HPF] |"), "met"),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[c.label for c, _ in CASES])
def test_threshold_boundaries(value: Case, expected: str) -> None:
    labs = "day | analyte | value | unit | ref_high\n" + value.rows
    tl = timeline(labs, who=patient(birth_date=date.fromisoformat(value.born)))
    chosen = criteria_set(value.criteria, value.options)
    if value.criterion.startswith(HR):
        assert feature(tl, value.criterion.removeprefix(HR), value.on, chosen) == expected
    else:
        assert outcome(tl, value.criterion, value.on, chosen) == expected


@pytest.mark.parametrize(("value", "expected"), [("1", "not_met"), ("2", "met"), ("3", "met")])
def test_high_risk_acute_gvhd_from_grade_2(value: str, expected: str) -> None:
    """A1 high risk: concurrent acute GVHD grade II-IV."""
    tl = timeline(events=f"day | event | grade\n38 | gvhd | {value}\n")
    assert feature(tl, "acute_gvhd", 40, criteria_set(H)) == expected


# E5 [S-2nd] paediatric LDH upper limits when the lab gives none: 1-9 y 321 U/L for both sexes;
# 10-14 y boys 283, girls 272; with sex unknown at 10-14 y the limit is unknown (indeterminate).
# A1 LDH > ULN. Day +40 is 2026-02-10: born 2014-02-10, the child is 12.
@pytest.mark.parametrize(("born", "sex", "value", "expected"), [
    ("2016-06-01", "U", "321", "not_met"), ("2016-06-01", "U", "322", "met"),
    ("2014-02-10", "M", "283", "not_met"), ("2014-02-10", "M", "284", "met"),
    ("2014-02-10", "F", "272", "not_met"), ("2014-02-10", "F", "273", "met"),
    ("2014-02-10", "U", "280", "indeterminate"),
])
def test_ldh_without_a_lab_range_by_age_and_sex(born: str, sex: str, value: str,
                                                expected: str) -> None:
    tl = timeline(f"day | analyte | value | unit\n40 | ldh | {value} | U/L",
                  who=patient(birth_date=date.fromisoformat(born), sex=sex))
    assert outcome(tl, "ldh", 40, criteria_set(H)) == expected
