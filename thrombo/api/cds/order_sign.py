"""The order-sign dose check: a draft MedicationRequest for defibrotide or an ITP drug is compared
with the dose thrombo calculates for the child's weight, and a corrected order is suggested."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from thrombo.api.cds.cards import card
from thrombo.domain.codes import Code
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.normalize.concepts import drug_match

SERVICE_ID = "thrombo-dose-check"
DOSE_MATCH_TOLERANCE = 0.10
"""[Design] An ordered dose within 10% of the calculated one (or of its range) is taken to agree:
pharmacy rounding to vials and syringe volumes stays inside it. No published tolerance exists
for these drugs (clinical-reference.md gives none); tune per site. Outside it, the card
suggests the corrected order."""
MASS_IN_MG = {"g": 1000.0, "mg": 1.0, "mcg": 0.001, "ug": 0.001, "ug/kg": 0.001}
DRUGS_CHECKED = ("defibrotide", "eculizumab", "ivig", "anti_d", "rituximab", "eltrombopag",
                 "romiplostim", "dexamethasone", "prednisone")


@dataclass(frozen=True)
class DraftDose:
    drug: str
    value: float
    unit: str
    request: dict[str, Any]


def _codes(concept: dict[str, Any]) -> list[Code]:
    out = []
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("code"):
            out.append(Code(str(coding.get("system") or ""), str(coding["code"])))
    return out


def _text(concept: dict[str, Any]) -> str | None:
    said = [concept.get("text")] + [c.get("display") for c in concept.get("coding") or []
                                    if isinstance(c, dict)]
    joined = " ".join(s for s in said if isinstance(s, str))
    return joined or None


def drug_of(request: dict[str, Any]) -> str | None:
    concept = request.get("medicationCodeableConcept")
    if not isinstance(concept, dict):
        ref = request.get("medicationReference")
        concept = {"text": ref.get("display")} if isinstance(ref, dict) else {}
    match = drug_match(_codes(concept), _text(concept))
    return None if match is None else match.concept


def draft_dose(request: dict[str, Any]) -> DraftDose | None:
    drug = drug_of(request)
    if drug is None or drug not in DRUGS_CHECKED:
        return None
    for instruction in request.get("dosageInstruction") or []:
        for rate in instruction.get("doseAndRate") or []:
            quantity = rate.get("doseQuantity") or {}
            value, unit = quantity.get("value"), quantity.get("code") or quantity.get("unit")
            if isinstance(value, int | float) and isinstance(unit, str):
                return DraftDose(drug, float(value), unit, request)
    return None


def ordered_in(dose: DraftDose, unit: str, weight_kg: float) -> float | None:
    """The ordered amount in the recommendation's unit (per-kg orders times the weight)."""
    ordered, per_kg = dose.unit, dose.unit.endswith("/kg")
    base = ordered.removesuffix("/kg")
    if base not in MASS_IN_MG or unit not in MASS_IN_MG:
        return dose.value if ordered == unit else None
    amount = dose.value * (weight_kg if per_kg else 1.0)
    return amount * MASS_IN_MG[base] / MASS_IN_MG[unit]


def agrees(ordered: float, rec: DoseRecommendation) -> bool:
    if rec.range is not None and rec.range.unit == rec.dose.unit:
        return rec.range.low * (1 - DOSE_MATCH_TOLERANCE) <= ordered <= rec.range.high * (
            1 + DOSE_MATCH_TOLERANCE)
    return abs(ordered - rec.dose.value) <= DOSE_MATCH_TOLERANCE * rec.dose.value


def corrected(request: dict[str, Any], rec: DoseRecommendation) -> dict[str, Any]:
    fixed = copy.deepcopy(request)
    quantity = {"value": rec.dose.value, "unit": rec.dose.unit,
                "system": "http://unitsofmeasure.org", "code": rec.dose.unit}
    instructions = fixed.setdefault("dosageInstruction", [{}])
    instructions[0]["doseAndRate"] = [{"doseQuantity": quantity}]
    if rec.interval_hours:
        instructions[0]["timing"] = {"repeat": {"frequency": 1, "period": rec.interval_hours,
                                                "periodUnit": "h"}}
    return fixed


def _basis(rec: DoseRecommendation, weight_kg: float) -> str:
    per = f"{rec.per_kg} " if rec.per_kg else ""
    every = f" every {rec.interval_hours:g} h" if rec.interval_hours else ""
    return f"{per}for {weight_kg:g} kg = {rec.dose}{every} ({rec.regimen})"


def mismatch_card(dose: DraftDose, ordered: float, rec: DoseRecommendation, weight_kg: float,
                  weight_note: str) -> dict[str, Any]:
    summary = (f"{dose.drug.capitalize()} {dose.value:g} {dose.unit} ordered; "
               f"calculated {rec.dose} for {weight_kg:g} kg")
    lines = [f"Ordered {ordered:g} {rec.dose.unit}; thrombo calculates {_basis(rec, weight_kg)}.",
             f"Weight: {weight_note}.", *(f"*Caution:* {w}" for w in rec.warnings),
             "Sources: " + "; ".join(rec.sources)]
    action = {"type": "update", "description": f"Set the dose to {rec.dose}",
              "resource": corrected(dose.request, rec)}
    suggestion = {"label": f"Change the dose to {rec.dose}", "isRecommended": True,
                  "actions": [action]}
    return card(summary, "warning", detail="\n\n".join(lines), suggestions=[suggestion])


def missing_weight_card(drug: str) -> dict[str, Any]:
    return card(f"Cannot check the {drug} dose: no body weight recorded", "info",
                detail="Record a weight (LOINC 29463-7) so that thrombo can check the dose.")
