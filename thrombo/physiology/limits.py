"""Plausibility limits for children and young adults, and the errors raised at them.

A value outside these limits is refused, never computed with (house rule). The limits are
deliberately wide: they catch unit slips (pounds for kilograms, metres for centimetres) and
typing errors, not unusual children. They are [Design] choices of this project, not published
rules; they are documented here and in the error messages.
"""

from __future__ import annotations

import math

from thrombo.errors import ImplausibleValueError, MissingInputError, ThromboUserError

# [Design] A 250 kg ceiling covers the heaviest adolescents; 0 kg or less is an error.
WEIGHT_KG_MAX = 250.0
# [Design] 30 cm is below the length of the smallest viable preterm infant; 250 cm above any adult.
HEIGHT_CM_MIN = 30.0
HEIGHT_CM_MAX = 250.0
# [Design] thrombo serves children and young adults (issue 4: "an age over 30" is refused).
AGE_YEARS_MAX = 30.0
# [Design] serum creatinine above 20 mg/dL (1768 umol/L) is beyond any plausible result.
CREATININE_MG_DL_MAX = 20.0
# [Design] cystatin C above 10 mg/L is beyond any plausible result.
CYSTATIN_C_MG_L_MAX = 10.0
# [Design] haemoglobin above 25 g/dL is beyond any plausible result.
HEMOGLOBIN_G_DL_MAX = 25.0


class OutsideValidRangeError(ThromboUserError):
    """A plausible input for which the requested equation or table has no valid answer."""


def _require_finite(name: str, value: float | None) -> float:
    if value is None:
        raise MissingInputError(f"{name} is required")
    if not math.isfinite(value):
        raise ImplausibleValueError(f"{name} must be a finite number, got {value!r}")
    return value


def check_weight_kg(weight_kg: float | None) -> float:
    """Return the weight if plausible (0 < weight <= 250 kg), else raise."""
    value = _require_finite("weight_kg", weight_kg)
    if value <= 0 or value > WEIGHT_KG_MAX:
        raise ImplausibleValueError(
            f"weight {value:g} kg is implausible (accepted: above 0 and up to {WEIGHT_KG_MAX:g} kg)"
        )
    return value


def check_height_cm(height_cm: float | None) -> float:
    """Return the height if plausible (30 < height <= 250 cm), else raise."""
    value = _require_finite("height_cm", height_cm)
    if value <= HEIGHT_CM_MIN or value > HEIGHT_CM_MAX:
        raise ImplausibleValueError(
            f"height {value:g} cm is implausible "
            f"(accepted: above {HEIGHT_CM_MIN:g} and up to {HEIGHT_CM_MAX:g} cm)"
        )
    return value


def check_age_years(age_years: float | None) -> float:
    """Return the age if plausible (0 <= age <= 30 y), else raise."""
    value = _require_finite("age_years", age_years)
    if value < 0 or value > AGE_YEARS_MAX:
        raise ImplausibleValueError(
            f"age {value:g} years is outside thrombo's range (accepted: 0 to {AGE_YEARS_MAX:g} y)"
        )
    return value


def check_creatinine_mg_dl(creatinine_mg_dl: float | None) -> float:
    """Return serum creatinine (mg/dL) if plausible (0 < SCr <= 20), else raise."""
    value = _require_finite("creatinine_mg_dl", creatinine_mg_dl)
    if value <= 0 or value > CREATININE_MG_DL_MAX:
        raise ImplausibleValueError(
            f"creatinine {value:g} mg/dL is implausible "
            f"(accepted: above 0 and up to {CREATININE_MG_DL_MAX:g} mg/dL)"
        )
    return value


def check_cystatin_c_mg_l(cystatin_c_mg_l: float | None) -> float:
    """Return cystatin C (mg/L) if plausible (0 < cysC <= 10), else raise."""
    value = _require_finite("cystatin_c_mg_l", cystatin_c_mg_l)
    if value <= 0 or value > CYSTATIN_C_MG_L_MAX:
        raise ImplausibleValueError(
            f"cystatin C {value:g} mg/L is implausible "
            f"(accepted: above 0 and up to {CYSTATIN_C_MG_L_MAX:g} mg/L)"
        )
    return value


def check_hemoglobin_g_dl(hemoglobin_g_dl: float | None) -> float:
    """Return haemoglobin (g/dL) if plausible (0 < Hb <= 25), else raise."""
    value = _require_finite("hb_g_dl", hemoglobin_g_dl)
    if value <= 0 or value > HEMOGLOBIN_G_DL_MAX:
        raise ImplausibleValueError(
            f"haemoglobin {value:g} g/dL is implausible "
            f"(accepted: above 0 and up to {HEMOGLOBIN_G_DL_MAX:g} g/dL)"
        )
    return value


def check_sex(sex: str | None) -> str:
    """Return 'M' or 'F'; equations and tables that need sex cannot use 'U'."""
    if sex is None:
        raise MissingInputError("sex (M or F) is required")
    value = sex.strip().upper()
    if value not in {"M", "F"}:
        raise ImplausibleValueError(f"sex must be M or F for this calculation, got {sex!r}")
    return value
