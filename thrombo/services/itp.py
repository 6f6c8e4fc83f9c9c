"""Use case `itp`: ITP phase, severe ITP and refractory ITP under each named definition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.response.itp_courses import DEFAULT_DEPENDENCE_RULE, DEPENDENCE_RULES, DependenceRule
from thrombo.response.itp_patient import ItpClassification, classify_itp, is_itp_patient


@dataclass(frozen=True)
class ItpRequest:
    as_of: date
    steroid_dependence: str = DEFAULT_DEPENDENCE_RULE
    """Which corticosteroid courses IWG 2009 dependence turns into NR (DEPENDENCE_RULES)."""

    def dependence_rule(self) -> DependenceRule:
        for rule in DEPENDENCE_RULES:
            if rule == self.steroid_dependence:
                return rule
        raise ThromboUserError(f"unknown steroid dependence rule {self.steroid_dependence!r} "
                               f"(known: {', '.join(DEPENDENCE_RULES)})")


def itp_one(timeline: PatientTimeline, request: ItpRequest) -> ItpClassification | None:
    """The classification, or None for a patient who is no ITP patient (no ITP diagnosis and
    no ITP agent outside a transplant)."""
    if not is_itp_patient(timeline):
        return None
    return classify_itp(timeline, request.as_of, dependence_rule=request.dependence_rule())


def itp_many(timelines: Sequence[PatientTimeline], request: ItpRequest) -> dict[str, Any]:
    """The `itp --json` document (without its "input"): ITP patients only."""
    rule = request.dependence_rule()  # an unknown rule is refused before any patient
    patients = [classify_itp(t, request.as_of, dependence_rule=rule).to_json()
                for t in timelines if is_itp_patient(t)]
    return {"as_of": request.as_of.isoformat(), "patients": patients,
            "warnings": sorted({w for p in patients for w in p["warnings"]})}
