"""Screening outcomes do not depend on row order or on where the course sits in the calendar.

Property-based (Hypothesis): random post-transplant courses over every criteria set.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import all_sets
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult

SETS = all_sets()
HSCT = date(2026, 1, 10)
# Birthday far from the dates used (and no 29 February between): shifting by up to 60 days
# keeps every completed-years age the same.
BIRTH = date(2016, 6, 15)

ANALYTES = {
    "platelets": ("10*9/L", [20, 45, 60, 90, 150, 250], None),
    "hemoglobin": ("g/dL", [7.5, 8.5, 9.5, 10.5, 11.0, 12.0], None),
    "ldh": ("U/L", [200, 320, 500, 900], 320.0),
    "upcr": ("mg/mg", [0.2, 1.0, 2.5], None),
    "sc5b9": ("ng/mL", [150, 244, 400], 244.0),
    "systolic_bp": ("mm[Hg]", [100, 124, 135], None),
    "creatinine": ("mg/dL", [0.4, 0.9, 1.5], None),
    "pt": ("s", [12.0, 16.0], 14.0),
    "aptt": ("s", [30.0, 45.0], 40.0),
    "haptoglobin": ("mg/dL", [5.0, 80.0], None),
}
CATEGORIES = {"schistocytes": ["present", "absent"], "dat": ["present", "absent"]}
EVENTS = ["rbc_transfusion", "platelet_transfusion", "tma_biopsy", "gvhd", "infection",
          "neurological_event"]


@st.composite
def observations(draw: st.DrawFn) -> list[Observation]:
    rows = draw(st.lists(st.tuples(
        st.integers(-10, 50),
        st.sampled_from(sorted({*ANALYTES, *CATEGORIES})),
        st.integers(0, 5),
        st.integers(0, 23),
    ), max_size=40))
    result = []
    for i, (offset, analyte, pick, hour) in enumerate(rows):
        when = datetime.combine(HSCT + timedelta(days=offset), time(hour), tzinfo=UTC)
        if analyte in CATEGORIES:
            options = CATEGORIES[analyte]
            result.append(Observation(f"o{i}", "P", analyte, when,
                                      category=options[pick % len(options)]))
            continue
        unit, values, ref_high = ANALYTES[analyte]
        result.append(Observation(f"o{i}", "P", analyte, when,
                                  quantity=Quantity(float(values[pick % len(values)]), unit),
                                  ref_high=ref_high))
    return result


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    rows = draw(st.lists(st.tuples(st.integers(0, 50), st.sampled_from(EVENTS),
                                   st.integers(1, 4)), max_size=5))
    return [
        Event(f"e{i}", "P", datetime.combine(HSCT + timedelta(days=d), time(12), tzinfo=UTC),
              name, grade)
        for i, (d, name, grade) in enumerate(rows)
    ]


def patient(shift: int = 0) -> Patient:
    moved = timedelta(days=shift)
    return Patient("P", BIRTH + moved, "F", hsct_date=HSCT + moved,
                   neutrophil_engraftment_date=HSCT + moved + timedelta(days=15),
                   platelet_engraftment_date=HSCT + moved + timedelta(days=20),
                   conditioning_start_date=HSCT + moved - timedelta(days=7))


def outcome(result: ScreeningResult, shift: int = 0) -> tuple[object, ...]:
    moved = timedelta(days=shift)
    return (
        result.status,
        None if result.first_met is None else result.first_met - moved,
        result.active,
        result.criteria_met,
        result.criteria_indeterminate,
        result.high_risk,
        result.high_risk_features,
        tuple(e.observation_id for e in result.evidence),
        tuple((d.day - moved, d.rule) for d in result.days),
    )


@settings(max_examples=60, deadline=None)
@given(observations(), events(), st.randoms(use_true_random=False), st.integers(30, 60))
def test_row_order_does_not_change_outcomes(obs: list[Observation], evs: list[Event],
                                            rnd: object, as_of: int) -> None:
    shuffled = list(obs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    day = HSCT + timedelta(days=as_of)
    for criteria in SETS:
        ordered = screen_patient(PatientTimeline.build(patient(), obs, events=evs), criteria, day)
        other = screen_patient(
            PatientTimeline.build(patient(), shuffled, events=list(reversed(evs))), criteria, day
        )
        assert ordered.to_json() == other.to_json()


@settings(max_examples=60, deadline=None)
@given(observations(), events(), st.integers(-60, 60), st.integers(30, 60))
def test_shifting_every_date_shifts_the_diagnosis_date_only(
    obs: list[Observation], evs: list[Event], shift: int, as_of: int
) -> None:
    moved = timedelta(days=shift)
    day = HSCT + timedelta(days=as_of)
    obs_moved = [replace(o, time=o.time + moved) for o in obs]
    evs_moved = [replace(e, time=e.time + moved) for e in evs]
    for criteria in SETS:
        base = screen_patient(PatientTimeline.build(patient(), obs, events=evs), criteria, day)
        shifted = screen_patient(
            PatientTimeline.build(patient(shift), obs_moved, events=evs_moved), criteria,
            day + moved,
        )
        assert outcome(base) == outcome(shifted, shift)
