"""What a dose calculator may know about the patient, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from thrombo.dosing.recommendation import round_half_up
from thrombo.errors import ImplausibleValueError, MissingInputError
from thrombo.normalize.analytes import BY_KEY
from thrombo.physiology.age import age_in_years, completed_years
from thrombo.physiology.body import BsaEstimate, BsaFormula, body_surface_area
from thrombo.physiology.plausibility import (
    WEIGHT_KG_MAX,
    check_age_years,
    check_height_cm,
    check_hemoglobin_g_dl,
    check_weight_kg,
)

# D [Design]: BSA for mg/m2 drugs is Mosteller, rounded to 2 decimals.
BSA_DECIMALS = 2
# One definition of a plausible weight: the range the importer accepts (normalize.analytes,
# [Design] there), so `dose` refuses exactly what import quarantines.
WEIGHT_PLAUSIBLE_KG: tuple[float, float] = BY_KEY["weight"].plausible or (0.0, WEIGHT_KG_MAX)


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
    # The weight check (thrombo.dosing.weight_checks): the last recorded weight, the date the
    # dosing weight was measured, the dosing date, and the user's confirmation of a weight the
    # check questions.
    recorded_weight_kg: float | None = None
    weight_date: date | None = None
    as_of: date | None = None
    confirm_weight: bool = False
    baseline_weight: bool = False
    """The label doses on a weight taken before treatment (defibrotide: before conditioning),
    however old: no re-weigh note for it."""


def age_from_birth_date(birth_date: date, on_date: date) -> float:
    """Decimal age for dosing that is exactly the whole years on each birthday.

    days / 365.25 alone gives 5.9986 on some 6th birthdays (2191 days with one leap day), so a
    child would get the under-6 dose on the day the label's "6 years and older" starts. The
    completed years are used from the birthday; days / 365.25 in between never reaches the next
    whole year before the birthday, so the age never crosses a limit early.
    """
    return max(age_in_years(birth_date, on_date), float(completed_years(birth_date, on_date)))


def check_dosing_weight(weight_kg: float | None, what: str = "weight") -> float:
    """The weight if the importer would accept it (0.3-250 kg, inclusive), else refuse."""
    weight = check_weight_kg(weight_kg)
    low, high = WEIGHT_PLAUSIBLE_KG
    if not low <= weight <= high:
        raise ImplausibleValueError(
            f"{what} {weight:g} kg is implausible (accepted: {low:g}-{high:g} kg, as on import)"
        )
    return weight


def weight_of(inputs: DoseInputs, drug: str) -> float:
    if inputs.weight_kg is None:
        raise MissingInputError(f"{drug} dosing needs the weight (--weight-kg)")
    return check_dosing_weight(inputs.weight_kg)


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
