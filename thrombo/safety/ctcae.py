"""CTCAE v5.0 grades from a single lab value, vital sign or recorded event (NCI, 27 Nov 2017).

Bands from clinical-reference.md F. Status there: hypertension and diarrhoea rows [S]; anaemia
G2-G5 [S]; platelet G1 [S-2nd]; the other rows are from memory, unverified, and every grade that
rests on them carries UNVERIFIED_WARNING. Grades that need clinical judgement (anaemia G4,
"life-threatening") are never inferred from a number. The paediatric hypertension bands come from
thrombo.physiology.bp_staging (2004 Fourth Report tables).
"""

from __future__ import annotations

from typing import Final

from thrombo.domain.quantities import Comparator, satisfies
from thrombo.errors import ImplausibleValueError

CTCAE_VERSION: Final = "5.0"

UNVERIFIED_WARNING: Final = (
    "CTCAE v5.0 row from memory, unverified (clinical-reference.md F): check before release"
)

# F: platelet count decreased, x10^9/L. G1 < LLN-75 [S-2nd]; G2 < 75-50, G3 < 50-25, G4 < 25
# (from memory, unverified).
PLATELET_G2_BELOW = 75.0
PLATELET_G3_BELOW = 50.0
PLATELET_G4_BELOW = 25.0
# F [S]: anaemia, Hb g/dL. G2 < 10.0-8.0, G3 < 8.0; G1 < LLN-10.0 (from memory, unverified).
ANEMIA_G2_BELOW_G_DL = 10.0
ANEMIA_G3_BELOW_G_DL = 8.0
# F (from memory, unverified): creatinine increased, multiples of ULN and of baseline.
CREATININE_G2_ABOVE_ULN = 1.5
CREATININE_G3_ABOVE_ULN = 3.0
CREATININE_G4_ABOVE_ULN = 6.0
CREATININE_G2_ABOVE_BASELINE = 1.5
CREATININE_G3_ABOVE_BASELINE = 3.0
# F (from memory, unverified): paediatric proteinuria by UPCR (mg/mg): G2 0.5-1.9, G3 > 1.9.
PROTEINURIA_G2_FROM_UPCR = 0.5
PROTEINURIA_G3_ABOVE_UPCR = 1.9
# F [S]: adult hypertension (used from 18 years, where the paediatric tables end).
ADULT_HTN_G1_FROM = (120.0, 80.0)
ADULT_HTN_G2_FROM = (140.0, 90.0)
ADULT_HTN_G3_FROM = (160.0, 100.0)
ADULT_FROM_YEARS = 18.0

# Highest grade each recorded-event term allows (F: nausea stops at 3; platelet count decreased
# and creatinine at 4; the others reach 5 = death).
MAX_GRADE: Final[dict[str, int]] = {
    "hypotension": 5,
    "hemorrhage": 5,
    "diarrhea": 5,
    "nausea": 3,
    "vomiting": 5,
}
# Rows the reference confirms [S]; the others carry UNVERIFIED_WARNING.
VERIFIED_TERMS: Final = frozenset({"hypertension", "diarrhea"})


def check_grade(term: str, grade: int) -> int:
    """A recorded CTCAE grade, refused when outside 1..max for its term."""
    top = MAX_GRADE.get(term, 5)
    if not 1 <= grade <= top:
        raise ImplausibleValueError(f"CTCAE grade {grade} is impossible for {term} (1-{top})")
    return grade


def platelet_grade(
    count: float, lln: float | None, comparator: Comparator | None = None
) -> int | None:
    """0-4; None when the count is >= 75 and no lower limit of normal is known. A censored
    count (`comparator`: '<10') is graded by interval logic (interface.md 1.1): '<10' is below
    25 (grade 4); '<60' could be grade 2, 3 or 4, so it has no grade (None)."""
    for grade, below in ((4, PLATELET_G4_BELOW), (3, PLATELET_G3_BELOW),
                         (2, PLATELET_G2_BELOW), (1, lln)):  # fmt: skip
        if below is None:
            return None
        answer = satisfies(count, comparator, "<", below)
        if answer is None:
            return None
        if answer:
            return grade
    return 0


def anemia_grade(hb_g_dl: float, lln: float | None) -> int | None:
    """0-3 (grade 4 needs clinical judgement); None when Hb >= 10 and no LLN is known."""
    if hb_g_dl < ANEMIA_G3_BELOW_G_DL:
        return 3
    if hb_g_dl < ANEMIA_G2_BELOW_G_DL:
        return 2
    if lln is None:
        return None
    return 1 if hb_g_dl < lln else 0


def creatinine_grade(value: float, uln: float | None, baseline: float | None) -> int | None:
    """0-4, the higher of the ULN and the baseline bands; None when neither is known."""
    grades: list[int] = []
    if uln is not None:
        ratio = value / uln
        grades.append(
            4 if ratio > CREATININE_G4_ABOVE_ULN
            else 3 if ratio > CREATININE_G3_ABOVE_ULN
            else 2 if ratio > CREATININE_G2_ABOVE_ULN
            else 1 if ratio > 1 else 0
        )
    if baseline is not None:
        rise = value / baseline
        grades.append(
            3 if rise > CREATININE_G3_ABOVE_BASELINE
            else 2 if rise > CREATININE_G2_ABOVE_BASELINE else 0
        )
    return max(grades) if grades else None


def proteinuria_grade(upcr_mg_mg: float) -> int:
    """Paediatric: 0, 2 (UPCR 0.5-1.9) or 3 (> 1.9); CTCAE has no paediatric grade 1."""
    if upcr_mg_mg > PROTEINURIA_G3_ABOVE_UPCR:
        return 3
    return 2 if upcr_mg_mg >= PROTEINURIA_G2_FROM_UPCR else 0


def adult_hypertension_grade(sbp: float, dbp: float) -> int:
    """CTCAE v5 adult bands: 120-139/80-89 G1, 140-159/90-99 G2, >= 160/100 G3."""
    for grade, (s, d) in ((3, ADULT_HTN_G3_FROM), (2, ADULT_HTN_G2_FROM), (1, ADULT_HTN_G1_FROM)):
        if sbp >= s or dbp >= d:
            return grade
    return 0
