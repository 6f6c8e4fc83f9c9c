"""Treatment-emergent adverse events from a timeline, graded by CTCAE v5.0.

Labs and vitals are graded value by value (thrombo.safety.ctcae); a lab event counts only when its
grade is worse than the grade of the last value on or before the treatment start (treatment-
emergent [Design]: thrombocytopenia is the disease in ITP and TA-TMA, not a drug toxicity).
Recorded events keep their recorded grade. Each term is reported once, at its worst grade, dated
by the first day that grade was reached; the CTCAE version is stored with every grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import age_in_months, completed_years
from thrombo.physiology.bp_staging import ctcae_pediatric_hypertension_bp_band
from thrombo.physiology.growth import height_percentile
from thrombo.physiology.reference_ranges import platelet_reference_range, who_anemia_cutoff_on
from thrombo.safety import ctcae

# [Design] a height measured within a year before a BP reading sets its height percentile.
HEIGHT_VALID_DAYS = 365
# [Design] without height, the band is taken at the 5th and 95th height percentiles and the lower
# grade kept (never over-grade).
HEIGHT_PERCENTILE_LOW, HEIGHT_PERCENTILE_HIGH = 5.0, 95.0
# F [S] grade 2 paediatric hypertension is "recurrent or persistent (>= 24 h)": a second reading
# in the grade 2+ band at least 24 h away (within 7 days [Design]) confirms it.
HTN_PERSIST_HOURS = 24
HTN_PERSIST_WINDOW_DAYS = 7
EVENT_TERMS = {
    "hypotension": "hypotension",
    "bleeding": "hemorrhage",
    "major_bleeding": "hemorrhage",
    "diarrhea": "diarrhea",
    "nausea": "nausea",
    "vomiting": "vomiting",
}
NO_HEIGHT_WARNING = "hypertension graded without a height: lowest grade over height percentiles"


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    term: str
    grade: int
    day: date
    record_id: str
    value: Quantity | None = None
    warnings: tuple[str, ...] = field(default=())
    version: str = ctcae.CTCAE_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "grade": self.grade,
            "date": self.day.isoformat(),
            "ctcae": self.version,
            "record_id": self.record_id,
            "value": None if self.value is None else self.value.to_json(),
            "warnings": list(self.warnings),
        }


def _term_warnings(term: str) -> tuple[str, ...]:
    return () if term in ctcae.VERIFIED_TERMS else (ctcae.UNVERIFIED_WARNING,)


def _lab_warnings(term: str, obs: Observation) -> tuple[str, ...]:
    """The term's warnings, and the fallback platelet range's when the lab gave no LLN."""
    if obs.analyte == "platelets" and obs.ref_low is None:
        return (*_term_warnings(term), *platelet_reference_range()[0].warnings)
    return _term_warnings(term)


def _lab_grade(timeline: PatientTimeline, obs: Observation, baseline: float | None) -> int | None:
    if obs.analyte == "platelets" and obs.quantity is not None:
        lln = obs.ref_low if obs.ref_low is not None else platelet_reference_range()[0].value
        # A censored count ('<10') is graded by interval logic; the other terms need a value.
        return ctcae.platelet_grade(obs.quantity.value, lln, obs.quantity.comparator)
    value = obs.value
    if value is None:
        return None
    if obs.analyte == "hemoglobin":
        return ctcae.anemia_grade(value, obs.ref_low or _who_lln(timeline, obs))
    if obs.analyte == "creatinine":
        return ctcae.creatinine_grade(value, obs.ref_high, baseline)
    return ctcae.proteinuria_grade(value)


def _who_lln(timeline: PatientTimeline, obs: Observation) -> float | None:
    patient = timeline.patient
    if patient.sex == "U":
        return None
    limit = who_anemia_cutoff_on(patient.birth_date, timeline.local_day(obs.time), patient.sex)
    return None if limit is None else limit.value


LAB_TERMS = {
    "platelets": "platelet_count_decreased",
    "hemoglobin": "anemia",
    "creatinine": "creatinine_increased",
    "upcr": "proteinuria",
}


def _lab_events(
    timeline: PatientTimeline, analyte: str, start: date, end: date
) -> list[AdverseEvent]:
    before = [o for o in timeline.of(analyte) if timeline.local_day(o.time) <= start]
    baseline_value = before[-1].value if before else None
    baseline_grade = _lab_grade(timeline, before[-1], None) if before else None
    term = LAB_TERMS[analyte]
    found = []
    for obs in timeline.between(analyte, start + timedelta(days=1), end):
        grade = _lab_grade(timeline, obs, baseline_value)
        if grade and grade > (baseline_grade or 0):
            found.append(
                AdverseEvent(
                    term,
                    grade,
                    timeline.local_day(obs.time),
                    obs.id,
                    obs.quantity,
                    _lab_warnings(term, obs),
                )
            )
    return found


def _recorded_events(timeline: PatientTimeline, start: date, end: date) -> list[AdverseEvent]:
    found = []
    for event in timeline.events_between(EVENT_TERMS, start, end):
        if event.grade is None:
            continue
        term = EVENT_TERMS[event.event]
        grade = ctcae.check_grade(term, event.grade)
        found.append(
            AdverseEvent(
                term, grade, timeline.local_day(event.time), event.id, warnings=_term_warnings(term)
            )
        )
    return found


def _band(timeline: PatientTimeline, sbp: Observation, dbp: float) -> tuple[int | None, bool]:
    patient = timeline.patient
    day = timeline.local_day(sbp.time)
    value = sbp.value or 0.0
    # The age bands (adult from 18, adolescent from 13) and the BP tables count completed years:
    # days / 365.25 reaches 18.0 only the day after some 18th birthdays.
    age = completed_years(patient.birth_date, day)
    if age >= ctcae.ADULT_FROM_YEARS:
        return ctcae.adult_hypertension_grade(value, dbp), True
    if patient.sex == "U":
        return None, True
    heights = timeline.between("height", day - timedelta(days=HEIGHT_VALID_DAYS), day)
    if heights and heights[-1].value is not None:
        pct = height_percentile(
            heights[-1].value, age_in_months(patient.birth_date, day), patient.sex
        )
        return ctcae_pediatric_hypertension_bp_band(value, dbp, patient.sex, age, pct), True
    bands = [
        ctcae_pediatric_hypertension_bp_band(value, dbp, patient.sex, age, p)
        for p in (HEIGHT_PERCENTILE_LOW, HEIGHT_PERCENTILE_HIGH)
    ]
    known = [b for b in bands if b is not None]
    return (min(known) if known else None), False


def _hypertension(timeline: PatientTimeline, start: date, end: date) -> list[AdverseEvent]:
    """Treatment-emergent hypertension: graded readings after the start, worse than the grade
    of the last reading on or before the start (as for the laboratory terms). Hypertension is
    itself a TA-TMA criterion, so a child hypertensive when treatment starts has no adverse
    event unless the pressure climbs to a higher grade."""
    dbp_at = {o.time: o.value for o in timeline.of("diastolic_bp")}
    before = [o for o in timeline.of("systolic_bp") if timeline.local_day(o.time) <= start]
    baseline_grade = (
        (_band(timeline, before[-1], dbp_at.get(before[-1].time) or 0.0)[0] or 0) if before else 0
    )
    readings = []
    for sbp in timeline.between("systolic_bp", start + timedelta(days=1), end):
        band, had_height = _band(timeline, sbp, dbp_at.get(sbp.time) or 0.0)
        if band:
            readings.append((sbp, band, had_height))
    found = []
    for sbp, band, had_height in readings:
        grade = band
        if band == 2 and not any(
            other >= 2 and _persists(sbp.time - o.time) for o, other, _ in readings
        ):
            grade = 1
        if grade <= baseline_grade:
            continue
        warnings = () if had_height else (NO_HEIGHT_WARNING,)
        found.append(
            AdverseEvent(
                "hypertension", grade, timeline.local_day(sbp.time), sbp.id, sbp.quantity, warnings
            )
        )
    return found


def _persists(delta: timedelta) -> bool:
    gap = abs(delta)
    return timedelta(hours=HTN_PERSIST_HOURS) <= gap <= timedelta(days=HTN_PERSIST_WINDOW_DAYS)


def _worst_per_term(events: Iterable[AdverseEvent]) -> tuple[AdverseEvent, ...]:
    worst: dict[str, AdverseEvent] = {}
    for ae in sorted(events, key=lambda a: (a.day, a.record_id)):
        current = worst.get(ae.term)
        if current is None or ae.grade > current.grade:
            worst[ae.term] = ae
    return tuple(sorted(worst.values(), key=lambda a: (a.day, a.term)))


def grade_adverse_events(
    timeline: PatientTimeline, start: date, end: date
) -> tuple[AdverseEvent, ...]:
    """Worst CTCAE grade per term from treatment start to `end` (labs after the start day)."""
    found: list[AdverseEvent] = []
    for analyte in LAB_TERMS:
        found += _lab_events(timeline, analyte, start, end)
    found += _hypertension(timeline, start, end)
    found += _recorded_events(timeline, start, end)
    return _worst_per_term(found)

