"""A TA-TMA course under defibrotide: onset, the published order of signs, treatment, outcome.

Order of appearance: LDH, proteinuria and hypertension first (Jodele 2014: the earliest markers,
clinical-reference.md A2 [S]); thrombocytopenia and anaemia (with transfusions) one to three days
later; schistocytes two to four days after that. With daily work-up labs the harmonized 2023 set
(>= 4 of 7 on two consecutive assessment days, A1) is met on the day after the cytopenias appear,
even without blood pressure (infants under 1 year have no percentile table). Outcomes are drawn
from `SimulationConfig` so that their expectations are the seed study's rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.inputs import DoseInputs
from thrombo.response.study_windows import RESOLUTION_WINDOW_DAYS, SURVIVAL_LANDMARK_DAYS
from thrombo.simulate.body import Body
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.course import Course, set_hypertensive
from thrombo.simulate.rng import uniform_int

ONSET_MEDIAN_DAY = 40.0
"""Median onset of TA-TMA in the simulation; onset is at least two weeks after platelet
engraftment and by day 120. [Design] (reported medians range from about day 30 to day 153,
clinical-reference.md A2/B2)."""
LATEST_ONSET_DAY = 120
# 6-month overall survival is read at 183 days and resolution by day 28 (the study's windows).
SIX_MONTHS_DAYS = SURVIVAL_LANDMARK_DAYS
FOLLOW_UP_AFTER_START_DAYS = 190


@dataclass(frozen=True, slots=True)
class TmaOutcome:
    """Days (from transplant) of each step of the course; None when it does not happen."""

    onset: int
    cytopenias: int
    schistocytes: int
    expected_diagnosis: int
    defibrotide_start: int
    defibrotide_end: int
    resolution: int | None
    resolved_by_day_28: bool
    organ_recovery: int | None
    death: int | None
    last_day: int
    sc5b9_elevated: bool

    @property
    def died_within_6_months(self) -> bool:
        limit = self.defibrotide_start + SIX_MONTHS_DAYS - 1
        return self.death is not None and self.death <= limit


def defibrotide_dose_mg(dosing_weight_kg: float) -> float:
    """The TA-TMA protocol dose from thrombo's dosing module (6.25 mg/kg q6h, label B1)."""
    return defibrotide(DoseInputs(weight_kg=dosing_weight_kg, indication="ta-tma")).dose.value


LDH_CLEARS_DAYS_BEFORE = 8
SCHISTOCYTES_CLEAR_DAYS_BEFORE = 5
SCHISTOCYTES_SHOWN_DAYS = 3
"""Schistocytes are on the smear for at least this many days once they appear. [Design]"""


def draw_outcome(
    rng: np.random.Generator, config: SimulationConfig, platelet_day: int
) -> TmaOutcome:
    draw = int(rng.lognormal(math.log(ONSET_MEDIAN_DAY), 0.4))
    onset = min(max(draw, platelet_day + 14), LATEST_ONSET_DAY)
    cytopenias = onset + uniform_int(rng, 1, 3)
    schistocytes = cytopenias + uniform_int(rng, 2, 4)
    diagnosis = cytopenias + 1
    start = diagnosis + uniform_int(rng, 0, 2)
    sc5b9 = bool(rng.random() < config.sc5b9_elevated_in_tma)
    resolved = bool(rng.random() < config.resolution_by_day_28)
    resolution: int | None
    recovery: int | None = None
    if resolved:
        resolution = start + uniform_int(rng, 10, RESOLUTION_WINDOW_DAYS - 1)
        if rng.random() < config.organ_recovery_if_resolved:
            recovery = resolution + uniform_int(rng, 7, 45)
        dies = bool(rng.random() < config.death_if_resolved)
        earliest_death = max(resolution, recovery or resolution) + 7
    else:
        dies = bool(rng.random() < config.death_if_unresolved)
        late = not dies and rng.random() < config.late_resolution_among_unresolved
        resolution = start + uniform_int(rng, 35, 90) if late else None
        earliest_death = start + 7
    death = uniform_int(rng, earliest_death, start + SIX_MONTHS_DAYS - 1) if dies else None
    last_day = death if death is not None else max(180, start + FOLLOW_UP_AFTER_START_DAYS)
    if resolution is not None:
        end = max(start + 13, resolution) + uniform_int(rng, 0, 7)
    else:
        end = start + uniform_int(rng, 28, 60)
    return TmaOutcome(
        onset=onset,
        cytopenias=cytopenias,
        schistocytes=schistocytes,
        expected_diagnosis=diagnosis,
        defibrotide_start=start,
        defibrotide_end=min(end, last_day),
        resolution=resolution,
        resolved_by_day_28=resolved,
        organ_recovery=recovery,
        death=death,
        last_day=last_day,
        sc5b9_elevated=sc5b9,
    )


def apply_tma(rng: np.random.Generator, course: Course, body: Body, tma: TmaOutcome) -> None:
    """Overlay the TA-TMA signs on a normal course, in their published order."""
    values = course.values
    resolved = tma.resolution
    active_end = None if resolved is None else resolved + 7
    course.intensive[course.span(tma.onset, active_end)] = True
    # LDH and schistocytes clear about a week before the resolution date, so that the response
    # rule's confirmation (two normal LDH values >= 24 h apart at a 2-3 per week cadence) falls
    # on or before it: the truth date is then the date the response engine should find. [Design]
    ldh_end = None if resolved is None else resolved - LDH_CLEARS_DAYS_BEFORE
    values["ldh"][course.span(tma.onset, ldh_end)] = rng.uniform(1.5, 4.0)
    _proteinuria(rng, course, tma)
    hypertension_end = None
    if tma.organ_recovery is not None and resolved is not None:
        hypertension_end = resolved + uniform_int(rng, 0, 14)
    set_hypertensive(rng, course, body, tma.onset, hypertension_end)
    if tma.sc5b9_elevated:
        values["sc5b9"][course.span(tma.onset, resolved)] = rng.uniform(1.3, 3.0)
    _cytopenias(rng, course, tma)
    schistocytes_end = (
        None
        if resolved is None
        else max(
            tma.schistocytes + SCHISTOCYTES_SHOWN_DAYS, resolved - SCHISTOCYTES_CLEAR_DAYS_BEFORE
        )
    )
    window = course.span(tma.schistocytes, schistocytes_end)
    values["schistocytes"][window] = rng.integers(2, 9, size=len(values["schistocytes"][window]))
    values["haptoglobin"][course.span(tma.cytopenias, resolved)] = rng.uniform(3.0, 20.0)


def _proteinuria(rng: np.random.Generator, course: Course, tma: TmaOutcome) -> None:
    values = course.values
    baseline_creatinine = float(values["creatinine"][course.index(tma.onset)])
    values["upcr"][course.span(tma.onset)] = rng.uniform(1.3, 5.0)
    values["urine_protein"][course.span(tma.onset)] = rng.uniform(40.0, 300.0)
    values["creatinine"][course.span(tma.cytopenias)] = baseline_creatinine * rng.uniform(1.6, 2.5)
    if tma.organ_recovery is not None:
        after = course.span(tma.organ_recovery)
        values["upcr"][after] = rng.uniform(0.1, 0.4)
        values["urine_protein"][after] = rng.uniform(5.0, 20.0)
        values["creatinine"][after] = baseline_creatinine * rng.uniform(1.0, 1.2)
    elif tma.resolution is not None:
        # Resolved without organ recovery: persistent proteinuria and raised creatinine.
        values["upcr"][course.span(tma.resolution + 7)] = rng.uniform(0.6, 0.95)


def _cytopenias(rng: np.random.Generator, course: Course, tma: TmaOutcome) -> None:
    """A >= 50% platelet fall and >= 1.5 g/dL haemoglobin fall with transfusions until recovery."""
    values = course.values
    platelets_before = float(values["platelets"][course.index(tma.cytopenias - 1)])
    hemoglobin_before = float(values["hemoglobin"][course.index(tma.cytopenias - 1)])
    support_end = course.last_day + 1 if tma.resolution is None else tma.resolution - 7
    low = course.span(tma.cytopenias, support_end)
    values["platelets"][low] = max(8.0, platelets_before * rng.uniform(0.15, 0.35))
    values["hemoglobin"][low] = hemoglobin_before - rng.uniform(1.5, 2.5)
    day = tma.cytopenias
    while day < support_end - 1:
        course.platelet_transfusions.append(day)
        day += uniform_int(rng, 2, 3)
    day = tma.cytopenias
    while day < support_end - 1:
        course.rbc_transfusions.append(day)
        day += uniform_int(rng, 6, 8)
    if tma.resolution is None:
        return
    recovery_days = course.days(support_end)
    progress = np.clip((recovery_days - support_end) / 21.0, 0.0, 1.0)
    recovered = course.span(support_end)
    values["platelets"][recovered] = 60.0 + (max(platelets_before, 60.0) - 60.0) * progress
    low_hb = hemoglobin_before - 1.5
    values["hemoglobin"][recovered] = low_hb + (hemoglobin_before - low_hb) * progress
