"""Pipe tables a clinician can read, turned into patient timelines for the spec tests.

A patient line gives birth date, sex and transplant dates; observation rows give the day after
the transplant (day 0 = infusion), analyte, value and unit as a laboratory reports them (units
are converted to the canonical unit exactly as the import does), and optionally the laboratory's
own range. Results are timed 08:00 local time (UTC) unless a `time` column says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.normalize.analytes import BY_KEY
from thrombo.normalize.units import to_canonical
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult

HSCT = date(2026, 1, 1)
MORNING = time(8, 0)


def parse(table: str) -> list[dict[str, str]]:
    lines = [line.strip() for line in table.strip().splitlines() if line.strip()]
    header = [h.strip() for h in lines[0].split("|")]
    rows = []
    for line in lines[1:]:
        if set(line) <= {"-", "|", " "}:
            continue
        cells = [c.strip() for c in line.split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def day(n: int | str) -> date:
    return HSCT + timedelta(days=int(n))


def _optional_date(value: str | None) -> date | None:
    return day(value) if value not in (None, "", "-") else None


def patient(
    patient_id: str = "P01",
    birth_date: date = date(2016, 6, 1),
    sex: str = "F",
    neutrophil_engraftment: int | None = 20,
    platelet_engraftment: int | None = 25,
    conditioning_start: int | None = -8,
    hsct: int | None = 0,
    hsct_type: str | None = None,
) -> Patient:
    return Patient(
        patient_id=patient_id,
        birth_date=birth_date,
        sex=sex,  # type: ignore[arg-type]
        hsct_date=None if hsct is None else day(hsct),
        hsct_type=hsct_type,  # type: ignore[arg-type]
        neutrophil_engraftment_date=_optional_date(str(neutrophil_engraftment))
        if neutrophil_engraftment is not None else None,
        platelet_engraftment_date=_optional_date(str(platelet_engraftment))
        if platelet_engraftment is not None else None,
        conditioning_start_date=_optional_date(str(conditioning_start))
        if conditioning_start is not None else None,
    )


def observation(row: dict[str, str], index: int, patient_id: str) -> Observation:
    analyte = BY_KEY[row["analyte"]]
    when = datetime.combine(day(row["day"]), _time(row.get("time")), tzinfo=UTC)
    obs_id = f"{patient_id}-o{index}"
    raw, unit = row["value"], row.get("unit", "")
    ref_low, ref_high = row.get("ref_low", ""), row.get("ref_high", "")
    try:
        number = float(raw)
    except ValueError:
        return Observation(obs_id, patient_id, analyte.key, when, category=raw)
    value, canonical = to_canonical(analyte, number, unit)
    factor = value / number if number else to_canonical(analyte, 1.0, unit)[0]
    return Observation(
        obs_id, patient_id, analyte.key, when,
        quantity=Quantity(value, canonical),
        ref_low=float(ref_low) * factor if ref_low else None,
        ref_high=float(ref_high) * factor if ref_high else None,
        reported=Quantity(number, unit),
    )


def _time(text: str | None) -> time:
    return time.fromisoformat(text) if text else MORNING


def event(row: dict[str, str], index: int, patient_id: str) -> Event:
    when = datetime.combine(day(row["day"]), _time(row.get("time")), tzinfo=UTC)
    grade = row.get("grade", "")
    return Event(f"{patient_id}-e{index}", patient_id, when, row["event"],
                 int(grade) if grade else None)


def timeline(
    labs: str = "", events: str = "", who: Patient | None = None
) -> PatientTimeline:
    person = who or patient()
    observations = [
        observation(r, i, person.patient_id) for i, r in enumerate(parse(labs) if labs else [])
    ]
    happenings = [
        event(r, i, person.patient_id) for i, r in enumerate(parse(events) if events else [])
    ]
    return PatientTimeline.build(person, observations, events=happenings)


def one_result(analyte: str, value: str, unit: str, *, ref_low: str = "",
               ref_high: str = "", on_day: int = 40) -> PatientTimeline:
    """The default patient with a single laboratory result (day +40 unless said): the one-row
    table `day | analyte | value | unit | ref_low | ref_high`."""
    return timeline(f"""
        day      | analyte   | value   | unit   | ref_low   | ref_high
        {on_day} | {analyte} | {value} | {unit} | {ref_low} | {ref_high}
    """)


def one_analyte(analyte: str, unit: str, by_day: dict[int, str], ref_high: str = "") -> str:
    """The table of one analyte's results in one unit, given as {day: value}, each with the
    laboratory's upper limit `ref_high` when one is given."""
    rows = [f"{on_day} | {analyte} | {value} | {unit} | {ref_high}"
            for on_day, value in by_day.items()]
    return "\n".join(["day | analyte | value | unit | ref_high", *rows]) + "\n"


def outcome(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
    """One named criterion's outcome on a day (window ending that day): met/not_met/..."""
    evaluator = PatientEvaluator.of(tl, criteria)
    return evaluator.named(criteria.criterion(name), day(on_day)).outcome.value


def feature(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
    """One high-risk feature's outcome on a day."""
    evaluator = PatientEvaluator.of(tl, criteria)
    named = next(n for n in criteria.high_risk or () if n.name == name)
    return evaluator.named(named, day(on_day)).outcome.value


def screened(tl: PatientTimeline, criteria: CriteriaSet, as_of: int = 100) -> ScreeningResult:
    return screen_patient(tl, criteria, day(as_of))
