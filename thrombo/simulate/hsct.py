"""One synthetic child after allogeneic stem-cell transplant, from conditioning to last contact."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from thrombo.simulate.body import Body, draw_body
from thrombo.simulate.config import COHORT_EPOCH, ENROLMENT_SPAN_DAYS, SimulationConfig
from thrombo.simulate.course import Course, normal_course, set_hypertensive
from thrombo.simulate.events import hsct_events, tma_events
from thrombo.simulate.labs import profile_for_center
from thrombo.simulate.lookalikes import apply_infection, draw_infection
from thrombo.simulate.rng import HSCT_STREAM, patient_rng, uniform_int
from thrombo.simulate.rows import Row, SimulatedPatient, day_to_date, flag, iso, number
from thrombo.simulate.sampling import observation_rows, sampling_days
from thrombo.simulate.tma import TmaOutcome, apply_tma, defibrotide_dose_mg, draw_outcome

FOLLOW_UP_DAYS = 180
"""The issue asks for day 0 to at least day 180."""


def center_name(index: int) -> str:
    return f"C{index + 1:02d}"


def hsct_patient_id(index: int) -> str:
    return f"HSCT-{index + 1:06d}"


def draw_cohort(rng: np.random.Generator, config: SimulationConfig) -> str:
    u = rng.random()
    for cohort, fraction in (
        ("tma", config.tma_fraction),
        ("pgf", config.poor_graft_function_fraction),
        ("infection", config.infection_lookalike_fraction),
    ):
        if u < fraction:
            return cohort
        u -= fraction
    return "no-tma"


def simulate_hsct_patient(config: SimulationConfig, index: int) -> SimulatedPatient:
    """Patient `index` of the transplant cohort; depends only on the seed and the index."""
    rng = patient_rng(config.seed, HSCT_STREAM, index)
    patient_id = hsct_patient_id(index)
    center = uniform_int(rng, 0, config.centers - 1)
    cohort = draw_cohort(rng, config)
    # Infection look-alikes are at least 1 year old so that blood pressure is assessable.
    body = draw_body(rng, 1.0 if cohort == "infection" else 0.5, 18.0)
    origin = COHORT_EPOCH + timedelta(days=uniform_int(rng, 0, ENROLMENT_SPAN_DAYS - 1))
    conditioning = -uniform_int(rng, 7, 10)
    neutrophil_day = uniform_int(rng, 12, 28)
    platelet_day = None if cohort == "pgf" else neutrophil_day + uniform_int(rng, 3, 15)
    engrafted = platelet_day if platelet_day is not None else neutrophil_day + 9
    tma = draw_outcome(rng, config, engrafted) if cohort == "tma" else None
    episode = draw_infection(rng, engrafted) if cohort == "infection" else None
    death = tma.death if tma is not None else _death_without_tma(rng, config)
    last_day = tma.last_day if tma is not None else (death or FOLLOW_UP_DAYS)
    course = normal_course(rng, body, conditioning - 1, last_day, neutrophil_day, platelet_day)
    if cohort in ("tma", "no-tma") and rng.random() < config.calcineurin_hypertension:
        start = uniform_int(rng, 0, 10)
        set_hypertensive(rng, course, body, start, start + uniform_int(rng, 3, 7))
    work_up = np.zeros_like(course.intensive)
    if tma is not None:
        apply_tma(rng, course, body, tma)
        work_up_end = None if tma.resolution is None else tma.resolution + 7
        work_up[course.span(tma.onset, work_up_end)] = True
    if episode is not None:
        apply_infection(rng, course, episode)
        work_up[course.span(episode.start, episode.end)] = True
    profile = profile_for_center(center)
    masks = sampling_days(course, origin, work_up)
    observations = observation_rows(rng, patient_id, course, origin, profile, masks, body.height_cm)
    dosing_weight = float(course.values["weight"][0])
    events = hsct_events(rng, config, patient_id, origin, course, episode)
    medications: list[Row] = []
    truth = _truth(patient_id, cohort, center, body, origin, death)
    if tma is not None:
        dose = defibrotide_dose_mg(round(dosing_weight, 1))
        medications.append(_defibrotide_row(patient_id, origin, tma, dose))
        events += tma_events(rng, config, patient_id, origin, tma, truth)
        truth.update(_tma_truth(origin, tma, dose, round(dosing_weight, 1)))
    events.sort(key=lambda row: (row[1], row[2]))
    patient = (
        patient_id, iso(origin - timedelta(days=round(body.age_years * 365.25))), body.sex,
        center_name(center), iso(origin), iso(day_to_date(origin, conditioning)),
        iso(day_to_date(origin, neutrophil_day)),
        "" if platelet_day is None else iso(day_to_date(origin, platelet_day)),
        "", "", "" if death is None else iso(day_to_date(origin, death)),
        iso(day_to_date(origin, last_day)),
    )
    return SimulatedPatient(patient, observations, medications, events, truth)


def _death_without_tma(rng: np.random.Generator, config: SimulationConfig) -> int | None:
    if rng.random() < config.death_without_tma_6_months:
        return uniform_int(rng, 30, FOLLOW_UP_DAYS)
    return None


def _defibrotide_row(patient_id: str, origin: date, tma: TmaOutcome, dose_mg: float) -> Row:
    return (
        patient_id, "defibrotide", iso(day_to_date(origin, tma.defibrotide_start)),
        iso(day_to_date(origin, tma.defibrotide_end)), number(dose_mg, 1), "mg", "IV",
        "therapeutic",
    )


def _truth(
    patient_id: str, cohort: str, center: int, body: Body, origin: date, death: int | None
) -> dict[str, str]:
    return {
        "patient_id": patient_id, "cohort": cohort, "center": center_name(center),
        "age_at_index_years": number(body.age_years, 2), "died": flag(death is not None),
        "death_date": "" if death is None else iso(day_to_date(origin, death)),
    }


def _tma_truth(origin: date, tma: TmaOutcome, dose_mg: float, weight: float) -> dict[str, str]:
    def day(value: int | None) -> str:
        return "" if value is None else iso(day_to_date(origin, value))

    return {
        "tma_onset_date": day(tma.onset),
        "tma_expected_diagnosis_date": day(tma.expected_diagnosis),
        "defibrotide_start": day(tma.defibrotide_start),
        "defibrotide_end": day(tma.defibrotide_end),
        "defibrotide_dose_mg": number(dose_mg, 1),
        "dosing_weight_kg": number(weight, 1),
        "resolved_by_day_28": flag(tma.resolved_by_day_28),
        "resolution_date": day(tma.resolution),
        "organ_recovery": flag(tma.organ_recovery is not None),
        "organ_recovery_date": day(tma.organ_recovery),
        "died_within_6_months": flag(tma.died_within_6_months),
    }


__all__ = ["Course", "simulate_hsct_patient"]
