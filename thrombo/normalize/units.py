"""Conversion of reported quantities to each analyte's canonical unit.

UCUM unit codes are translated to pint expressions through one explicit table (pint does not parse
UCUM: `10*9/L`, `mm[Hg]`, `/[HPF]` are not pint syntax), then pint converts. Conversions that
depend on the substance (molar <-> mass) are per analyte, with their factors cited below. A unit
that is unknown, or of the wrong dimension for the analyte, is a `UnitError`: the record is
quarantined with that message, never guessed at.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pint

from thrombo.normalize.analytes import Analyte

_REG: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# An enzyme unit is 1 umol of substrate per minute, so 1 ukat/L = 60 U/L (section H [S]).
_REG.define("enzyme_unit = micromole / minute = IU_enzyme")
_REG.define("count = [] = cells")
_REG.define("hpf = [high_power_field]")

# UCUM code (as reported) -> pint expression. Aliases that are common in lab feeds but not valid
# UCUM (e.g. `mg/dl`) are listed explicitly so that accepting them is a decision, not a guess.
UCUM_TO_PINT: dict[str, str] = {
    "10*9/L": "1e9 * count / liter",
    "10^9/L": "1e9 * count / liter",
    "10*3/uL": "1e3 * count / microliter",
    "10^3/uL": "1e3 * count / microliter",
    "10*3/mm3": "1e3 * count / millimeter**3",
    "/uL": "count / microliter",
    "/mm3": "count / millimeter**3",
    "10*6/uL": "1e6 * count / microliter",
    "10*12/L": "1e12 * count / liter",
    "g/dL": "gram / deciliter",
    "g/dl": "gram / deciliter",
    "g/L": "gram / liter",
    "mg/dL": "milligram / deciliter",
    "mg/dl": "milligram / deciliter",
    "mg/L": "milligram / liter",
    "g/mL": "gram / milliliter",
    "ug/mL": "microgram / milliliter",
    "ng/mL": "nanogram / milliliter",
    "ug/L": "microgram / liter",
    "mmol/L": "millimole / liter",
    "umol/L": "micromole / liter",
    "U/L": "enzyme_unit / liter",
    "[IU]/L": "enzyme_unit / liter",
    "IU/L": "enzyme_unit / liter",
    "ukat/L": "microkatal / liter",
    "mg/mg": "milligram / milligram",
    "g/g": "gram / gram",
    "mg/g": "milligram / gram",
    "mg/mmol": "milligram / millimole",
    "{ratio}": "dimensionless",
    "1": "dimensionless",
    "%": "percent",
    "/[HPF]": "count / hpf",
    "/HPF": "count / hpf",
    "mm[Hg]": "millimeter_Hg",
    "mmHg": "millimeter_Hg",
    "kPa": "kilopascal",
    "kg": "kilogram",
    "g": "gram",
    "[lb_av]": "pound",
    "cm": "centimeter",
    "m": "meter",
    "[in_i]": "inch",
    "s": "second",
}

# Creatinine mg/dL x 88.4 = umol/L (clinical-reference.md E3 [S-2nd]).
CREATININE_UMOL_L_PER_MG_DL = 88.4

# Substance-specific factors, (analyte, reported unit) -> multiply by this to reach the canonical
# unit. Sources: clinical-reference.md section H and E3.
MOLAR_FACTORS: dict[tuple[str, str], float] = {
    ("creatinine", "umol/L"): 1 / CREATININE_UMOL_L_PER_MG_DL,
    ("urine_creatinine", "umol/L"): 1 / CREATININE_UMOL_L_PER_MG_DL,
    ("urine_creatinine", "mmol/L"): 1000 / CREATININE_UMOL_L_PER_MG_DL,
    # UPCR mg/mg x 113.12 = mg/mmol: creatinine molar mass 113.12 g/mol (section H).
    ("upcr", "mg/mmol"): 1 / 113.12,
    # Hemoglobin g/dL x 0.6206 = mmol/L, monomer basis (section H).
    ("hemoglobin", "mmol/L"): 1 / 0.6206,
}


class UnitError(ValueError):
    """A unit that is unknown or cannot express the analyte."""


@lru_cache(maxsize=256)
def _pint_unit(ucum: str) -> Any:
    expr = UCUM_TO_PINT.get(ucum)
    if expr is None:
        raise UnitError(f"unknown unit {ucum!r}")
    return _REG.Quantity(expr)


@lru_cache(maxsize=1024)
def conversion_factor(analyte: Analyte, unit: str) -> tuple[float, str]:
    """The factor that takes a value in `unit` to the analyte's canonical unit, and that unit.

    Raises UnitError when the unit is unknown or of the wrong dimension for the analyte.
    """
    unit = unit.strip()
    if unit in analyte.units:
        return 1.0, unit
    special = MOLAR_FACTORS.get((analyte.key, unit))
    if special is not None:
        return special, analyte.unit
    source = _pint_unit(unit)
    for target_code in analyte.units:
        target = _pint_unit(target_code)
        if source.dimensionality == target.dimensionality:
            return float((source / target).to("dimensionless").magnitude), target_code
    raise UnitError(
        f"unit {unit!r} cannot express {analyte.key} (expected {' or '.join(analyte.units)})"
    )


def to_canonical(analyte: Analyte, value: float, unit: str) -> tuple[float, str]:
    """Convert a value to the analyte's canonical unit."""
    factor, target = conversion_factor(analyte, unit)
    if factor == 1.0:
        return value, target
    # Round away binary noise (45000 /uL -> 45.000000000000004) without losing real precision.
    return float(f"{value * factor:.12g}"), target
