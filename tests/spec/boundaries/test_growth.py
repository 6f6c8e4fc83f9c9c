"""CDC 2000 height tables and the LMS transform at their edges.

Sources: CDC 2000 growth charts, LMS data files (physiology/data/SOURCES.md): recumbent length
for age 0-35.5 months, stature for age from 24 months; thrombo measures children lying down
below 24 months ([Design], thrombo/physiology/growth.py). LMS method (Cole; CDC SAS macro, as in
clinical-reference.md I8 [S]): z = ((X/M)^L - 1) / (L S); the value at z is M (1 + L S z)^(1/L),
M exp(S z) when L = 0; the CDC modified z divides X - M by half the distance from M to the value
at z = +2 (above M) or z = -2 (below M). Percentile = 100 x Phi(z).
"""

from __future__ import annotations

import pytest

from thrombo.physiology.growth import height_percentile, lms_at, weight_lms_at
from thrombo.physiology.plausibility import OutsideValidRangeError

# CDC 2000, boys: length-for-age M at 23.5 months 86.8381751 and at 24.5 months 87.66160934;
# stature-for-age M at 24 months 86.45220101.
TABLE_SWITCH = [
    (23.5, 86.8381751),
    (23.99, 86.8381751 + 0.49 * (87.66160934 - 86.8381751)),
    (24.0, 86.45220101),
]


@pytest.mark.parametrize(("age_months", "median_cm"), TABLE_SWITCH)
def test_length_table_below_24_months_stature_table_from_24(age_months: float,
                                                            median_cm: float) -> None:
    assert lms_at(age_months, "M").m == pytest.approx(median_cm, abs=1e-9)


def test_a_median_height_is_the_50th_percentile() -> None:
    assert height_percentile(86.45220101, 24.0, "M") == pytest.approx(50.0, abs=1e-9)


# The tables end at 240 months (stature, CDC 2000 boys M 176.8492322 cm) and start at birth
# (length, girls M 49.28639612 cm); an age outside them is refused.
TABLE_ENDS = [(0.0, "F", 49.28639612), (240.0, "M", 176.8492322)]


@pytest.mark.parametrize(("age_months", "sex", "median_cm"), TABLE_ENDS)
def test_first_and_last_tabulated_ages(age_months: float, sex: str, median_cm: float) -> None:
    assert lms_at(age_months, sex).m == pytest.approx(median_cm, abs=1e-9)


@pytest.mark.parametrize("age_months", [-0.1, 240.1])
def test_ages_outside_the_tables_are_refused(age_months: float) -> None:
    with pytest.raises(OutsideValidRangeError):
        lms_at(age_months, "M")


# Weight for age switches tables at the same age: CDC 2000 boys, infant weight-for-age M at
# 23.5 months 12.59913494 kg; 2-20 y weight-for-age M at 24 months 12.6707633 kg (the infant
# table would give 12.67034 there, between its 23.5 and 24.5 rows).
WEIGHT_TABLE_SWITCH = [(23.5, 12.59913494), (24.0, 12.6707633)]


@pytest.mark.parametrize(("age_months", "median_kg"), WEIGHT_TABLE_SWITCH)
def test_weight_tables_switch_at_24_months(age_months: float, median_kg: float) -> None:
    assert weight_lms_at(age_months, "M").m == pytest.approx(median_kg, abs=1e-9)
