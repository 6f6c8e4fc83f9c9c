"""The true daily state of a transplant recipient, before assay noise and sampling.

Days count from the stem-cell infusion (day 0). A `Course` holds one value per day for each
analyte; the normal course below is then overlaid by TA-TMA or a look-alike. LDH and sC5b-9 are
held as multiples of the laboratory's upper limit of normal so that the centre's range decides the
reported number. All shapes and levels here are [Design] simulation assumptions, chosen so that a
normal course never meets a TA-TMA criterion through noise alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thrombo.simulate.body import Body
from thrombo.simulate.rng import uniform_int

ANALYTES = (
    "platelets", "anc", "hemoglobin", "ldh", "creatinine", "upcr", "urine_protein", "sc5b9",
    "haptoglobin", "schistocytes", "systolic_bp", "diastolic_bp", "weight",
)

# Blood pressure, as lines in age chosen to sit below the 90th percentile (normal) and above the
# 99th percentile at every height (hypertensive) of the Fourth Report 2004 tables
# (clinical-reference.md A7/E4; the margins are checked by the simulator's tests). [Design]
NORMAL_SBP = (86.0, 1.4)
NORMAL_DBP = (45.0, 1.3)
HYPERTENSIVE_SBP = (120.0, 2.1)
HYPERTENSIVE_DBP = (72.0, 1.6)

PLATELET_ENGRAFTMENT_THRESHOLD = 20.0
"""Platelets >= 20 x 10^9/L unsupported: the usual engraftment definition. [Design]"""


@dataclass(slots=True)
class Course:
    """Mutable daily arrays from `first_day` to `last_day` (both included)."""

    first_day: int
    last_day: int
    values: dict[str, np.ndarray] = field(default_factory=dict)
    intensive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Days sampled daily (inpatient or active TA-TMA work-up)."""
    platelet_transfusions: list[int] = field(default_factory=list)
    rbc_transfusions: list[int] = field(default_factory=list)

    def index(self, day: int) -> int:
        return min(max(day, self.first_day), self.last_day + 1) - self.first_day

    def span(self, start: int, stop: int | None = None) -> slice:
        """Days start..stop-1 (to the end when stop is None), clipped to the course."""
        end = self.last_day + 1 if stop is None else stop
        return slice(self.index(start), self.index(end))

    def days(self, start: int, stop: int | None = None) -> np.ndarray:
        window = self.span(start, stop)
        return np.arange(self.first_day, self.last_day + 1)[window]


def line(coefficients: tuple[float, float], age_years: float) -> float:
    intercept, slope = coefficients
    return intercept + slope * age_years


def normal_course(
    rng: np.random.Generator,
    body: Body,
    first_day: int,
    last_day: int,
    neutrophil_day: int,
    platelet_day: int | None,
) -> Course:
    """Conditioning, aplasia, engraftment and recovery without any complication."""
    course = Course(first_day, last_day)
    n = last_day - first_day + 1
    days = np.arange(first_day, last_day + 1, dtype=float)
    values = course.values
    values["platelets"] = _platelets(rng, days, platelet_day)
    values["anc"] = _neutrophils(rng, days, neutrophil_day)
    values["hemoglobin"] = _hemoglobin(rng, days, neutrophil_day)
    values["ldh"] = np.full(n, rng.uniform(0.55, 0.8))
    values["creatinine"] = np.full(n, 0.2 + 0.025 * body.age_years) * rng.uniform(0.85, 1.15)
    values["upcr"] = np.full(n, rng.uniform(0.05, 0.25))
    values["urine_protein"] = np.full(n, rng.uniform(4.0, 15.0))
    values["sc5b9"] = np.full(n, rng.uniform(0.3, 0.75))
    values["haptoglobin"] = np.full(n, rng.uniform(50.0, 150.0))
    values["schistocytes"] = np.zeros(n)
    age = body.age_years + (days - first_day) / 365.25
    values["systolic_bp"] = line(NORMAL_SBP, 0.0) + NORMAL_SBP[1] * age + rng.uniform(-5.0, 3.0)
    values["diastolic_bp"] = line(NORMAL_DBP, 0.0) + NORMAL_DBP[1] * age + rng.uniform(-4.0, 2.0)
    values["weight"] = _weight(body, days)
    inpatient_until = max(30, neutrophil_day + 7)
    course.intensive = days <= inpatient_until
    _aplasia_transfusions(rng, course, neutrophil_day, platelet_day)
    return course


def _platelets(rng: np.random.Generator, days: np.ndarray, engraft: int | None) -> np.ndarray:
    baseline = rng.uniform(150.0, 350.0)
    nadir = rng.uniform(8.0, 18.0)
    values = np.where(days < 0, baseline, nadir + (baseline - nadir) * np.exp(-np.maximum(
        days, 0.0) / 2.0))
    if engraft is None:
        return values
    plateau = rng.uniform(120.0, 300.0)
    tau = rng.uniform(8.0, 15.0)
    after = days >= engraft
    rise = 1.0 - np.exp(-(days - engraft) / tau)
    values[after] = 22.0 + (plateau - 22.0) * rise[after]
    return values


def _neutrophils(rng: np.random.Generator, days: np.ndarray, engraft: int) -> np.ndarray:
    baseline = rng.uniform(2.0, 6.0)
    plateau = rng.uniform(1.5, 5.0)
    values = np.where(days < 0, baseline, 0.05 + baseline * np.exp(-np.maximum(days, 0.0)))
    after = days >= engraft
    values[after] = 0.6 + (plateau - 0.6) * (1.0 - np.exp(-(days[after] - engraft) / 7.0))
    return values


def _hemoglobin(rng: np.random.Generator, days: np.ndarray, engraft: int) -> np.ndarray:
    """Held just below baseline by transfusion in aplasia, then a slow non-decreasing recovery."""
    baseline = rng.uniform(9.5, 12.0)
    gain = rng.uniform(0.0, 1.2)
    dip = rng.uniform(0.2, 0.45)
    recovery = np.clip((days - engraft - 7.0) / 40.0, 0.0, 1.0)
    values = np.where(days < 0, baseline, baseline - dip + (dip + gain) * recovery)
    return values


def _weight(body: Body, days: np.ndarray) -> np.ndarray:
    """About 5% weight loss in the first month, regained by day 120. [Design]"""
    loss = 0.05 * np.clip(days / 30.0, 0.0, 1.0) * np.clip((120.0 - days) / 90.0, 0.0, 1.0)
    return body.weight_kg * (1.0 - loss)


def _aplasia_transfusions(
    rng: np.random.Generator, course: Course, neutrophil_day: int, platelet_day: int | None
) -> None:
    """Platelet support every 2-4 days and red cells every 7-10 days until engraftment."""
    stop_platelets = course.last_day if platelet_day is None else platelet_day - 8
    day = uniform_int(rng, 3, 6)
    while day <= stop_platelets:
        course.platelet_transfusions.append(day)
        day += uniform_int(rng, 2, 4)
    stop_red_cells = course.last_day if platelet_day is None else neutrophil_day
    day = uniform_int(rng, 5, 10)
    while day <= stop_red_cells:
        course.rbc_transfusions.append(day)
        day += uniform_int(rng, 7, 10)


def set_hypertensive(
    rng: np.random.Generator, course: Course, body: Body, start: int, stop: int | None
) -> None:
    """Blood pressure above the 99th percentile for age at every height from start to stop-1."""
    window = course.span(start, stop)
    age = body.age_years + (course.days(start, stop) - course.first_day) / 365.25
    values = course.values
    values["systolic_bp"][window] = (
        HYPERTENSIVE_SBP[0] + HYPERTENSIVE_SBP[1] * age + rng.uniform(0.0, 15.0)
    )
    values["diastolic_bp"][window] = (
        HYPERTENSIVE_DBP[0] + HYPERTENSIVE_DBP[1] * age + rng.uniform(0.0, 10.0)
    )
