"""One registry: drug name -> calculator and its regimens, as the CLI and API list them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from thrombo.dosing.corticosteroids import dexamethasone, prednisone
from thrombo.dosing.cytotoxics import cyclophosphamide, vincristine
from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.eltrombopag import eltrombopag
from thrombo.dosing.immunoglobulins import anti_d, ivig
from thrombo.dosing.inputs import DoseInputs, check_dosing_weight
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.rituximab import rituximab
from thrombo.dosing.romiplostim import romiplostim
from thrombo.dosing.weight_checks import (
    CDC_WEIGHT,
    check_weight,
    confirmed_warnings,
    refuse_unconfirmed,
)
from thrombo.physiology.plausibility import OutsideValidRangeError

Calculator = Callable[[DoseInputs], DoseRecommendation]


@dataclass(frozen=True, slots=True)
class DrugEntry:
    calculator: Calculator
    regimens: tuple[str, ...]
    indications: tuple[str, ...] = ("itp",)
    needs: tuple[str, ...] = ("weight_kg",)


DRUGS: dict[str, DrugEntry] = {
    "defibrotide": DrugEntry(defibrotide, ("ta-tma-protocol", "vod-label"), ("ta-tma", "vod")),
    "eculizumab": DrugEntry(eculizumab, ("ahus-label-tiers",), ("ta-tma",)),
    "dexamethasone": DrugEntry(dexamethasone, ("monthly-pulses", "single-pulse", "bsa-40")),
    "prednisone": DrugEntry(prednisone, ("ash-2019", "short-4-mg-kg")),
    "ivig": DrugEntry(ivig, ("single-dose",)),
    "anti_d": DrugEntry(anti_d, ("winrho-label",), needs=("weight_kg", "hb_g_dl")),
    "rituximab": DrugEntry(
        rituximab,
        ("standard", "low-dose-100mg", "single-375"),
        needs=("weight_kg", "height_cm"),
    ),
    "eltrombopag": DrugEntry(eltrombopag, ("label", "petit2"), needs=("age_years",)),
    "romiplostim": DrugEntry(romiplostim, ("label",)),
    "vincristine": DrugEntry(
        vincristine, ("standard", "combination"), needs=("weight_kg", "height_cm")
    ),
    "cyclophosphamide": DrugEntry(
        cyclophosphamide, ("combination", "iv", "oral"), needs=("weight_kg", "height_cm")
    ),
}
ALIASES = {"anti-d": "anti_d", "antid": "anti_d", "winrho": "anti_d", "prednisolone": "prednisone"}


def entry_for(drug: str) -> tuple[str, DrugEntry]:
    name = drug.strip().lower()
    name = ALIASES.get(name, name)
    if name not in DRUGS:
        raise OutsideValidRangeError(
            f"no dose calculator for {drug!r}; known drugs: {', '.join(sorted(DRUGS))}"
        )
    return name, DRUGS[name]


def recommend(drug: str, inputs: DoseInputs) -> DoseRecommendation:
    """Dose `drug` for these inputs, refusing unknown regimens and indications by name."""
    name, entry = entry_for(drug)
    if inputs.regimen is not None and inputs.regimen not in entry.regimens:
        raise OutsideValidRangeError(
            f"{name} regimens: {', '.join(entry.regimens)} (got {inputs.regimen!r})"
        )
    if inputs.indication is not None and inputs.indication not in entry.indications:
        raise OutsideValidRangeError(
            f"{name} indications: {', '.join(entry.indications)} (got {inputs.indication!r})"
        )
    recommendation = entry.calculator(inputs)
    if "weight_kg" not in recommendation.inputs or inputs.weight_kg is None:
        return recommendation  # the weight was not used (eltrombopag's label start, say)
    return _weight_checked(recommendation, inputs)


def _weight_checked(recommendation: DoseRecommendation, inputs: DoseInputs) -> DoseRecommendation:
    """Refuse an unconfirmed questioned weight; otherwise add the check's warnings first."""
    assert inputs.weight_kg is not None
    recorded = inputs.recorded_weight_kg
    check = check_weight(
        inputs.weight_kg,
        age_years=inputs.age_years,
        sex=inputs.sex,
        recorded_weight_kg=None if recorded is None else check_dosing_weight(recorded, "recorded"),
        weight_date=inputs.weight_date,
        as_of=inputs.as_of,
        baseline_weight=inputs.baseline_weight,
    )
    if not inputs.confirm_weight:
        refuse_unconfirmed(check)
    warnings = (*confirmed_warnings(check), *check.notes, *recommendation.warnings)
    questioned = bool(check.questions)
    sources = recommendation.sources
    if "weight_for_age" in check.evidence and CDC_WEIGHT not in sources:
        sources = (*sources, CDC_WEIGHT)
    return dataclasses.replace(
        recommendation,
        warnings=warnings,
        sources=sources,
        inputs={
            **recommendation.inputs,
            "weight_check": {
                **check.evidence,
                "questioned": questioned,
                "confirmed": inputs.confirm_weight and questioned,
            },
        },
    )
