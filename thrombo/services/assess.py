"""Use case `assess`: TA-TMA resolution or IWG ITP response, with graded adverse events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thrombo.analytics.assessment import PLATELET_RULES, assess_patient, assessment_document
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.response.tma import TmaOptions

DEFAULT_PLATELET_RULE = "absolute-50-transfusion-free-7d"


@dataclass(frozen=True)
class AssessRequest:
    as_of: date
    platelet_rule: str = DEFAULT_PLATELET_RULE
    """TA-TMA platelet recovery: absolute-50-transfusion-free-7d or rise-50pct-over-nadir."""

    def options(self) -> TmaOptions:
        if self.platelet_rule not in PLATELET_RULES:
            raise ThromboUserError(
                f"--tma-platelet-rule must be one of {', '.join(PLATELET_RULES)}")
        return TmaOptions(platelet_rule=self.platelet_rule)  # type: ignore[arg-type]


def assess_one(timeline: PatientTimeline, request: AssessRequest) -> dict[str, Any]:
    """One patient's `assess --json` entry."""
    return assess_patient(timeline, request.as_of, request.options())


def assess_many(timelines: Sequence[PatientTimeline], request: AssessRequest) -> dict[str, Any]:
    """The whole `assess --json` document (without its "input")."""
    return assessment_document(timelines, request.as_of, request.options())
