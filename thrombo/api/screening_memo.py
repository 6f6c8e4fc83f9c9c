"""A stored timeline's TA-TMA screening, computed once per patient, day and store version: the
result stored for the patient's current data when there is one (written after each import,
services.stored_screening), else screened."""

from __future__ import annotations

from datetime import date
from functools import partial

from thrombo.api.service import DataVersion, Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.screening_results import ScreeningResult
from thrombo.services.stored_screening import stored_or_screened


def screening(service: Service, timeline: PatientTimeline, as_of: date, version: DataVersion
              ) -> ScreeningResult:
    """Shared by the dashboard's patient list and the patient-view hook, so warming one warms
    the other."""
    result: ScreeningResult = service.memo(
        ("screening", timeline.patient_id, as_of, version),
        partial(stored_or_screened, service.store, timeline, as_of))
    return result
