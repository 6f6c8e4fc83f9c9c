"""Paediatric eGFR (clinical-reference.md sections E2 and E3).

The equations are short closed forms; written here so that the age/sex K tables carry their
confidence markers beside them. Results are in mL/min/1.73 m2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from thrombo.normalize.units import CREATININE_UMOL_L_PER_MG_DL
from thrombo.physiology.plausibility import (
    OutsideValidRangeError,
    check_age_years,
    check_creatinine_mg_dl,
    check_cystatin_c_mg_l,
    check_height_cm,
    check_sex,
)

EGFR_UNIT = "mL/min/{1.73_m2}"
CM_PER_M = 100.0


# E2 [S] Schwartz GJ et al. J Am Soc Nephrol 2009;20(3):629-637: eGFR = 0.413 x H(cm) / SCr(mg/dL).
BEDSIDE_SCHWARTZ_K_MG_DL = 0.413
# E2 [S-2nd]: the same with SCr in umol/L: eGFR = 36.5 x H(cm) / SCr(umol/L).
BEDSIDE_SCHWARTZ_K_UMOL_L = 36.5

# E2 [S] Pierce CB et al. Kidney Int 2021;99(4):948-956 (CKiD U25): valid 1 to 25 years.
CKID_U25_AGE_MIN_YEARS = 1.0
CKID_U25_AGE_MAX_YEARS = 25.0

# E2 CKiD U25 creatinine K by sex: (pivot K, pivot age, rate < pivot, rate pivot..18, adult K).
# Published end points [S] (35.7 at 1 y to 50.8 at >= 18 y male; 33.1 to 41.4 female); the
# piecewise form is from memory, unverified, checked numerically against those end points.
CKID_U25_CREATININE_K = {
    "M": (39.0, 12.0, 1.008, 1.045, 50.8),
    "F": (36.1, 12.0, 1.008, 1.023, 41.4),
}
# E2 CKiD U25 cystatin C K by sex, same layout (from memory, unverified; male 18 y check 77.1).
CKID_U25_CYSTATIN_K = {
    "M": (87.2, 15.0, 1.011, 0.960, 77.1),
    "F": (79.9, 12.0, 1.004, 0.974, 68.3),
}
ADULT_K_FROM_AGE_YEARS = 18.0

UNVERIFIED_CREATININE_K = (
    "CKiD U25 creatinine K: the piecewise age form is from memory, unverified "
    "(checked against the published end points only)"
)
UNVERIFIED_CYSTATIN_K = "CKiD U25 cystatin C age-dependent K is from memory, unverified"
UNVERIFIED_COMBINED = (
    "combined CKiD U25 eGFR as the average of two equations: from memory, unverified"
)

# E2 [Design]: eGFR is not valid in a non-steady state (AKI, common in TA-TMA); flag when
# SCr changed by more than 0.3 mg/dL or more than 50% within 48 h.
NON_STEADY_STATE_ABSOLUTE_MG_DL = 0.3
NON_STEADY_STATE_RELATIVE = 0.5
NON_STEADY_STATE_WINDOW_HOURS = 48.0


@dataclass(frozen=True, slots=True)
class EgfrEstimate:
    value: float
    equation: str
    unit: str = EGFR_UNIT
    warnings: tuple[str, ...] = ()


def creatinine_umol_l_to_mg_dl(creatinine_umol_l: float) -> float:
    return creatinine_umol_l / CREATININE_UMOL_L_PER_MG_DL


def bedside_schwartz(height_cm: float, creatinine_mg_dl: float) -> EgfrEstimate:
    """Bedside Schwartz 2009 (IDMS-traceable creatinine in mg/dL)."""
    value = (
        BEDSIDE_SCHWARTZ_K_MG_DL
        * check_height_cm(height_cm)
        / check_creatinine_mg_dl(creatinine_mg_dl)
    )
    return EgfrEstimate(value, "bedside-schwartz-2009")


def bedside_schwartz_umol_l(height_cm: float, creatinine_umol_l: float) -> EgfrEstimate:
    """Bedside Schwartz 2009 with creatinine in umol/L (36.5 form)."""
    check_creatinine_mg_dl(creatinine_umol_l_to_mg_dl(creatinine_umol_l))
    value = BEDSIDE_SCHWARTZ_K_UMOL_L * check_height_cm(height_cm) / creatinine_umol_l
    return EgfrEstimate(value, "bedside-schwartz-2009")


def _check_u25_age(age_years: float) -> float:
    age = check_age_years(age_years)
    if age < CKID_U25_AGE_MIN_YEARS or age > CKID_U25_AGE_MAX_YEARS:
        raise OutsideValidRangeError(
            f"CKiD U25 equations are valid from {CKID_U25_AGE_MIN_YEARS:g} to "
            f"{CKID_U25_AGE_MAX_YEARS:g} years; age is {age:g}"
        )
    return age


def _piecewise_k(
    table: dict[str, tuple[float, float, float, float, float]], age: float, sex: str
) -> float:
    pivot_k, pivot_age, rate_young, rate_adolescent, adult_k = table[sex]
    if age >= ADULT_K_FROM_AGE_YEARS:
        return adult_k
    rate = rate_young if age < pivot_age else rate_adolescent
    return pivot_k * math.pow(rate, age - pivot_age)


def ckid_u25_creatinine_k(age_years: float, sex: str) -> float:
    return _piecewise_k(CKID_U25_CREATININE_K, _check_u25_age(age_years), check_sex(sex))


def ckid_u25_cystatin_k(age_years: float, sex: str) -> float:
    return _piecewise_k(CKID_U25_CYSTATIN_K, _check_u25_age(age_years), check_sex(sex))


def ckid_u25_creatinine(
    age_years: float, sex: str, height_cm: float, creatinine_mg_dl: float
) -> EgfrEstimate:
    """CKiD U25 creatinine eGFR = K x height (m) / SCr (mg/dL)."""
    k = ckid_u25_creatinine_k(age_years, sex)
    height_m = check_height_cm(height_cm) / CM_PER_M
    value = k * height_m / check_creatinine_mg_dl(creatinine_mg_dl)
    return EgfrEstimate(value, "ckid-u25-2021-creatinine", warnings=(UNVERIFIED_CREATININE_K,))


def ckid_u25_cystatin(age_years: float, sex: str, cystatin_c_mg_l: float) -> EgfrEstimate:
    """CKiD U25 cystatin C eGFR = K / cysC (mg/L)."""
    k = ckid_u25_cystatin_k(age_years, sex)
    value = k / check_cystatin_c_mg_l(cystatin_c_mg_l)
    return EgfrEstimate(value, "ckid-u25-2021-cystatin-c", warnings=(UNVERIFIED_CYSTATIN_K,))


def ckid_u25_combined(
    age_years: float, sex: str, height_cm: float, creatinine_mg_dl: float, cystatin_c_mg_l: float
) -> EgfrEstimate:
    """Average of the CKiD U25 creatinine and cystatin C estimates (unverified)."""
    by_creatinine = ckid_u25_creatinine(age_years, sex, height_cm, creatinine_mg_dl)
    by_cystatin = ckid_u25_cystatin(age_years, sex, cystatin_c_mg_l)
    warnings = (*by_creatinine.warnings, *by_cystatin.warnings, UNVERIFIED_COMBINED)
    value = (by_creatinine.value + by_cystatin.value) / 2
    return EgfrEstimate(value, "ckid-u25-2021-combined", warnings=warnings)


def is_non_steady_state(
    previous_creatinine_mg_dl: float, current_creatinine_mg_dl: float, hours_between: float
) -> bool:
    """True when creatinine moved too fast for any eGFR equation to be trusted."""
    previous = check_creatinine_mg_dl(previous_creatinine_mg_dl)
    current = check_creatinine_mg_dl(current_creatinine_mg_dl)
    if hours_between < 0:
        raise ValueError(f"hours_between must not be negative, got {hours_between}")
    if hours_between > NON_STEADY_STATE_WINDOW_HOURS:
        return False
    change = abs(current - previous)
    return change > NON_STEADY_STATE_ABSOLUTE_MG_DL or change > NON_STEADY_STATE_RELATIVE * previous
