"""Why the TA-TMA plan offers what it does, each reason with the values, dates and thresholds
behind it (issue 17 finding 19: plan evidence carries values and thresholds).

- Diagnosed: each criterion met, with its result and the threshold it passed.
- Not active on the plan's day: the criteria met then against the number the set needs.
- Resolved: the LDH, platelet and schistocyte results and rules that made the resolution.
- Eculizumab: the high-risk features met (values and thresholds), or each feature's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from thrombo.domain.evidence import CriterionEvidence, Evidence
from thrombo.domain.quantities import Quantity
from thrombo.domain.timeline import PatientTimeline
from thrombo.plans.result import OptionStatus, Reason
from thrombo.response.tma import TmaResponse
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.latest_results import latest_result
from thrombo.rules.model import CriteriaSet, Named
from thrombo.rules.screening import day_status
from thrombo.rules.screening_results import Outcome, ScreeningResult

RULE = "ta-tma-protocol"
RESOLUTION_RULE = "tma-resolution-000"


def criterion_evidence(
    known: PatientTimeline, found: Iterable[CriterionEvidence]
) -> tuple[Evidence, ...]:
    """Screening evidence as plan evidence: the result, as reported, and the threshold."""
    out = []
    for e in found:
        shown = str(e.value)
        if e.reported is not None:
            shown += f" (reported {e.reported})"
        value = e.value if isinstance(e.value, Quantity) else None
        out.append(Evidence(RULE, f"{e.criterion}: {shown}; met: {e.threshold}",
                            known.local_day(e.time), e.observation_id, value))
    return tuple(out)


def diagnosed(known: PatientTimeline, screening: ScreeningResult) -> Reason:
    features = set(screening.high_risk_features)
    return Reason(
        f"TA-TMA diagnosed on {screening.first_met}: criteria met "
        f"{', '.join(screening.criteria_met)}",
        criterion_evidence(known, (e for e in screening.evidence if e.criterion not in features)),
    )


def inactive(known: PatientTimeline, chosen: CriteriaSet, screening: ScreeningResult,
             as_of: date) -> Reason:
    """Diagnosed, but the set's rule is not met in the window ending on the plan's day."""
    status = day_status(PatientEvaluator.of(known, chosen), chosen, as_of)
    met, unknown = status.named(Outcome.MET), status.named(Outcome.INDETERMINATE)
    found = [e for c in status.criteria if c.outcome is Outcome.MET for e in c.evidence]
    return Reason(
        f"the TA-TMA diagnosed on {screening.first_met} is not active on {as_of.isoformat()}: "
        f"in the {chosen.window_days}-day window ending then {len(met)} criteria are met "
        f"({', '.join(met) or 'none'}) where {chosen.rule.k} are needed"
        + (f"; not measured or undecided: {', '.join(unknown)}" if unknown else "")
        + ": re-screen before starting treatment",
        criterion_evidence(known, found),
    )


def resolved(response: TmaResponse) -> Reason:
    """Resolution, with each component's result and rule on the resolution day."""
    day = response.response_date
    assert day is not None
    components = tuple(e for e in response.evidence
                       if e.rule.startswith(f"{RESOLUTION_RULE}: "))
    return Reason(
        f"TA-TMA resolved on {day.isoformat()} (seed 000 resolution: LDH, platelets and "
        "schistocytes, confirmed on the next assessment day): follow-up",
        (Evidence(RESOLUTION_RULE, "resolution date", day), *components),
    )


def _latest_compared(evaluator: PatientEvaluator, named: Named, on: date) -> str:
    """The latest result a feature compared in the set's window ending `on`, with the limit it
    was compared with (rules.latest_results: "ldh 500 U/L ...; compared with >= 2 x ULN 320")."""
    found = latest_result(evaluator, named.name, named.criterion, on)
    if found is None:
        return ""
    day = evaluator.timeline.local_day(found.time).isoformat()
    return f" (latest: {found.rule} {found.value} on {day}; compared with {found.threshold})"


def _feature_outcomes(known: PatientTimeline, chosen: CriteriaSet, on: date) -> str:
    """Each high-risk feature's outcome on `on`, with the results it read or why it could not."""
    evaluator = PatientEvaluator.of(known, chosen)
    parts = []
    for named in chosen.high_risk or ():
        result = evaluator.named(named, on)
        why = f" ({result.reason})" if result.reason else _latest_compared(evaluator, named, on)
        parts.append(f"{named.name} [{named.definition}] "
                     f"{result.outcome.value.replace('_', ' ')}{why}")
    return "; ".join(parts)


def eculizumab_by_risk(
    known: PatientTimeline, chosen: CriteriaSet, screening: ScreeningResult
) -> tuple[OptionStatus, tuple[Reason, ...]]:
    """Suggested for high-risk TA-TMA (features decided on the diagnosis day), else not yet."""
    on = screening.first_met
    assert on is not None
    if screening.high_risk:
        features = set(screening.high_risk_features)
        found = (e for e in screening.evidence if e.criterion in features)
        return OptionStatus.SUGGESTED, (Reason(
            f"high-risk TA-TMA on {on.isoformat()} ({', '.join(screening.high_risk_features)}): "
            "eculizumab is the main alternative (clinical reference B)",
            criterion_evidence(known, found)),)
    outcomes = _feature_outcomes(known, chosen, on)
    if screening.high_risk is None:
        return OptionStatus.NOT_YET, (Reason(
            f"high-risk features not measured (indeterminate) on {on.isoformat()}: {outcomes}"),)
    return OptionStatus.NOT_YET, (Reason(
        f"not high-risk at diagnosis on {on.isoformat()}: {outcomes}"),)
