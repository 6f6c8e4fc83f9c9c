"""Age, sex, height and weight of a synthetic child.

The growth model is a deliberately rough [Design] approximation (length 50 cm at birth, about
25 cm in the first year, then about 6 cm a year, body-mass index 14.5-20 kg/m2): it only has to
give plausible sizes, not percentiles. Percentiles are `thrombo.physiology`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thrombo.domain.records import Sex

BIRTH_LENGTH_CM = 50.0
FIRST_YEAR_GROWTH_CM = 25.0
LATER_GROWTH_CM_PER_YEAR = 6.0
BMI_RANGE = (14.5, 20.0)
HEIGHT_SCATTER = 0.06
"""Relative spread of height around the model curve (about +/- 2 SD of a growth chart)."""


@dataclass(frozen=True, slots=True)
class Body:
    sex: Sex
    age_years: float
    height_cm: float
    weight_kg: float


def model_height_cm(age_years: float) -> float:
    if age_years < 1.0:
        return BIRTH_LENGTH_CM + FIRST_YEAR_GROWTH_CM * age_years
    return BIRTH_LENGTH_CM + FIRST_YEAR_GROWTH_CM + LATER_GROWTH_CM_PER_YEAR * (age_years - 1.0)


def draw_body(rng: np.random.Generator, min_age: float, max_age: float) -> Body:
    """A child of uniform age in [min_age, max_age) years with a plausible size."""
    sex: Sex = "F" if rng.random() < 0.5 else "M"
    age = float(rng.uniform(min_age, max_age))
    height = model_height_cm(age) * (1.0 + HEIGHT_SCATTER * float(rng.uniform(-1.0, 1.0)))
    bmi = float(rng.uniform(*BMI_RANGE))
    weight = bmi * (height / 100.0) ** 2
    return Body(sex=sex, age_years=age, height_cm=round(height, 1), weight_kg=round(weight, 1))
