"""Defibrotide exposure on hand-built courses, every figure worked out by hand below.

Plan (clinical-reference.md B1 [S], seed 000 protocol): 6.25 mg/kg every 6 h, 25 mg/kg/day.
The child weighs 20 kg before conditioning, so one dose is 125 mg and a full day is 500 mg.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from thrombo.analytics.exposure import (
    DEFIBROTIDE,
    PLANNED_MG_PER_KG_DAY,
    DrugExposure,
    patient_exposure,
)
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.store.deidentify import deidentify_timeline, shift_days

START = date(2025, 1, 1)
AS_OF = date(2025, 3, 1)
DOSE_MG = 125.0  # 6.25 mg/kg x 20 kg


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def d(n: int) -> date:
    return START + timedelta(days=n)


def timeline(meds: list[Medication], events: tuple[Event, ...] = (),
             weights: tuple[tuple[date, float], ...] = ((date(2024, 12, 1), 20.0),),
             conditioning: date | None = date(2024, 12, 2)) -> PatientTimeline:
    patient = Patient("P1", date(2017, 1, 1), "F", hsct_date=date(2024, 12, 9),
                      conditioning_start_date=conditioning, last_contact_date=AS_OF)
    observations = [Observation(f"w{i}", "P1", "weight", at(day, 8), quantity=Quantity(kg, "kg"))
                    for i, (day, kg) in enumerate(weights)]
    return PatientTimeline.build(patient, observations, meds, events)


def med(n: int, start: datetime, end: datetime | None = None, dose: float = DOSE_MG,
        drug: str = DEFIBROTIDE, unit: str = "mg", **attributes: str) -> Medication:
    return Medication(f"m{n}", "P1", drug, start, end, Quantity(dose, unit), "IV",
                      "therapeutic", attributes=attributes)


def administrations(days: int, skip: frozenset[datetime] = frozenset()) -> list[Medication]:
    """Every 6 h from day 0 00:00 for `days` days, minus the doses in `skip`."""
    times = [at(d(n), h) for n in range(days) for h in (0, 6, 12, 18)]
    return [med(i, t) for i, t in enumerate(times) if t not in skip]


def defibrotide(course: PatientTimeline) -> DrugExposure:
    rows = patient_exposure(course, START, AS_OF)
    assert rows[0].drug == DEFIBROTIDE
    return rows[0]


def test_interrupted_for_bleeding_counts_the_missed_doses() -> None:
    # 14 days x 4 = 56 planned doses; the 06, 12 and 18 h doses of day 4 are not given after a
    # grade 3 bleed at 03:00. Given 53: received 53 x 125 mg / 20 kg = 331.25 mg/kg,
    # RDI 53/56 = 0.9464, mean 25 x 53/56 = 23.66 mg/kg/day; the gap runs from the 06 h dose that
    # was due to 00 h of day 5: 18 h.
    missed = frozenset({at(d(4), 6), at(d(4), 12), at(d(4), 18)})
    bleed = Event("e1", "P1", at(d(4), 3), "bleeding", grade=3)
    course = defibrotide(timeline(administrations(14, missed), (bleed,)))
    assert (course.start, course.end, course.course_days) == (d(0), d(13), 14)
    assert (course.planned_doses, course.given_doses) == (56, 53)
    assert course.relative_dose_intensity == pytest.approx(53 / 56)
    assert course.received_mg_per_kg_day == pytest.approx(25 * 53 / 56)
    assert course.cumulative_mg_per_kg == pytest.approx(331.25)
    assert course.planned_mg_per_kg_day == PLANNED_MG_PER_KG_DAY == 25.0
    [gap] = course.interruptions
    assert (gap.start, gap.end, gap.hours, gap.missed_doses) == (at(d(4), 6), at(d(5)), 18, 3)
    assert gap.reason == "bleeding"
    assert "e1" in gap.evidence[0]
    day4 = next(x for x in course.daily if x.day == d(4))
    assert (day4.planned_doses, day4.given_doses, day4.received_mg_per_kg) == (4, 1, 6.25)
    assert course.weight_kg == 20.0 and "before conditioning" in (course.weight_basis or "")
    assert not course.shortened


def test_shortened_course_recorded_as_an_order() -> None:
    # One row 2025-01-01 to 2025-01-10 (dates only): 10 days x 4 doses, all taken as given.
    course = defibrotide(timeline([med(1, at(d(0)), at(d(9)))]))
    assert (course.course_days, course.planned_doses, course.given_doses) == (10, 40, 40)
    assert course.relative_dose_intensity == pytest.approx(1.0)
    assert course.cumulative_mg_per_kg == pytest.approx(250.0)  # 40 x 125 / 20
    assert course.shortened and course.interruptions == ()
    assert "every dose taken as given" in course.notes[0]


def test_two_orders_with_a_procedure_between_them() -> None:
    # Days 0-6 and 8-15 ordered; day 7's four doses not given after an invasive procedure on the
    # evening of day 6. Planned 16 x 4 = 64, given 7 x 4 + 8 x 4 = 60: RDI 60/64 = 0.9375.
    procedure = Event("e2", "P1", at(d(6), 20), "invasive_procedure")
    course = defibrotide(timeline([med(1, at(d(0)), at(d(6))), med(2, at(d(8)), at(d(15)))],
                                  (procedure,)))
    assert (course.course_days, course.planned_doses, course.given_doses) == (16, 64, 60)
    assert course.relative_dose_intensity == pytest.approx(0.9375)
    [gap] = course.interruptions
    assert (gap.start, gap.end, gap.missed_doses, gap.reason) == (at(d(7)), at(d(8)), 4,
                                                                  "procedure")
    assert gap.to_json()["start"] == "2025-01-08" and gap.to_json()["hours"] == 24.0


def test_reason_recorded_on_the_row_comes_first_and_anticoagulant_is_found() -> None:
    rows = [med(1, at(d(0)), at(d(6))), med(2, at(d(9)), at(d(15)), reason="line change")]
    assert defibrotide(timeline(rows)).interruptions[0].reason == "line change"
    enoxaparin = med(9, at(d(7), 9), drug="enoxaparin", dose=20.0)
    rows = [med(1, at(d(0)), at(d(6))), med(2, at(d(9)), at(d(15))), enoxaparin]
    gap = defibrotide(timeline(rows)).interruptions[0]
    assert gap.reason == "anticoagulant" and "m9" in gap.evidence[0]
    rows = [med(1, at(d(0)), at(d(6))), med(2, at(d(9)), at(d(15)))]
    assert defibrotide(timeline(rows)).interruptions[0].reason == "not recorded"


def test_a_late_dose_is_not_an_interruption_but_a_missed_one_is() -> None:
    # 8 h between doses (2 h late, within the 3 h slack): no interruption.
    late = [med(1, at(d(0), 0)), med(2, at(d(0), 8)), med(3, at(d(0), 14))]
    assert defibrotide(timeline(late)).interruptions == ()
    # 12 h: the 06 h dose was missed.
    missed = [med(1, at(d(0), 0)), med(2, at(d(0), 12)), med(3, at(d(0), 18))]
    [gap] = defibrotide(timeline(missed)).interruptions
    assert gap.missed_doses == 1 and gap.hours == 6


def test_eculizumab_add_on_is_its_own_row_from_its_start() -> None:
    rows = [med(1, at(d(0)), at(d(20))),
            med(2, at(d(9), 10), dose=600.0, drug="eculizumab"),
            med(3, at(d(16), 10), dose=600.0, drug="eculizumab")]
    defib, ecu = patient_exposure(timeline(rows), START, AS_OF)
    assert defib.course_days == 21
    assert (ecu.drug, ecu.start, ecu.end, ecu.given_doses) == ("eculizumab", d(9), d(16), 2)
    assert ecu.day_from_treatment_start == 9
    assert ecu.relative_dose_intensity is None and "weight-tiered" in ecu.notes[0]


def test_weight_basis_dose_per_kg_and_a_later_course() -> None:
    # No weight before conditioning: the last one before treatment start, and it says so.
    course = defibrotide(timeline([med(1, at(d(0)), at(d(13)))],
                                  weights=((date(2024, 12, 20), 25.0),)))
    assert course.weight_kg == 25.0 and "no weight before conditioning" in (
        course.weight_basis or "")
    assert course.relative_dose_intensity == pytest.approx(125 / (6.25 * 25))  # 0.8
    # A dose in mg/kg needs no conversion; a restart 10 days after the end is another course.
    rows = [med(1, at(d(0)), at(d(13)), dose=6.25, unit="mg/kg"), med(2, at(d(24)), at(d(30)))]
    course = defibrotide(timeline(rows))
    assert course.relative_dose_intensity == pytest.approx(1.0)
    assert course.end == d(13) and course.records == ("m1",)


def test_no_weight_leaves_dose_intensity_unknown() -> None:
    course = defibrotide(timeline([med(1, at(d(0)), at(d(13)))], weights=()))
    assert course.relative_dose_intensity is None and course.cumulative_mg_per_kg is None
    assert course.course_days == 14
    assert any("no weight" in n for n in course.notes)


def test_de_identified_record_keeps_the_exposure_with_shifted_dates() -> None:
    # The export moves every date of a patient by one shift: the course, its gap and its reason
    # move with it, and every figure stays the same.
    missed = frozenset({at(d(4), 6), at(d(4), 12), at(d(4), 18)})
    bleed = Event("e1", "P1", at(d(4), 3), "bleeding", grade=3)
    original = timeline(administrations(14, missed), (bleed,))
    key = b"k" * 32
    shift = timedelta(days=shift_days(key, original.patient))
    exported = deidentify_timeline(original, key, None)
    before = defibrotide(original)
    [after, *_] = patient_exposure(exported, START + shift, AS_OF + shift)
    assert (after.start, after.end) == (before.start + shift, before.end + shift)
    assert after.relative_dose_intensity == before.relative_dose_intensity
    assert after.patient_id == exported.patient_id != "P1"
    [gap] = after.interruptions
    assert (gap.start, gap.reason) == (at(d(4), 6) + shift, "bleeding")


def test_an_order_beside_its_administrations_is_not_counted_twice() -> None:
    # A FHIR source may give the order (MedicationRequest, days 0-13) and each administration.
    rows = [med(999, at(d(0)), at(d(13))), *administrations(14)]
    course = defibrotide(timeline(rows))
    assert (course.planned_doses, course.given_doses) == (56, 56)
    assert course.relative_dose_intensity == pytest.approx(1.0)
    assert "m999" not in course.records
