"""Height- and weight-for-age from the CDC 2000 LMS tables (clinical-reference.md E4, I8).

The LMS transform is three lines; no maintained Python package ships the CDC 2000 tables with
it, so the tables are packaged as data (data/SOURCES.md) and the transform is written here.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_right
from dataclasses import dataclass
from statistics import NormalDist

from thrombo.physiology._tables import read_table
from thrombo.physiology.plausibility import (
    OutsideValidRangeError,
    check_height_cm,
    check_sex,
    check_weight_kg,
)

# CDC 2000: recumbent length-for-age for infants (0-35.5 months); stature-for-age from 24 months.
INFANT_TABLE = "cdc2000_length_for_age_infants.csv"
STATURE_TABLE = "cdc2000_stature_for_age.csv"
# [Design] below 24 months children are measured lying down, so the length table is used.
STATURE_FROM_AGE_MONTHS = 24.0
# CDC 2000 weight-for-age: the infant table (0-35.5 months) below 24 months, the 2-20 y table
# from 24 months, the same split as for height (the charts overlap between 24 and 36 months).
WEIGHT_INFANT_TABLE = "cdc2000_weight_for_age_infants.csv"
WEIGHT_TABLE = "cdc2000_weight_for_age.csv"
CDC_SEX_CODE = {"M": "1", "F": "2"}
STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class Lms:
    l: float  # noqa: E741  (the published name of the Box-Cox power)
    m: float
    s: float


def _rows(table: str, sex: str) -> tuple[tuple[float, Lms], ...]:
    return _rows_for_code(table, CDC_SEX_CODE[check_sex(sex)])


@functools.cache
def _rows_for_code(table: str, code: str) -> tuple[tuple[float, Lms], ...]:
    """One sex's rows of a CDC table, read once (lookups happen for every blood pressure)."""
    rows = [
        (float(r["Agemos"]), Lms(float(r["L"]), float(r["M"]), float(r["S"])))
        for r in read_table(table)
        if r["Sex"] == code
    ]
    return tuple(sorted(rows, key=lambda row: row[0]))


def _ages(table: str, sex: str) -> tuple[float, ...]:
    return _ages_for_code(table, CDC_SEX_CODE[check_sex(sex)])


@functools.cache
def _ages_for_code(table: str, code: str) -> tuple[float, ...]:
    """The tabulated ages, listed once (bisected for every blood pressure decided)."""
    return tuple(age for age, _ in _rows_for_code(table, code))


def lms_at(age_months: float, sex: str) -> Lms:
    """Height LMS parameters at an age, linearly interpolated between tabulated ages."""
    table = INFANT_TABLE if age_months < STATURE_FROM_AGE_MONTHS else STATURE_TABLE
    return _interpolated(table, age_months, sex, "height")


def weight_lms_at(age_months: float, sex: str) -> Lms:
    """Weight-for-age LMS parameters at an age, interpolated as for height."""
    table = WEIGHT_INFANT_TABLE if age_months < STATURE_FROM_AGE_MONTHS else WEIGHT_TABLE
    return _interpolated(table, age_months, sex, "weight")


def weight_table_months(sex: str) -> tuple[float, float]:
    """The first and last tabulated ages (months) of the weight-for-age tables."""
    return _ages(WEIGHT_INFANT_TABLE, sex)[0], _ages(WEIGHT_TABLE, sex)[-1]


def _interpolated(table: str, age_months: float, sex: str, what: str) -> Lms:
    rows = _rows(table, sex)
    ages = _ages(table, sex)
    if age_months < ages[0] or age_months > ages[-1]:
        raise OutsideValidRangeError(
            f"CDC 2000 {what} tables cover {ages[0]:g}-{ages[-1]:g} months; age is "
            f"{age_months:.1f} months"
        )
    i = bisect_right(ages, age_months)
    if i >= len(rows):
        return rows[-1][1]
    (a0, p0), (a1, p1) = rows[i - 1], rows[i]
    f = (age_months - a0) / (a1 - a0)
    return Lms(p0.l + f * (p1.l - p0.l), p0.m + f * (p1.m - p0.m), p0.s + f * (p1.s - p0.s))


def lms_z_score(value: float, lms: Lms) -> float:
    """z = ((X/M)^L - 1) / (L S), or ln(X/M) / S when L = 0 (Cole's LMS method)."""
    if lms.l == 0:
        return math.log(value / lms.m) / lms.s
    return (math.pow(value / lms.m, lms.l) - 1) / (lms.l * lms.s)


def height_z_score(height_cm: float, age_months: float, sex: str) -> float:
    return lms_z_score(check_height_cm(height_cm), lms_at(age_months, sex))


def height_percentile(height_cm: float, age_months: float, sex: str) -> float:
    """Height-for-age percentile (0-100) from the CDC 2000 tables."""
    return 100.0 * STANDARD_NORMAL.cdf(height_z_score(height_cm, age_months, sex))


def lms_value_at_z(z: float, lms: Lms) -> float:
    """The measurement at z-score z: M (1 + L S z)^(1/L), or M exp(S z) when L = 0.

    With L < 0 the LMS curve has a ceiling: z at or beyond -1 / (L S) has no finite value (inf).
    """
    if lms.l == 0:
        return lms.m * math.exp(lms.s * z)
    base = 1 + lms.l * lms.s * z
    if base <= 0:
        return math.inf if lms.l < 0 else 0.0
    return lms.m * math.pow(base, 1 / lms.l)


def modified_z_score(value: float, lms: Lms) -> float:
    """CDC modified z (clinical-reference.md I8 [S], CDC SAS `_zscore` macro).

    (value - M) / (half the distance from M to the +-2 SD value on the value's side). Unlike the
    LMS z, it keeps growing with the value, so it still separates 184 kg from 84 kg where the
    LMS z of a right-skewed measure (L < 0) approaches its ceiling 1 / |L S|.
    """
    side = 2.0 if value >= lms.m else -2.0
    half_distance = abs(lms_value_at_z(side, lms) - lms.m) / 2
    return (value - lms.m) / half_distance


def weight_z_score(weight_kg: float, age_months: float, sex: str) -> float:
    return lms_z_score(check_weight_kg(weight_kg), weight_lms_at(age_months, sex))


def weight_modified_z_score(weight_kg: float, age_months: float, sex: str) -> float:
    return modified_z_score(check_weight_kg(weight_kg), weight_lms_at(age_months, sex))
