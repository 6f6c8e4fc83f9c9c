"""The TA-TMA patient-view service: one card with the criteria set, the status, the values
behind it, the high-risk features and a link to the patient's dashboard page."""

from __future__ import annotations

from typing import Any

from thrombo.api.cds.cards import Indicator, card, link
from thrombo.domain.evidence import CriterionEvidence
from thrombo.rules.screening_results import ScreeningResult

SERVICE_ID = "thrombo-ta-tma"
KEYS = ("patient", "observations", "transplant")
STATUS_TEXT = {
    "ta-tma": "TA-TMA criteria met",
    "no-ta-tma": "TA-TMA criteria not met",
    "insufficient-data": "TA-TMA screening: not enough data",
    "not-applicable": "TA-TMA screening not applicable (no allogeneic transplant recorded)",
}


def _value(evidence: CriterionEvidence) -> str:
    return str(evidence.value)


def _indicator(result: ScreeningResult) -> Indicator:
    if result.status == "ta-tma":
        return "critical" if result.high_risk else "warning"
    return "info"


def summary(result: ScreeningResult, criteria_name: str) -> str:
    text = f"{STATUS_TEXT[result.status]} ({criteria_name})"
    if result.status == "ta-tma" and result.first_met:
        text += f" since {result.first_met.isoformat()}"
        if result.high_risk:
            text += "; high-risk features"
    return text


def detail(result: ScreeningResult, criteria_name: str, sources: str) -> str:
    lines = [f"**Criteria set:** {criteria_name}", f"**Status:** {result.status}"]
    if result.assessed_on:
        lines.append(f"**Assessed on:** {result.assessed_on.isoformat()}")
    if result.criteria_met:
        lines.append(f"**Criteria met:** {', '.join(result.criteria_met)}")
    if result.criteria_indeterminate:
        lines.append(f"**Not measured / undecided:** {', '.join(result.criteria_indeterminate)}")
    if result.high_risk_features:
        lines.append(f"**High-risk features:** {', '.join(result.high_risk_features)}")
    if result.evidence:
        lines.append("")
        lines.extend(
            f"- {e.criterion}: {_value(e)} on {e.time.date().isoformat()} ({e.threshold})"
            for e in result.evidence
        )
    lines.extend(f"\n*Caution:* {w}" for w in result.warnings)
    lines.append(f"\n*Data:* {sources}. A research aid: confirm with the treating team.")
    return "\n".join(lines)


def patient_view_card(result: ScreeningResult, criteria_name: str, page_url: str,
                      sources: str) -> dict[str, Any]:
    return card(
        summary(result, criteria_name),
        _indicator(result),
        detail=detail(result, criteria_name, sources),
        links=[link("Open the thrombo patient page", page_url)],
    )
