"""Use case `dose`: a dose for one patient's measurements, from the CLI, the API or the form.

One input model for every caller, so that an option of `thrombo dose` (hepatic impairment, the
BSA formula, the recorded weight and its date) is a field of the API's body as well.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel

from thrombo.dosing.inputs import Ancestry, DoseInputs, age_from_birth_date
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.registry import DRUGS, recommend
from thrombo.errors import ThromboUserError
from thrombo.physiology.body import BsaFormula


class DoseRequest(BaseModel):
    """`thrombo dose`'s inputs, each with the meaning of the option of the same name."""

    drug: str
    weight_kg: float | None = None
    height_cm: float | None = None
    age_years: float | None = None
    birth_date: date | None = None
    """Instead of age_years: the age on `as_of`."""
    sex: str | None = None
    ancestry: str = Ancestry.OTHER.value
    hb_g_dl: float | None = None
    indication: str | None = None
    regimen: str | None = None
    hepatic_impairment: bool = False
    bsa_formula: str = BsaFormula.MOSTELLER.value
    recorded_weight_kg: float | None = None
    weight_date: date | None = None
    as_of: date | None = None
    """The dosing day (default today), for the ages and the weight's age."""
    confirm_weight: bool = False


def drug_names() -> list[str]:
    return sorted(DRUGS)


def drug_catalogue() -> list[dict[str, Any]]:
    """Every drug with a calculator, its regimens, indications and the inputs it needs."""
    return [
        {"drug": name, "regimens": list(e.regimens), "indications": list(e.indications),
         "needs": list(e.needs)}
        for name, e in sorted(DRUGS.items())
    ]


def dose(request: DoseRequest) -> DoseRecommendation:
    """The dose, with the weight checked first (a questioned weight is refused until
    `confirm_weight`)."""
    day = request.as_of or date.today()
    age_years = request.age_years
    if request.birth_date is not None:
        if age_years is not None:
            raise ThromboUserError("give the age or the birth date, not both")
        age_years = age_from_birth_date(request.birth_date, day)
    inputs = DoseInputs(
        weight_kg=request.weight_kg, height_cm=request.height_cm, age_years=age_years,
        sex=request.sex, ancestry=_choice(Ancestry, request.ancestry, "ancestry"),
        hb_g_dl=request.hb_g_dl, indication=request.indication, regimen=request.regimen,
        hepatic_impairment=request.hepatic_impairment,
        bsa_formula=_choice(BsaFormula, request.bsa_formula, "bsa_formula"),
        recorded_weight_kg=request.recorded_weight_kg, weight_date=request.weight_date,
        as_of=day, confirm_weight=request.confirm_weight,
    )  # fmt: skip
    return recommend(request.drug, inputs)


Choice = TypeVar("Choice", bound=StrEnum)


def _choice(kind: type[Choice], value: str, name: str) -> Choice:
    try:
        return kind(value)
    except ValueError:
        raise ThromboUserError(
            f"unknown {name} {value!r}: choose one of {', '.join(k.value for k in kind)}"
        ) from None
