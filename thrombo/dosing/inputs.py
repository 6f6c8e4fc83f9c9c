"""What a dose calculator may know about the patient, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from thrombo.dosing.recommendation import round_half_up
from thrombo.errors import MissingInputError
from thrombo.physiology.body import BsaEstimate, BsaFormula, body_surface_area
from thrombo.physiology.limits import (
    check_age_years,
    check_height_cm,
    check_hemoglobin_g_dl,
    check_weight_kg,
)

# D [Design]: BSA for mg/m2 drugs is Mosteller, rounded to 2 decimals.
BSA_DECIMALS = 2


class Ancestry(StrEnum):
    EAST_ASIAN = "east-asian"
    SOUTHEAST_ASIAN = "southeast-asian"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DoseInputs:
    weight_kg: float | None = None
    height_cm: float | None = None
    age_years: float | None = None
    sex: str | None = None
    ancestry: Ancestry = Ancestry.OTHER
    hb_g_dl: float | None = None
    hepatic_impairment: bool = False
    indication: str | None = None
    regimen: str | None = None
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER


def weight_of(inputs: DoseInputs, drug: str) -> float:
    if inputs.weight_kg is None:
        raise MissingInputError(f"{drug} dosing needs the weight (--weight-kg)")
    return check_weight_kg(inputs.weight_kg)


def age_of(inputs: DoseInputs, drug: str) -> float:
    if inputs.age_years is None:
        raise MissingInputError(f"{drug} dosing needs the age (--age-years)")
    return check_age_years(inputs.age_years)


def hb_of(inputs: DoseInputs, drug: str) -> float:
    if inputs.hb_g_dl is None:
        raise MissingInputError(f"{drug} dosing needs the haemoglobin (--hb-g-dl)")
    return check_hemoglobin_g_dl(inputs.hb_g_dl)


def bsa_of(inputs: DoseInputs, drug: str) -> BsaEstimate:
    """BSA rounded to 2 decimals; needs weight and (except Costeff) height."""
    weight = weight_of(inputs, drug)
    if inputs.bsa_formula is not BsaFormula.COSTEFF:
        if inputs.height_cm is None:
            raise MissingInputError(f"{drug} is dosed by BSA and needs the height (--height-cm)")
        check_height_cm(inputs.height_cm)
    raw = body_surface_area(weight, inputs.height_cm, inputs.bsa_formula)
    return BsaEstimate(round_half_up(raw.value_m2, BSA_DECIMALS), raw.formula, raw.warnings)


def used_inputs(inputs: DoseInputs, *names: str) -> dict[str, object]:
    """The inputs a calculation actually used, for the output's `inputs`."""
    values: dict[str, object] = {}
    for name in names:
        value = getattr(inputs, name)
        values[name] = value.value if isinstance(value, StrEnum) else value
    return values
