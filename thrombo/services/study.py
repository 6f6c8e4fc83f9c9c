"""Use case `study`: cohort flow and endpoints of the defibrotide TA-TMA study, and its report.

With `suppress_below` the document and the report follow one disclosure policy
(analytics.study_disclosure): small and derivable counts hidden, no single patient's value, and
no patient id in any text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from thrombo.analytics.cohort import (
    DEFAULT_MAX_AGE_YEARS,
    DEFAULT_MIN_AGE_YEARS,
    TIME_ORIGINS,
    Exclusion,
    TimeOrigin,
)
from thrombo.analytics.exposure import DrugExposure, study_exposure
from thrombo.analytics.from_timelines import StudyInput, study_input
from thrombo.analytics.study import HistoricalControl, StudyOptions, build_study
from thrombo.analytics.study_disclosure import without_identifiers
from thrombo.analytics.study_results import StudyResults
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.report.render import ReportPaths, write_report
from thrombo.rules.registry import DEFAULT, criteria_set

UNANALYSABLE = "record cannot be analysed (an implausible date or value)"
log = logging.getLogger("thrombo.services")


@dataclass(frozen=True)
class StudyRequest:
    """`thrombo study`'s options."""

    criteria: str = DEFAULT
    time_origin: str = "treatment-start"
    as_of: date | None = None
    """Use what was known by this day (None: the last recorded day)."""
    min_age_years: float = DEFAULT_MIN_AGE_YEARS
    max_age_years: float = DEFAULT_MAX_AGE_YEARS
    control_rate: float | None = None
    control_survival: float | None = None
    control_source: str | None = None
    suppress_below: int | None = None

    def options(self) -> StudyOptions:
        """The analysis options, each checked (before the slow screening of the source)."""
        return StudyOptions(
            criteria_set=criteria_set(self.criteria).name, time_origin=_origin(self.time_origin),
            min_age_years=self.min_age_years, max_age_years=self.max_age_years,
            control=self._control(), suppress_below=self.suppress_below)

    def _control(self) -> HistoricalControl | None:
        if self.control_rate is None and self.control_survival is None:
            return None
        return HistoricalControl(self.control_source or "historical control given on the "
                                 "command line", resolution_rate=self.control_rate,
                                 survival_6_months=self.control_survival)


@dataclass(frozen=True)
class StudyOutcome:
    results: StudyResults
    as_of: date
    patient_ids: frozenset[str]
    """Every patient id of the source, kept out of the text of a suppressed document."""

    def document(self) -> dict[str, Any]:
        """The `study --json` document (without "input" and "report")."""
        document: dict[str, Any] = {**self.results.to_json(), "as_of": self.as_of.isoformat()}
        if self.results.suppression.on:
            document = without_identifiers(document, self.patient_ids)
        return document


def _origin(value: str) -> TimeOrigin:
    for origin in TIME_ORIGINS:
        if value == origin:
            return origin
    raise ThromboUserError(
        f"--time-origin must be one of {', '.join(TIME_ORIGINS)}, got {value!r}")


def run_study(timelines: Sequence[PatientTimeline], request: StudyRequest) -> StudyOutcome:
    """The study over every analysable record (see `analysable_input`)."""
    options = request.options()
    cohort, exposure, excluded = analysable_input(timelines, request)
    options = replace(options, criteria_version=cohort.criteria_version,
                      upstream_warnings=cohort.warnings, excluded=excluded)
    results = build_study(cohort.patients, options, exposure)
    return StudyOutcome(results, cohort.as_of, frozenset(t.patient_id for t in timelines))


StudyData = tuple[StudyInput, Sequence[DrugExposure]]


def _study_data(timelines: Sequence[PatientTimeline], request: StudyRequest) -> StudyData:
    cohort = study_input(timelines, request.criteria, as_of=request.as_of)
    return cohort, study_exposure(timelines, cohort.patients, cohort.as_of)


def analysable_input(timelines: Sequence[PatientTimeline], request: StudyRequest
                     ) -> tuple[StudyInput, Sequence[DrugExposure], tuple[Exclusion, ...]]:
    """The study's input without the patients whose records cannot be analysed (one child
    born in year 1 must not take the study away from everyone): each patient is tried on its
    own only when the cohort as a whole is refused, and left out with a reason, never its id."""
    try:
        return (*_study_data(timelines, request), ())
    except ThromboUserError:
        pass
    kept = [t for t in timelines if _analysable(t, request)]
    excluded = Exclusion(UNANALYSABLE, len(timelines) - len(kept))
    return (*_study_data(kept, request), (excluded,))


def _analysable(timeline: PatientTimeline, request: StudyRequest) -> bool:
    try:
        _study_data([timeline], request)
    except ThromboUserError as exc:
        log.warning("a patient left out of the study: %s", type(exc).__name__)
        return False
    return True


def write_study_report(outcome: StudyOutcome, folder: Path, source: dict[str, Any]
                       ) -> ReportPaths:
    """report.html (and report.pdf) under the same disclosure policy as the document."""
    return write_report(outcome.results, folder, source=source,
                        patient_ids=outcome.patient_ids)
