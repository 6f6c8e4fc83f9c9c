"""Which days and hours a centre measures what, and the observation rows that result.

Cadence [Design]: daily while inpatient (to day 30 or a week after neutrophil engraftment) and
during a TA-TMA or infection work-up; otherwise three times a week to day 100 and twice a week
after. TA-TMA screening tests (urine protein and UPCR, smear, haptoglobin, sC5b-9) are done weekly
throughout (the weekly screening of Jodele's programme, clinical-reference.md A2, from memory,
unverified) and daily during a work-up, so every screening window has a measurement of each
criterion. Weight weekly, height every 90 days.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from thrombo.simulate.course import Course
from thrombo.simulate.labs import LabProfile, noisy, report
from thrombo.simulate.rows import Row, day_to_date

EARLY_PHASE_LAST_DAY = 100
EARLY_WEEKDAYS = (0, 2, 4)
LATE_WEEKDAYS = (0, 3)
SCREENING_INTERVAL_DAYS = 7
HEIGHT_INTERVAL_DAYS = 90

BLOOD = ("platelets", "hemoglobin", "anc", "ldh", "creatinine")
SCREENING = ("upcr", "urine_protein", "schistocytes", "haptoglobin", "sc5b9")
VITALS = ("systolic_bp", "diastolic_bp")
NOT_NOISY = ("schistocytes", "weight")

# Clock times of the morning blood draw, the vitals round and the urine sample. [Design]
HOURS = {"blood": 6, "vitals": 8, "urine": 10, "weight": 7}
URINE = ("upcr", "urine_protein")


def sampling_days(course: Course, origin: date, work_up: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks over the course's days: blood and vitals, screening tests, weight."""
    days = np.arange(course.first_day, course.last_day + 1)
    weekday = (origin.weekday() + days) % 7
    early = np.isin(weekday, EARLY_WEEKDAYS)
    routine = np.where(days <= EARLY_PHASE_LAST_DAY, early, np.isin(weekday, LATE_WEEKDAYS))
    since_start = days - course.first_day
    weekly = since_start % SCREENING_INTERVAL_DAYS == 0
    blood = course.intensive | routine | weekly
    blood[-1] = True  # the last contact (or the day of death) has a result
    screening = weekly | work_up
    return {"blood": blood, "screening": screening, "weight": weekly,
            "height": since_start % HEIGHT_INTERVAL_DAYS == 0}


def observation_rows(
    rng: np.random.Generator,
    patient_id: str,
    course: Course,
    origin: date,
    profile: LabProfile,
    masks: dict[str, np.ndarray],
    height_cm: float,
) -> list[Row]:
    """Sampled, noisy, reported results, sorted by time then code."""
    n = course.last_day - course.first_day + 1
    dates = [day_to_date(origin, course.first_day + i).isoformat() for i in range(n)]
    minutes = rng.integers(0, 60, size=n)
    rows: list[Row] = []
    plan = [(k, "blood", "blood") for k in BLOOD] + [(k, "blood", "vitals") for k in VITALS]
    plan += [(k, "screening", "urine" if k in URINE else "blood") for k in SCREENING]
    plan.append(("weight", "weight", "weight"))
    for key, mask_name, clock in plan:
        index = np.flatnonzero(masks[mask_name])
        values = course.values[key][index]
        if key not in NOT_NOISY:
            values = noisy(rng, key, values)
        hour = HOURS[clock]
        for i, value in zip(index.tolist(), values.tolist(), strict=True):
            time = f"{dates[i]}T{hour:02d}:{int(minutes[i]):02d}:00"
            rows.append((patient_id, time, *report(profile, key, value)))
    for i in np.flatnonzero(masks["height"]).tolist():
        time = f"{dates[i]}T{HOURS['weight']:02d}:{int(minutes[i]):02d}:00"
        rows.append((patient_id, time, *report(profile, "height", height_cm)))
    rows.sort(key=lambda row: (row[1], row[2]))
    return rows
