"""Plausibility limits for children and young adults, and the errors raised at them.

A value outside these limits is refused, never computed with (house rule). The limits are
deliberately wide: they catch unit slips (pounds for kilograms, metres for centimetres) and
typing errors, not unusual children. They are [Design] choices of this project, not published
rules; they are documented here and in the error messages.
"""

from __future__ import annotations

import math

from thrombo.errors import ImplausibleValueError, MissingInputError, ThromboUserError
from thrombo.normalize.analytes import BY_KEY

# The weight ceiling is the import's plausible range (the analyte catalogue, one definition):
# a dose refuses what import refuses.
WEIGHT_KG_MAX = (BY_KEY["weight"].plausible or (0.0, 250.0))[1]
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


def _above_up_to(
    name: str, label: str, value: float | None, low: float, high: float, unit: str
) -> float:
    """The value if low < value <= high, else ImplausibleValueError naming the accepted range."""
    checked = _require_finite(name, value)
    if checked <= low or checked > high:
        raise ImplausibleValueError(
            f"{label} {checked:g} {unit} is implausible "
            f"(accepted: above {low:g} and up to {high:g} {unit})"
        )
    return checked


def check_weight_kg(weight_kg: float | None) -> float:
    """Return the weight if plausible (0 < weight <= the catalogue's ceiling), else raise."""
    return _above_up_to("weight_kg", "weight", weight_kg, 0.0, WEIGHT_KG_MAX, "kg")


def check_height_cm(height_cm: float | None) -> float:
    """Return the height if plausible (30 < height <= 250 cm), else raise."""
    return _above_up_to("height_cm", "height", height_cm, HEIGHT_CM_MIN, HEIGHT_CM_MAX, "cm")


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
    return _above_up_to(
        "creatinine_mg_dl", "creatinine", creatinine_mg_dl, 0.0, CREATININE_MG_DL_MAX, "mg/dL"
    )


def check_cystatin_c_mg_l(cystatin_c_mg_l: float | None) -> float:
    """Return cystatin C (mg/L) if plausible (0 < cysC <= 10), else raise."""
    return _above_up_to(
        "cystatin_c_mg_l", "cystatin C", cystatin_c_mg_l, 0.0, CYSTATIN_C_MG_L_MAX, "mg/L"
    )


def check_hemoglobin_g_dl(hemoglobin_g_dl: float | None) -> float:
    """Return haemoglobin (g/dL) if plausible (0 < Hb <= 25), else raise."""
    return _above_up_to(
        "hb_g_dl", "haemoglobin", hemoglobin_g_dl, 0.0, HEMOGLOBIN_G_DL_MAX, "g/dL"
    )


def check_sex(sex: str | None) -> str:
    """Return 'M' or 'F'; equations and tables that need sex cannot use 'U'."""
    if sex is None:
        raise MissingInputError("sex (M or F) is required")
    value = sex.strip().upper()
    if value not in {"M", "F"}:
        raise ImplausibleValueError(f"sex must be M or F for this calculation, got {sex!r}")
    return value
