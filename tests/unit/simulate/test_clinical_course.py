"""The simulated courses are what the harmonized 2023 TA-TMA criteria should find, and nothing else.

Criteria: clinical-reference.md A1 (Schoettler 2023: >= 4 of 7 within 14 days at two consecutive
time points). Order of appearance: A2 (Jodele 2014: LDH, proteinuria and hypertension first).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.unit.simulate._criteria import (
    BP_99TH,
    age_years,
    criteria_by_day,
    first_diagnosis,
    hypertensive,
    positive_dates,
)
from thrombo.simulate import SimulatedPatient, SimulationConfig, simulate_hsct_patient

MIXED = SimulationConfig(seed=11, tma_fraction=0.3, poor_graft_function_fraction=0.2,
                         infection_lookalike_fraction=0.3, centers=2)


@pytest.fixture(scope="module")
def cohort() -> list[SimulatedPatient]:
    return [simulate_hsct_patient(MIXED, index) for index in range(160)]


def by_cohort(cohort: list[SimulatedPatient], name: str) -> list[SimulatedPatient]:
    chosen = [p for p in cohort if p.truth["cohort"] == name]
    assert chosen, f"the sample has no {name} patient"
    return chosen


@pytest.mark.parametrize("name", ["no-tma", "pgf", "infection"])
def test_patients_without_tma_never_meet_more_than_three_criteria(
    cohort: list[SimulatedPatient], name: str
) -> None:
    """Even under the loosest reading of each criterion, look-alikes stay at <= 3 of 7."""
    for patient in by_cohort(cohort, name):
        counts = criteria_by_day(patient)
        assert max(counts.values()) <= 3, patient.patient[0]


def test_infection_lookalikes_reach_three_criteria(cohort: list[SimulatedPatient]) -> None:
    """They are real look-alikes: platelets, haemoglobin and LDH all move."""
    for patient in by_cohort(cohort, "infection"):
        assert max(criteria_by_day(patient).values()) == 3, patient.patient[0]


def test_tma_is_diagnosed_on_the_expected_day_without_blood_pressure_or_baselines(
    cohort: list[SimulatedPatient],
) -> None:
    """Counting only transfusions for the cytopenias and ignoring blood pressure (infants have no
    percentile table), >= 4 criteria hold on two consecutive days, the second being the truth's
    expected diagnosis date."""
    for patient in by_cohort(cohort, "tma"):
        diagnosed = first_diagnosis(criteria_by_day(patient, count_falls=False))
        expected = date.fromisoformat(patient.truth["tma_expected_diagnosis_date"])
        assert diagnosed == expected, patient.patient[0]


def test_signs_appear_in_the_published_order(cohort: list[SimulatedPatient]) -> None:
    for patient in by_cohort(cohort, "tma"):
        onset = date.fromisoformat(patient.truth["tma_onset_date"])
        positive = positive_dates(patient)
        first = {name: min(d for d in days if d >= onset) for name, days in positive.items()
                 if any(d >= onset for d in days)}
        assert first["ldh"] == first["proteinuria"] == first["hypertension"] == onset
        assert first["thrombocytopenia"] > onset
        assert first["schistocytes"] > first["thrombocytopenia"]


def test_hypertension_lies_on_the_right_side_of_every_height_percentile(
    cohort: list[SimulatedPatient],
) -> None:
    """Normal readings stay below the lowest 99th percentile for age; TA-TMA readings from onset
    exceed the highest (Fourth Report 2004 tables, clinical-reference.md A7)."""
    for patient in by_cohort(cohort, "tma"):
        birth = date.fromisoformat(patient.patient[1])
        onset = patient.truth["tma_onset_date"]
        sbp = {r[1]: float(r[3]) for r in patient.observations if r[2] == "8480-6"}
        dbp = {r[1]: float(r[3]) for r in patient.observations if r[2] == "8462-4"}
        on_onset = [t for t in sbp if t.startswith(onset)]
        assert on_onset
        for time in on_onset:
            age = age_years(birth, date.fromisoformat(onset))
            if age >= 1:
                assert hypertensive(sbp[time], dbp[time], age, strict=True)
    assert set(BP_99TH) == set(range(1, 18))


def test_defibrotide_starts_after_diagnosis_at_the_label_dose(
    cohort: list[SimulatedPatient],
) -> None:
    """6.25 mg/kg every 6 h on the weight before conditioning (clinical-reference.md B1), rounded
    half-up to 0.1 mg (interface.md, dose)."""
    for patient in by_cohort(cohort, "tma"):
        (course,) = patient.medications
        conditioning = patient.patient[5]
        weights = [r for r in patient.observations if r[2] == "29463-7" and r[1] < conditioning]
        assert weights, "a weight before conditioning is recorded"
        weight = float(weights[-1][3])
        expected = Decimal(str(weight)) * Decimal("6.25")
        assert Decimal(course[4]) == expected.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert course[1:4] == ("defibrotide", patient.truth["defibrotide_start"],
                               patient.truth["defibrotide_end"])
        assert course[5:] == ("mg", "IV", "therapeutic")
        assert course[2] >= patient.truth["tma_expected_diagnosis_date"]
        days = (date.fromisoformat(course[3]) - date.fromisoformat(course[2])).days + 1
        assert days >= 14 or patient.truth["died"] == "true"


def test_resolution_shows_in_the_laboratory_values(cohort: list[SimulatedPatient]) -> None:
    """By the resolution date: LDH within range, no schistocytes, platelets >= 50 with no
    platelet transfusion in the 7 days before (clinical-reference.md A8 proposed rule)."""
    for patient in by_cohort(cohort, "tma"):
        resolution = patient.truth["resolution_date"]
        if not resolution:
            continue
        last_transfusion = max(e[1][:10] for e in patient.events
                               if e[2] == "platelet_transfusion")
        assert (date.fromisoformat(resolution) - date.fromisoformat(last_transfusion)).days >= 7
        on_day = [r for r in patient.observations if r[1].startswith(resolution)]
        ldh = [r for r in on_day if r[2] == "2532-0"]
        assert ldh and all(float(r[3]) <= float(r[6]) for r in ldh)
        assert all(float(r[3]) >= 50 for r in on_day if r[2] == "777-3")
        assert all(r[3] in ("absent", "0") for r in on_day if r[2] in ("800-3", "schistocytes"))
