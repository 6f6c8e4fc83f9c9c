"""What each treated child actually received: defibrotide dose intensity, interruptions, course
length, and the concomitant TA-TMA therapy (eculizumab, plasma exchange).

The plan is the study protocol (seed 000_56e8c5c5802e858b.txt; clinical-reference.md B1 [S]):
6.25 mg/kg every 6 h, 25 mg/kg/day in four doses, for at least 14 days, on the weight before
conditioning (B1 [S]: "baseline weight = weight before the HSCT preparative regimen").

How the medication rows are read [Design]:
- a row with an end more than one dosing interval after its start (or a date-only start and end)
  is an order: every dose is taken as given every 6 h from start to end, since the row records
  no missed dose (said in `notes`); a date-only order runs four doses on each day start..end;
- any other row is one administration at its start; where a course has administrations, order
  rows beside them are left out (they would count the same doses twice);
- a lone row without an end is an open order, taken to run to death, last contact or as-of;
- the schedule is anchored at the first dose: planned doses are every 6 h from the first to the
  last dose, so a course started in the afternoon is not short on its first day;
- an interruption is a gap between two doses of more than one planned interval (interface.md
  "study --json"), with `DOSE_TIMING_SLACK_HOURS` for doses given late; it starts when the next
  dose was due and ends when dosing resumed. Its reason comes from `exposure_reasons`.
- a gap longer than `NEW_COURSE_GAP_DAYS` ends the course: later rows are a new course.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from thrombo.analytics.cohort import StudyPatient
from thrombo.analytics.exposure_reasons import Interruption, interruption_reason
from thrombo.analytics.statistical_results import Json
from thrombo.domain.records import Medication
from thrombo.domain.timeline import PatientTimeline, end_of_day, start_of_day
from thrombo.dosing.defibrotide import (
    DOSE_MG_PER_KG,
    DOSES_PER_DAY,
    INTERVAL_HOURS,
    PROTOCOL,
    TA_TMA_MIN_DAYS,
)

DEFIBROTIDE = "defibrotide"
PLANNED_MG_PER_KG_DAY = DOSE_MG_PER_KG * DOSES_PER_DAY  # 25 mg/kg/day, B1 [S] and seed 000
PLANNED_SOURCE = PROTOCOL
MIN_COURSE_DAYS = TA_TMA_MIN_DAYS

# [Design] a dose up to half an interval late (3 h) is a late dose, not a missed one: the
# interval between doses must exceed 6 h + 3 h before it counts as an interruption.
DOSE_TIMING_SLACK_HOURS = INTERVAL_HOURS / 2
# [Design] defibrotide held for more than 7 days and restarted is a new course (retreatment),
# not an interruption of the first.
NEW_COURSE_GAP_DAYS = 7

# Concomitant TA-TMA therapy: eculizumab (clinical-reference.md B3) and plasma exchange, by the
# names medications.csv and events.csv may give them [Design].
ECULIZUMAB = "eculizumab"
PLASMA_EXCHANGE_NAMES = frozenset({"plasma_exchange", "plasmapheresis", "tpe"})

_INTERVAL = timedelta(hours=INTERVAL_HOURS)

DESIGN_WARNINGS = (
    f"exposure: a dose up to {DOSE_TIMING_SLACK_HOURS:g} h late is not an interruption, and a gap "
    f"of more than {NEW_COURSE_GAP_DAYS} days starts a new course (design choices, not from the "
    "clinical reference)",
    "exposure: an order recorded from start to end is taken as given in full; only "
    "administration records show missed doses")
_WEIGHT = "weight"


@dataclass(frozen=True)
class DoseDay:
    """One calendar day of the course: planned and received mg/kg (None without a weight)."""

    day: date
    planned_doses: int
    given_doses: int
    received_mg: float | None
    planned_mg_per_kg: float
    received_mg_per_kg: float | None

    def to_json(self) -> dict[str, Json]:
        return {"date": self.day.isoformat(), "planned_doses": self.planned_doses,
                "given_doses": self.given_doses, "received_mg": _round(self.received_mg),
                "planned_mg_per_kg": self.planned_mg_per_kg,
                "received_mg_per_kg": _round(self.received_mg_per_kg)}


@dataclass(frozen=True)
class DrugExposure:
    """One drug's course for one patient. Dose-intensity fields are None for a drug without a
    per-kg daily plan (eculizumab is weight-tiered by interval) or without a dosing weight."""

    patient_id: str
    drug: str
    start: date
    end: date
    course_days: int
    planned_mg_per_kg_day: float | None
    received_mg_per_kg_day: float | None
    relative_dose_intensity: float | None
    cumulative_mg_per_kg: float | None
    planned_doses: int | None
    given_doses: int
    interruptions: tuple[Interruption, ...] = ()
    daily: tuple[DoseDay, ...] = ()
    weight_kg: float | None = None
    weight_basis: str | None = None
    day_from_treatment_start: int | None = None
    records: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def shortened(self) -> bool:
        return self.drug == DEFIBROTIDE and self.course_days < MIN_COURSE_DAYS

    def cumulative_by_day(self, days: int) -> float | None:
        """mg/kg received on the first `days` days of the course (day 1 = the start day)."""
        if self.cumulative_mg_per_kg is None:
            return None
        last = self.start + timedelta(days=days - 1)
        return sum(d.received_mg_per_kg or 0.0 for d in self.daily if d.day <= last)

    def to_json(self) -> dict[str, Json]:
        return {
            "patient_id": self.patient_id, "drug": self.drug, "start": self.start.isoformat(),
            "end": self.end.isoformat(), "course_days": self.course_days,
            "day_from_treatment_start": self.day_from_treatment_start,
            "planned_mg_per_kg_day": self.planned_mg_per_kg_day,
            "received_mg_per_kg_day": _round(self.received_mg_per_kg_day),
            "relative_dose_intensity": _round(self.relative_dose_intensity, 3),
            "cumulative_mg_per_kg": _round(self.cumulative_mg_per_kg),
            "planned_doses": self.planned_doses, "given_doses": self.given_doses,
            "interruptions": [i.to_json() for i in self.interruptions],
            "weight_kg": self.weight_kg, "weight_basis": self.weight_basis,
            "daily": [d.to_json() for d in self.daily], "records": list(self.records),
            "notes": list(self.notes),
            "source": PLANNED_SOURCE if self.drug == DEFIBROTIDE else None}


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# --- reading the rows ------------------------------------------------------------------------


def _date_only(timeline: PatientTimeline, moment: datetime) -> bool:
    return moment.astimezone(timeline.tz).time() == time.min


def _mg(med: Medication, weight: float | None) -> float | None:
    """The row's dose in mg (a dose in mg/kg needs the weight); None when not recorded."""
    if med.dose is None:
        return None
    unit = med.dose.unit.strip().lower()
    factor = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ug": 0.001}.get(unit)
    if factor is not None:
        return med.dose.value * factor
    if unit in ("mg/kg", "mg/kg/dose") and weight is not None:
        return med.dose.value * weight
    return None


def _order_end(timeline: PatientTimeline, med: Medication, open_until: datetime) -> datetime | None:
    """The last instant doses are taken as given for an order row; None for an administration."""
    if med.end is None:
        return open_until
    if _date_only(timeline, med.start) and _date_only(timeline, med.end):
        return end_of_day(timeline.local_day(med.end), timeline.tz)
    return med.end if med.end - med.start > _INTERVAL else None


def dose_times(timeline: PatientTimeline, rows: Sequence[Medication], open_until: datetime,
               ) -> list[tuple[datetime, Medication]]:
    """Every dose the rows record or order, in time order."""
    lone_open = len(rows) == 1 and rows[0].end is None
    ends = {m.id: _order_end(timeline, m, open_until) if lone_open or m.end else None
            for m in rows}
    if not lone_open and any(until is None for until in ends.values()):
        # Administrations recorded: they are what was given, and an order beside them (a FHIR
        # MedicationRequest next to its MedicationAdministrations) would count doses twice.
        rows = [m for m in rows if ends[m.id] is None]
    doses: list[tuple[datetime, Medication]] = []
    for med in rows:
        until = ends[med.id]
        if until is None:
            doses.append((med.start, med))
            continue
        moment = med.start
        while moment <= until:
            doses.append((moment, med))
            moment += _INTERVAL
    return sorted(doses, key=lambda pair: pair[0])


def _first_course(doses: list[tuple[datetime, Medication]]) -> list[tuple[datetime, Medication]]:
    """Doses up to the first gap of more than `NEW_COURSE_GAP_DAYS` (a later course is another)."""
    for i in range(1, len(doses)):
        if doses[i][0] - doses[i - 1][0] > timedelta(days=NEW_COURSE_GAP_DAYS):
            return doses[:i]
    return doses


def dosing_weight(timeline: PatientTimeline, start: date) -> tuple[float | None, str | None]:
    """The weight before conditioning (B1 [S]); else the last before treatment start (said)."""
    conditioning = timeline.patient.conditioning_start_date
    if conditioning is not None:
        before = [o for o in timeline.before(_WEIGHT, end_of_day(conditioning, timeline.tz))
                  if o.value is not None]
        if before:
            return before[-1].value, (f"weight before conditioning, "
                                      f"{timeline.local_day(before[-1].time).isoformat()} (B1)")
    before = [o for o in timeline.before(_WEIGHT, end_of_day(start, timeline.tz))
              if o.value is not None]
    if before:
        return before[-1].value, (f"last weight before treatment start, "
                                  f"{timeline.local_day(before[-1].time).isoformat()} "
                                  "(no weight before conditioning recorded)")
    return None, None


# --- the defibrotide course ------------------------------------------------------------------


def _schedule(first: datetime, last: datetime) -> list[datetime]:
    """Planned dose times: every interval from the first dose to the last given."""
    times, moment = [], first
    while moment <= last + timedelta(hours=DOSE_TIMING_SLACK_HOURS):
        times.append(moment)
        moment += _INTERVAL
    return times


def _daily(timeline: PatientTimeline, doses: list[tuple[datetime, float | None]],
           planned: list[datetime], weight: float | None) -> tuple[DoseDay, ...]:
    by_day: dict[date, list[float | None]] = {}
    planned_by_day: dict[date, int] = {}
    for moment in planned:
        planned_by_day[timeline.local_day(moment)] = planned_by_day.get(
            timeline.local_day(moment), 0) + 1
    for moment, mg in doses:
        by_day.setdefault(timeline.local_day(moment), []).append(mg)
    days = sorted(set(by_day) | set(planned_by_day))
    rows = []
    for day in days:
        given = by_day.get(day, [])
        mg = None if any(v is None for v in given) else sum(v or 0.0 for v in given)
        per_kg = None if mg is None or weight is None else mg / weight
        rows.append(DoseDay(day, planned_by_day.get(day, 0), len(given), mg,
                            planned_by_day.get(day, 0) * DOSE_MG_PER_KG, per_kg))
    return tuple(rows)


def _gaps(timeline: PatientTimeline, doses: list[tuple[datetime, Medication]],
          ) -> tuple[Interruption, ...]:
    found = []
    allowed = _INTERVAL + timedelta(hours=DOSE_TIMING_SLACK_HOURS)
    for (before, row_before), (after, row_after) in itertools.pairwise(doses):
        if after - before > allowed:
            due = before + _INTERVAL
            missed = round((after - due) / _INTERVAL)
            found.append(interruption_reason(timeline, due, after, max(missed, 1),
                                             (row_before, row_after)))
    return tuple(found)


def defibrotide_exposure(timeline: PatientTimeline, treatment_start: date, as_of: date,
                         ) -> DrugExposure | None:
    """The treating defibrotide course from `treatment_start` (the study's day 0)."""
    open_until = _open_until(timeline, as_of)
    rows = [m for m in timeline.medications_of(DEFIBROTIDE)
            if timeline.local_day(m.start) >= treatment_start and m.start <= open_until]
    doses = _first_course(dose_times(timeline, rows, open_until))
    if not doses:
        return None
    notes = []
    if any(m.end is not None and _order_end(timeline, m, open_until) is not None for m in rows):
        notes.append("recorded as an order (start to end): every dose taken as given every "
                     f"{INTERVAL_HOURS} h; missed doses are not in the record")
    if len(rows) == 1 and rows[0].end is None:
        notes.append(f"open order without an end: taken to run to {open_until.date()}")
    start = timeline.local_day(doses[0][0])
    weight, basis = dosing_weight(timeline, start)
    if weight is None:
        notes.append("no weight recorded: dose per kg and dose intensity unknown")
    amounts = [(moment, _mg(med, weight)) for moment, med in doses]
    if any(mg is None for _, mg in amounts):
        notes.append("a dose is not recorded in mg (or mg/kg): dose intensity unknown")
    planned = _schedule(doses[0][0], doses[-1][0])
    daily = _daily(timeline, amounts, planned, weight)
    total = (None if weight is None or any(mg is None for _, mg in amounts)
             else sum(mg or 0.0 for _, mg in amounts) / weight)
    rdi = None if total is None else total / (len(planned) * DOSE_MG_PER_KG)
    end = timeline.local_day(doses[-1][0])
    return DrugExposure(
        patient_id=timeline.patient_id, drug=DEFIBROTIDE, start=start, end=end,
        course_days=(end - start).days + 1, planned_mg_per_kg_day=PLANNED_MG_PER_KG_DAY,
        received_mg_per_kg_day=None if rdi is None else rdi * PLANNED_MG_PER_KG_DAY,
        relative_dose_intensity=rdi, cumulative_mg_per_kg=total, planned_doses=len(planned),
        given_doses=len(doses), interruptions=_gaps(timeline, doses), daily=daily,
        weight_kg=weight, weight_basis=basis, day_from_treatment_start=0,
        records=tuple(dict.fromkeys(m.id for _, m in doses)), notes=tuple(notes))


def _open_until(timeline: PatientTimeline, as_of: date) -> datetime:
    p = timeline.patient
    last = min(d for d in (p.death_date, p.last_contact_date, as_of) if d is not None)
    return end_of_day(last, timeline.tz)


# --- concomitant therapy ---------------------------------------------------------------------


def concomitant_exposure(timeline: PatientTimeline, treatment_start: date, as_of: date,
                         ) -> list[DrugExposure]:
    """Eculizumab and plasma exchange given on or after defibrotide start (or still running)."""
    open_until = _open_until(timeline, as_of)
    after = start_of_day(treatment_start, timeline.tz)
    found = []
    groups = {ECULIZUMAB: list(timeline.medications_of(ECULIZUMAB)),
              "plasma exchange": [m for m in timeline.medications
                                  if m.drug in PLASMA_EXCHANGE_NAMES]}
    for drug, recorded in groups.items():
        rows = [m for m in recorded if m.start <= open_until
                and (m.start >= after or (m.end is not None and m.end >= after))]
        if rows:
            found.append(_other_drug(timeline, drug, rows, treatment_start, open_until))
    sessions = [e for e in timeline.events if e.event in PLASMA_EXCHANGE_NAMES
                and after <= e.time <= open_until]
    if sessions and not groups["plasma exchange"]:
        first, last = timeline.local_day(sessions[0].time), timeline.local_day(sessions[-1].time)
        found.append(DrugExposure(
            timeline.patient_id, "plasma exchange", first, last, (last - first).days + 1,
            None, None, None, None, None, len(sessions),
            day_from_treatment_start=(first - treatment_start).days,
            records=tuple(e.id for e in sessions), notes=("sessions from events.csv",)))
    return found


def _other_drug(timeline: PatientTimeline, drug: str, rows: list[Medication],
                treatment_start: date, open_until: datetime) -> DrugExposure:
    first = timeline.local_day(rows[0].start)
    ends = [timeline.local_day(m.end if m.end is not None else m.start) for m in rows]
    last = min(max(ends), open_until.date())
    return DrugExposure(
        patient_id=timeline.patient_id, drug=drug, start=first, end=last,
        course_days=(last - first).days + 1, planned_mg_per_kg_day=None,
        received_mg_per_kg_day=None, relative_dose_intensity=None, cumulative_mg_per_kg=None,
        planned_doses=None, given_doses=len(rows),
        day_from_treatment_start=(first - treatment_start).days,
        records=tuple(m.id for m in rows),
        notes=("no per-kg daily plan: dose intensity not computed (eculizumab is weight-tiered "
               "by interval, clinical-reference.md B3)",) if drug == ECULIZUMAB else ())


# --- the study's exposure table --------------------------------------------------------------


def patient_exposure(timeline: PatientTimeline, treatment_start: date, as_of: date,
                     ) -> tuple[DrugExposure, ...]:
    """Defibrotide first, then each concomitant TA-TMA therapy."""
    known = timeline.as_of(as_of)
    main = defibrotide_exposure(known, treatment_start, as_of)
    others = concomitant_exposure(known, treatment_start, as_of)
    return tuple(([main] if main is not None else []) + others)


def study_exposure(timelines: Sequence[PatientTimeline], patients: Sequence[StudyPatient],
                   as_of: date) -> tuple[DrugExposure, ...]:
    """The exposure table of every treated study patient (one row per patient and drug)."""
    by_id = {t.patient_id: t for t in timelines}
    rows: list[DrugExposure] = []
    for p in patients:
        timeline = by_id.get(p.patient_id)
        if p.treatment_start is not None and timeline is not None:
            rows += patient_exposure(timeline, p.treatment_start, as_of)
    return tuple(rows)
