"""Transplant recipients whose laboratory picture resembles TA-TMA without being it.

Each look-alike meets at most three of the seven harmonized 2023 criteria in any 14-day window
(clinical-reference.md A1), so a correct screen calls it `no-ta-tma`:
- poor graft function: platelets never engraft; platelet and red-cell transfusions continue
  (thrombocytopenia and anaemia), with normal LDH, blood pressure, urine and smear;
- infection (sepsis or viral reactivation) after engraftment: platelets fall by more than half,
  haemoglobin by more than 1 g/dL and LDH rises, with normal blood pressure, no proteinuria, no
  schistocytes and normal sC5b-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thrombo.simulate.course import Course
from thrombo.simulate.rng import uniform_int

INFECTIONS = ("bacteraemia", "CMV reactivation", "adenovirus viraemia", "fungal pneumonia")


@dataclass(frozen=True, slots=True)
class InfectionEpisode:
    start: int
    end: int
    """First day after the episode."""
    note: str


def draw_infection(rng: np.random.Generator, platelet_day: int) -> InfectionEpisode:
    start = platelet_day + uniform_int(rng, 14, 60)
    note = INFECTIONS[uniform_int(rng, 0, len(INFECTIONS) - 1)]
    return InfectionEpisode(start, start + uniform_int(rng, 7, 14), note)


def apply_infection(rng: np.random.Generator, course: Course, episode: InfectionEpisode) -> None:
    values = course.values
    window = course.span(episode.start, episode.end)
    cytopenia = course.span(episode.start + 1, episode.end)
    course.intensive[window] = True
    values["ldh"][window] = rng.uniform(1.2, 2.0)
    values["platelets"][cytopenia] *= rng.uniform(0.25, 0.45)
    values["hemoglobin"][cytopenia] -= rng.uniform(1.2, 2.0)
    values["haptoglobin"][window] = rng.uniform(180.0, 250.0)
    values["creatinine"][window] *= rng.uniform(1.1, 1.3)
