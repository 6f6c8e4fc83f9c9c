"""The patient page's content: screening and ITP status, charts over time, evidence, doses and
responses. Everything shown is computed by the clinical layers; this module only arranges it."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from thrombo.api import clinical
from thrombo.api.screening_memo import screenings
from thrombo.api.service import DataVersion, Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import age_in_years
from thrombo.rules.screening_results import ScreeningResult
from thrombo.rules.tma.common import LDH_HIGH_RISK_MULTIPLE, UPCR_MG_MG
from thrombo.web.charts import Chart, Marker, Series, Threshold, render
from thrombo.web.course import MARKER_KEY, CourseHeader, header, markers
from thrombo.web.journey import LEGEND as JOURNEY_LEGEND
from thrombo.web.journey import journey_lanes, render_journey, shared_span

CHARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Platelets", ("platelets",)),
    ("Haemoglobin", ("hemoglobin",)),
    ("LDH", ("ldh",)),
    ("Blood pressure", ("systolic_bp", "diastolic_bp")),
    ("Creatinine", ("creatinine",)),
    ("Urine protein/creatinine", ("upcr",)),
    ("sC5b-9", ("sc5b9",)),
)
LABELS = {"systolic_bp": "systolic", "diastolic_bp": "diastolic"}


@dataclass(frozen=True)
class PatientPage:
    timeline: PatientTimeline
    as_of: date
    screening: ScreeningResult
    criteria: str
    itp: dict[str, Any] | None
    charts: list[Markup]
    age_years: float
    assessment: dict[str, Any]
    plan: dict[str, Any] | None
    plan_note: str | None
    journey: Markup
    """Treatment lanes on the charts' shared time axis (web.journey); empty without any."""
    course: CourseHeader

    @property
    def patient(self) -> Any:
        return self.timeline.patient

    @property
    def journey_legend(self) -> str:
        return JOURNEY_LEGEND

    @property
    def marker_key(self) -> str:
        return MARKER_KEY


def thresholds_for(title: str, unit: str, band: tuple[float | None, float | None]
                   ) -> list[Threshold]:
    """The fixed lines a chart's criterion draws against: UPCR's 1 mg/mg and LDH's 2 x ULN
    (both rules.tma.common, with their sources); the other criteria are relative (a fall from
    baseline, above the laboratory's limit: the shaded band)."""
    if title == "Urine protein/creatinine" and unit == "mg/mg":
        return [Threshold(UPCR_MG_MG, f"{UPCR_MG_MG:g} mg/mg: proteinuria criterion")]
    if title == "LDH" and band[1] is not None:
        return [Threshold(LDH_HIGH_RISK_MULTIPLE * band[1],
                          f"{LDH_HIGH_RISK_MULTIPLE:g} x ULN: high risk")]
    return []


def chart_for(timeline: PatientTimeline, title: str, analytes: tuple[str, ...],
              marks: set[str], span: tuple[datetime, datetime] | None = None,
              markers: Sequence[Marker] = ()) -> Markup:
    """One chart; `marks` are the evidence observations' ids (a ring only on those points)."""
    series, unit = [], ""
    band: tuple[float | None, float | None] = (None, None)
    for analyte in analytes:
        obs = [o for o in timeline.of(analyte) if o.quantity is not None]
        if not obs:
            continue
        unit = obs[-1].quantity.unit if obs[-1].quantity else ""
        series.append(Series(LABELS.get(analyte, title), [(o.time, float(o.value or 0.0))
                                                          for o in obs], [o.id for o in obs]))
        if len(analytes) == 1:
            band = (obs[-1].ref_low, obs[-1].ref_high)
    return render(Chart(title, unit, series, band, sorted(marks), span,
                        thresholds_for(title, unit, band), markers))


def build(timeline: PatientTimeline, as_of: date, result: ScreeningResult | None = None
          ) -> PatientPage:
    """The page as of `as_of`. `result`: the patient's screening under the default set as of
    that day when the caller has it (the service's stored or remembered one, screening_memo),
    else screened here; the page and the plan both show it, screened once at most."""
    result = result if result is not None else clinical.screen_one(timeline, as_of)
    itp = clinical.itp_status(timeline, as_of)
    marks = {e.observation_id for e in result.evidence}
    assessment = clinical.assessment(timeline, as_of)
    lanes = journey_lanes(timeline, as_of, result, assessment)
    span = shared_span(lanes, [o.time for _, analytes in CHARTS for a in analytes
                               for o in timeline.of(a) if o.quantity is not None])
    events = markers(timeline, result, assessment)
    charts = [c for title, analytes in CHARTS
              if (c := chart_for(timeline, title, analytes, marks, span if lanes else None,
                                 events))]
    plan, plan_note = clinical.plan(timeline, as_of, result)
    course = header(timeline, as_of, assessment)
    return PatientPage(
        timeline, as_of, result, clinical.DEFAULT_CRITERIA,
        None if itp is None else itp.to_json(), charts,
        course.age_years,
        assessment,
        None if plan is None else plan.to_json(), plan_note,
        render_journey(lanes, span) if lanes and span else Markup(""),
        course,
    )


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One line of the patient list: TA-TMA and ITP status. (Attributes rather than a dict:
    the template reads each field of every row, and Jinja tries an attribute before a key.)"""

    patient_id: str
    center: str | None
    age: float
    hsct_date: date | None
    tma_status: str
    tma_first_met: date | None
    high_risk: bool | None
    itp_phase: str | None
    itp_refractory: bool | None



def status_row(timeline: PatientTimeline, as_of: date, result: ScreeningResult) -> StatusRow:
    itp = clinical.itp_status(timeline, as_of)
    patient = timeline.patient
    return StatusRow(
        patient_id=patient.patient_id,
        center=patient.center,
        age=round(age_in_years(patient.birth_date, min(as_of, patient.death_date or as_of)), 1),
        hsct_date=patient.hsct_date,
        tma_status=result.status,
        tma_first_met=result.first_met,
        high_risk=result.high_risk,
        itp_phase=None if itp is None else itp.phase,
        itp_refractory=None if itp is None else itp.default.refractory,
    )


def status_rows(service: Service, timelines: list[PatientTimeline], as_of: date,
                version: DataVersion | None = None) -> list[StatusRow]:
    """Status rows, screened once per patient, day and store version: the patients without
    a remembered row are screened (or their stored results read) together."""
    version = service.store_version() if version is None else version

    def rows_of(missing: list[int]) -> list[StatusRow]:
        wanted = [timelines[i] for i in missing]
        return [status_row(t, as_of, result) for t, result in
                zip(wanted, screenings(service, wanted, as_of, version), strict=True)]

    rows: list[StatusRow] = service.memo_many(
        [("status-row", t.patient_id, as_of, version) for t in timelines], rows_of)
    return rows


def warm_status_cache(service: Service) -> None:
    """Screen every stored patient ahead of the first page view (run in a background thread),
    then exempt what is cached from the cyclic garbage collector: a full collection walks every
    tracked object, and over a few hundred thousand cached ones it stalls every request of the
    process for 100-200 ms (measured on 48 patients). Frozen objects are still freed by
    reference counting when the cache lets them go. The store version is read before the
    timelines: read after them, an import committing in between would have the old data
    cached under the new version until the next import."""
    version = service.store_version()
    timelines = service.timelines(sorted(service.store.known_patient_ids()), version)
    status_rows(service, timelines, service.today(), version)
    gc.collect()
    gc.freeze()
