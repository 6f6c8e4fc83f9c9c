"""One registry: drug name -> calculator and its regimens, as the CLI and API list them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from thrombo.dosing.corticosteroids import dexamethasone, prednisone
from thrombo.dosing.cytotoxics import cyclophosphamide, vincristine
from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.eltrombopag import eltrombopag
from thrombo.dosing.immunoglobulins import anti_d, ivig
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.rituximab import rituximab
from thrombo.dosing.romiplostim import romiplostim
from thrombo.physiology.limits import OutsideValidRangeError

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
    return entry.calculator(inputs)
