"""Body surface area (clinical-reference.md section E1).

Each formula is a one-line power law; no maintained library offers the paediatric set with
plausibility checks, so they are written here. Inputs are checked against `limits` first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from thrombo.physiology.plausibility import check_height_cm, check_weight_kg

UNVERIFIED_COSTEFF = (
    "BSA by the weight-only Costeff formula: its source is marked "
    "'from memory, unverified' in the clinical reference (E1)"
)

# Equations as in clinical-reference.md E1 (W kg, H cm). The equations are standard; the
# reference marks its bibliographic citations "from memory, unverified unless marked".
# Mosteller RD. N Engl J Med 1987;317(17):1098: BSA = sqrt(H x W / 3600).
MOSTELLER_DIVISOR = 3600.0
# Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863-871: 0.007184 x W^0.425 x H^0.725.
DU_BOIS_COEFFICIENT, DU_BOIS_WEIGHT_EXP, DU_BOIS_HEIGHT_EXP = 0.007184, 0.425, 0.725
# Haycock GB et al. J Pediatr 1978;93(1):62-66: 0.024265 x W^0.5378 x H^0.3964.
HAYCOCK_COEFFICIENT, HAYCOCK_WEIGHT_EXP, HAYCOCK_HEIGHT_EXP = 0.024265, 0.5378, 0.3964
# Gehan EA, George SL. Cancer Chemother Rep 1970;54(4):225-235: 0.0235 x W^0.51456 x H^0.42246.
GEHAN_GEORGE_COEFFICIENT, GEHAN_GEORGE_WEIGHT_EXP, GEHAN_GEORGE_HEIGHT_EXP = (
    0.0235,
    0.51456,
    0.42246,
)
# Costeff H. Arch Dis Child 1966 (from memory, unverified): BSA = (4W + 7) / (W + 90).
COSTEFF_WEIGHT_FACTOR, COSTEFF_CONSTANT, COSTEFF_DENOMINATOR_CONSTANT = 4.0, 7.0, 90.0


class BsaFormula(StrEnum):
    MOSTELLER = "mosteller"
    DU_BOIS = "du-bois"
    HAYCOCK = "haycock"
    GEHAN_GEORGE = "gehan-george"
    COSTEFF = "costeff"


@dataclass(frozen=True, slots=True)
class BsaEstimate:
    """A body surface area in m2 with the formula used and any source caveat."""

    value_m2: float
    formula: BsaFormula
    warnings: tuple[str, ...] = ()


def bsa_mosteller_m2(weight_kg: float, height_cm: float) -> float:
    return math.sqrt(check_height_cm(height_cm) * check_weight_kg(weight_kg) / MOSTELLER_DIVISOR)


def bsa_du_bois_m2(weight_kg: float, height_cm: float) -> float:
    w, h = check_weight_kg(weight_kg), check_height_cm(height_cm)
    return DU_BOIS_COEFFICIENT * math.pow(w, DU_BOIS_WEIGHT_EXP) * math.pow(h, DU_BOIS_HEIGHT_EXP)


def bsa_haycock_m2(weight_kg: float, height_cm: float) -> float:
    w, h = check_weight_kg(weight_kg), check_height_cm(height_cm)
    return HAYCOCK_COEFFICIENT * math.pow(w, HAYCOCK_WEIGHT_EXP) * math.pow(h, HAYCOCK_HEIGHT_EXP)


def bsa_gehan_george_m2(weight_kg: float, height_cm: float) -> float:
    w, h = check_weight_kg(weight_kg), check_height_cm(height_cm)
    return (
        GEHAN_GEORGE_COEFFICIENT
        * math.pow(w, GEHAN_GEORGE_WEIGHT_EXP)
        * math.pow(h, GEHAN_GEORGE_HEIGHT_EXP)
    )


def bsa_costeff_m2(weight_kg: float) -> float:
    """Weight-only BSA for infants when no height is known (source unverified, see module)."""
    w = check_weight_kg(weight_kg)
    return (COSTEFF_WEIGHT_FACTOR * w + COSTEFF_CONSTANT) / (w + COSTEFF_DENOMINATOR_CONSTANT)


def body_surface_area(
    weight_kg: float,
    height_cm: float | None,
    formula: BsaFormula = BsaFormula.MOSTELLER,
) -> BsaEstimate:
    """BSA by the named formula (Mosteller by default); Costeff ignores height."""
    if formula is BsaFormula.COSTEFF:
        return BsaEstimate(bsa_costeff_m2(weight_kg), formula, (UNVERIFIED_COSTEFF,))
    height = check_height_cm(height_cm)
    two_variable = {
        BsaFormula.MOSTELLER: bsa_mosteller_m2,
        BsaFormula.DU_BOIS: bsa_du_bois_m2,
        BsaFormula.HAYCOCK: bsa_haycock_m2,
        BsaFormula.GEHAN_GEORGE: bsa_gehan_george_m2,
    }
    return BsaEstimate(two_variable[formula](weight_kg, height), formula)
