"""Conversion of reported quantities to each analyte's canonical unit.

UCUM unit codes are translated to pint expressions through one explicit table (pint does not parse
UCUM: `10*9/L`, `mm[Hg]`, `/[HPF]` are not pint syntax), then pint converts. Conversions that
depend on the substance (molar <-> mass) go through the analyte's molar mass (cited below), so
every molar unit converts for an analyte that has one. A unit
that is unknown, or of the wrong dimension for the analyte, is a `UnitError`: the record is
quarantined with that message, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
UNVERIFIED_MOLAR_MASS = "from memory, unverified"


@dataclass(frozen=True, slots=True)
class MolarMass:
    grams_per_mole: float
    source: str


# Molar masses: with one, every molar unit UCUM spells (mol, mmol, umol, nmol, pmol per L, dL,
# mL) converts for the analyte, through pint, as mass units do. For a ratio (UPCR), the molar
# mass of its denominator (creatinine), so that mg/mmol converts.
MOLAR_MASS: dict[str, MolarMass] = {
    # 10 mg/L / 88.4 umol/L = 113.12 g/mol: the E3 factor, and the molar mass section H gives.
    "creatinine": MolarMass(1e4 / CREATININE_UMOL_L_PER_MG_DL, "clinical-reference.md E3 [S-2nd]"),
    "urine_creatinine": MolarMass(1e4 / CREATININE_UMOL_L_PER_MG_DL,
                                  "clinical-reference.md E3 [S-2nd]"),
    # UPCR mg/mg x 113.12 = mg/mmol: creatinine 113.12 g/mol (section H).
    "upcr": MolarMass(113.12, "clinical-reference.md section H"),
    # Hemoglobin g/dL x 0.6206 = mmol/L, monomer basis (section H): 10 g/L / 0.6206 mmol/L.
    "hemoglobin": MolarMass(1e4 / 0.6206, "clinical-reference.md section H (monomer basis)"),
    # Bilirubin C33H36N4O6, 584.66 g/mol (1 mg/dL = 17.1 umol/L): not in the clinical reference.
    "bilirubin": MolarMass(584.66, UNVERIFIED_MOLAR_MASS),
}

# UCUM prefixes and atoms of the mass and substance concentrations (`umol/L`, `ng/mL`) parsed by
# rule rather than listed: prefix + g or mol, over prefix + L.
UCUM_PREFIXES = {"": "", "m": "milli", "u": "micro", "n": "nano", "p": "pico", "f": "femto",
                 "d": "deci", "c": "centi", "k": "kilo"}
_CONCENTRATION = re.compile(r"^(?P<np>[munpfdck]?)(?P<atom>g|mol)/(?P<dp>[munpdc]?)L$")
class UnitError(ValueError):
    """A unit that is unknown or cannot express the analyte."""


def pint_expression(ucum: str) -> str | None:
    """The pint expression of a UCUM code: from the table, or a mass or substance
    concentration by rule (`nmol/L` -> `nanomole / liter`)."""
    expr = UCUM_TO_PINT.get(ucum)
    if expr is not None:
        return expr
    found = _CONCENTRATION.match(ucum)
    if found is None:
        return None
    atom = "gram" if found["atom"] == "g" else "mole"
    return f"{UCUM_PREFIXES[found['np']]}{atom} / {UCUM_PREFIXES[found['dp']]}liter"


@lru_cache(maxsize=256)
def _pint_unit(ucum: str) -> Any:
    expr = pint_expression(ucum)
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
    source = _pint_unit(unit)
    molar = MOLAR_MASS.get(analyte.key)
    # A molar unit reaches a mass unit through the analyte's molar mass (and back).
    mass = None if molar is None else _REG.Quantity(molar.grams_per_mole, "gram / mole")
    candidates = [source] if mass is None else [source, source * mass, source / mass]
    for target_code in analyte.units:
        target = _pint_unit(target_code)
        for candidate in candidates:
            if candidate.dimensionality == target.dimensionality:
                return float((candidate / target).to("dimensionless").magnitude), target_code
    raise UnitError(
        f"unit {unit!r} cannot express {analyte.key} (expected {' or '.join(analyte.units)})"
    )


def unverified_molar_note(analyte: Analyte, unit: str) -> str | None:
    """`umol/L -> mg/dL for bilirubin (...)` when a conversion rests on an unverified molar mass."""
    molar = MOLAR_MASS.get(analyte.key)
    if molar is None or molar.source != UNVERIFIED_MOLAR_MASS or unit.strip() in analyte.units:
        return None
    if _pint_unit(unit.strip()).dimensionality == _pint_unit(analyte.unit).dimensionality:
        return None
    return (f"{analyte.key} {unit.strip()} -> {analyte.unit} "
            f"(molar mass {molar.grams_per_mole:g} g/mol)")


# A converted value is rounded to this many significant digits: it rounds away binary noise
# (45000 /uL -> 45.000000000000004) without losing real precision. [Design]
CANONICAL_DIGITS = 12


def apply_factor(value: float, factor: float) -> float:
    """`value * factor` rounded to CANONICAL_DIGITS significant digits (a factor of 1 leaves
    the value as it was); the rounding every reader applies (normalize.row_checks)."""
    if factor == 1.0:
        return value
    return float(f"{value * factor:.{CANONICAL_DIGITS}g}")


def to_canonical(analyte: Analyte, value: float, unit: str) -> tuple[float, str]:
    """Convert a value to the analyte's canonical unit."""
    factor, target = conversion_factor(analyte, unit)
    return apply_factor(value, factor), target
