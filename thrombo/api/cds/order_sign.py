"""The order-sign checks: a draft MedicationRequest for defibrotide or an ITP drug is compared
with the dose thrombo calculates for the child's weight, and a corrected order is suggested; a
defibrotide order is checked against its holds (anticoagulants running or within their washout,
bleeding, procedures) by the TA-TMA plan's own rules, and an anticoagulant ordered while
defibrotide runs is refused the same way."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from thrombo.api.cds.cards import Indicator, card
from thrombo.domain.codes import Code
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.defibrotide_holds import (
    ActiveOrder,
    HoldAction,
    antithrombotic_class,
    antithrombotic_finding,
)
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.normalize.concepts import drug_match
from thrombo.plans.defibrotide_record import DEFIBROTIDE, CheckWindow, record_holds
from thrombo.plans.plan_end import death_as_of
from thrombo.plans.result import PlanHold
from thrombo.plans.tma_course import defibrotide_course

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


# --- defibrotide holds ----------------------------------------------------------------------
# The same engine as the TA-TMA plan (thrombo.plans.defibrotide_record): an order for
# defibrotide is checked against the record and the other draft orders at the moment of signing;
# an anticoagulant or fibrinolytic ordered while defibrotide runs is the same contraindication
# seen from the other side.

HOLD_INDICATOR: dict[HoldAction, Indicator] = {
    HoldAction.BLOCK: "critical", HoldAction.DISCONTINUE: "critical", HoldAction.WARN: "warning"}


def _draft_medication(request: dict[str, Any], drug: str, at: datetime, index: int
                      ) -> Medication:
    ident = str(request.get("id") or index)
    return Medication(f"draft:{ident}", "", drug, at)


def with_drafts(timeline: PatientTimeline, requests: list[dict[str, Any]], at: datetime
                ) -> PatientTimeline:
    """The record plus the antithrombotics and defibrotide drafted in this order set, as if
    started at the moment of signing."""
    drafted = []
    for i, request in enumerate(requests):
        drug = drug_of(request)
        if drug is not None and (drug == DEFIBROTIDE or antithrombotic_class(drug) is not None):
            drafted.append(_draft_medication(request, drug, at, i))
    if not drafted:
        return timeline
    return PatientTimeline.build(timeline.patient, timeline.observations,
                                 (*timeline.medications, *drafted), timeline.events, timeline.tz)


def _delete(request: dict[str, Any], label: str) -> list[dict[str, Any]] | None:
    ident = request.get("id")
    if not ident:
        return None
    action = {"type": "delete", "description": label,
              "resourceId": [f"MedicationRequest/{ident}"]}
    return [{"label": label, "actions": [action]}]


def _hold_card(hold: PlanHold, request: dict[str, Any], drug: str) -> dict[str, Any]:
    finding = hold.finding
    until = "" if finding.until is None else f" until {finding.until.isoformat()}"
    verb = "on hold" if finding.action is not HoldAction.WARN else "caution"
    lines = [finding.reason, *(f"Record: {e.note}" for e in hold.evidence),
             *([f"*Caution:* {finding.caution}"] if finding.caution else []),
             f"Source: {finding.source}"]
    suggestions = _delete(request, f"Remove the {drug} order") if (
        finding.action is not HoldAction.WARN) else None
    return card(f"Defibrotide {verb}{until}: {finding.rule.replace('-', ' ')}",
                HOLD_INDICATOR[finding.action], detail="\n\n".join(lines),
                suggestions=suggestions)


def hold_cards(timeline: PatientTimeline, request: dict[str, Any],
               requests: list[dict[str, Any]], at: datetime,
               line_heparin_blocks: bool = False) -> list[dict[str, Any]]:
    """Cards for one draft order: defibrotide against its holds; an antithrombotic against a
    running defibrotide course. The plan's `defibrotide` status is `blocked` exactly when a
    defibrotide order gets a critical card here (tests/spec/plans/test_defibrotide_holds.py)."""
    drug = drug_of(request)
    if drug is None:
        return []
    others = [r for r in requests if r is not request]
    record = with_drafts(timeline, others, at)
    if drug == DEFIBROTIDE:
        holds = record_holds(record, CheckWindow.at(at), line_heparin_blocks)
        return [_hold_card(h, request, drug) for h in holds]
    if antithrombotic_class(drug) is None:
        return []
    course = defibrotide_course(record, None, at, death_as_of(record, at.date()))
    if not course.running:
        return []
    return [_running_defibrotide_card(request, drug, line_heparin_blocks, at)]


def _running_defibrotide_card(request: dict[str, Any], drug: str, line_heparin_blocks: bool,
                              at: datetime) -> dict[str, Any]:
    finding = antithrombotic_finding(ActiveOrder(drug), at, line_heparin_blocks)
    assert finding is not None
    summary = f"{drug.capitalize()} ordered while defibrotide runs: contraindicated"
    detail = (f"Defibrotide is running. {finding.source}. Stop defibrotide first, or do not "
              f"give {drug}.")
    return card(summary, HOLD_INDICATOR[finding.action], detail=detail,
                suggestions=_delete(request, f"Remove the {drug} order"))
