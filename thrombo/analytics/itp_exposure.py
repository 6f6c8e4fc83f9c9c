"""The ITP treatment ladder as given: each drug's dates, doses and the response it was judged to
give (IWG 2009, thrombo.response.itp_patient).

Courses are the response engine's (consecutive records of a drug joined, monthly dexamethasone
pulses one regimen), so that the dates here are the ones its response rests on. The dose is the
recorded one; per kg on the last weight recorded on or before the course start (unknown when no
weight was recorded), since ITP doses are weight-based (clinical-reference.md D). A record
without an end is one administration on its start day (the response engine's reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thrombo.analytics.statistical_results import Json
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline, end_of_day
from thrombo.response.itp_patient import assess_itp, is_itp_patient

_MASS_UNITS = {"mg": "mg", "g": "g", "mcg": "mcg", "ug": "mcg"}
_WEIGHT = "weight"


@dataclass(frozen=True)
class LadderStep:
    """One ITP course: what was given, when, how much, and the response judged."""

    patient_id: str
    drug: str
    drug_class: str | None
    start: date
    end: date
    administrations: int
    dose: tuple[float, str] | None
    """The recorded dose of the first administration (value, unit)."""
    dose_per_kg: tuple[float, str] | None
    weight_kg: float | None
    response: str
    response_date: date | None
    records: tuple[str, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Json]:
        return {"patient_id": self.patient_id, "drug": self.drug, "class": self.drug_class,
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "days": self.days, "administrations": self.administrations,
                "dose": None if self.dose is None else {"value": self.dose[0],
                                                        "unit": self.dose[1]},
                "dose_per_kg": None if self.dose_per_kg is None else {
                    "value": round(self.dose_per_kg[0], 3), "unit": self.dose_per_kg[1]},
                "weight_kg": self.weight_kg, "response": self.response,
                "response_date": None if self.response_date is None
                else self.response_date.isoformat(),
                "records": list(self.records)}


def _weight_on(timeline: PatientTimeline, day: date) -> float | None:
    known = [o.value for o in timeline.before(_WEIGHT, end_of_day(day, timeline.tz))
             if o.value is not None]
    return known[-1] if known else None


def _per_kg(med: Medication | None, weight: float | None) -> tuple[float, str] | None:
    """The dose per kg in the unit it was recorded in (g/kg for IVIG, mcg/kg for romiplostim,
    as each is prescribed); None without a weight or for a unit that is not a mass."""
    if med is None or med.dose is None or weight is None:
        return None
    unit = _MASS_UNITS.get(med.dose.unit.strip().lower())
    return None if unit is None else (med.dose.value / weight, f"{unit}/kg")


def itp_ladder(timeline: PatientTimeline, as_of: date) -> tuple[LadderStep, ...]:
    """Every ITP course known by the end of `as_of`, in order, with its response; nothing for a
    child without ITP (steroids for GVHD are no ITP ladder)."""
    known = timeline.as_of(as_of)
    if not is_itp_patient(known):
        return ()
    by_id = {m.id: m for m in known.medications}
    steps = []
    for treatment in assess_itp(known, as_of).treatments:
        course = treatment.course
        first = by_id.get(course.record_ids[0]) if course.record_ids else None
        weight = _weight_on(known, course.start)
        steps.append(LadderStep(
            patient_id=known.patient_id, drug=course.drug, drug_class=course.drug_class,
            start=course.start, end=course.end, administrations=len(course.record_ids),
            dose=None if first is None or first.dose is None
            else (first.dose.value, first.dose.unit),
            dose_per_kg=_per_kg(first, weight), weight_kg=weight,
            response=treatment.response, response_date=treatment.response_date,
            records=course.record_ids))
    return tuple(steps)
