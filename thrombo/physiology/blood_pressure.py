"""Paediatric blood-pressure percentile thresholds, AAP 2017 stages and CTCAE v5 bands.

Thresholds come from the packaged tables (data/SOURCES.md): the 2004 Fourth Report (50th, 90th,
95th, 99th percentiles; used by the TA-TMA criteria sets and CTCAE) and AAP 2017 (50th, 90th,
95th; used for AAP staging). Tables cover ages 1-17 in completed years and height percentiles
5-95. Infants under 1 year are "not assessable": the functions return None rather than guess
(clinical-reference.md A7 note). From 18 years adult thresholds apply and the tables refuse.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from enum import StrEnum

from thrombo.physiology._tables import read_table
from thrombo.physiology.plausibility import OutsideValidRangeError, check_age_years, check_sex

BP_TABLE = "pediatric_bp_percentiles.csv"
TABLE_AGE_MIN_YEARS = 1
TABLE_AGE_MAX_YEARS = 17
TABLE_HEIGHT_PERCENTILES = (5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0)


class BpSource(StrEnum):
    FOURTH_REPORT_2004 = "fourth-report-2004"
    AAP_2017 = "aap-2017"


@dataclass(frozen=True, slots=True)
class BpThreshold:
    sbp_mmhg: float
    dbp_mmhg: float


@dataclass(frozen=True, slots=True)
class BpThresholdRange:
    """The threshold over all height percentiles, for when height is unknown."""

    sbp_low_mmhg: float
    sbp_high_mmhg: float
    dbp_low_mmhg: float
    dbp_high_mmhg: float


def table_age(age_years: float) -> int | None:
    """Completed years as the tables index them; None (not assessable) under 1 year."""
    age = check_age_years(age_years)
    if age < TABLE_AGE_MIN_YEARS:
        return None
    if age >= TABLE_AGE_MAX_YEARS + 1:
        raise OutsideValidRangeError(
            f"paediatric BP tables cover ages {TABLE_AGE_MIN_YEARS}-{TABLE_AGE_MAX_YEARS} y; "
            f"at {age:g} y adult thresholds apply"
        )
    return math.floor(age)


@functools.cache
def _index() -> dict[tuple[str, str, int, int], tuple[tuple[float, float, float], ...]]:
    """The BP table grouped once by (source, sex, age, BP percentile); lookups are then O(1)."""
    grouped: dict[tuple[str, str, int, int], list[tuple[float, float, float]]] = {}
    for r in read_table(BP_TABLE):
        key = (r["source"], r["sex"], int(r["age_years"]), int(r["bp_percentile"]))
        grouped.setdefault(key, []).append(
            (float(r["height_percentile"]), float(r["sbp_mmhg"]), float(r["dbp_mmhg"]))
        )
    return {k: tuple(sorted(v)) for k, v in grouped.items()}


Column = tuple[tuple[float, float, float], ...]


def _column(source: BpSource, sex: str, age: int, bp_percentile: int) -> Column:
    rows = _index().get((source.value, sex, age, bp_percentile))
    if not rows:
        raise OutsideValidRangeError(
            f"{source.value} tables have no {bp_percentile}th BP percentile"
        )
    return rows


def _interpolate(rows: Column, height_percentile: float) -> BpThreshold:
    clamped = min(max(height_percentile, rows[0][0]), rows[-1][0])
    for (h0, s0, d0), (h1, s1, d1) in itertools.pairwise(rows):
        if h0 <= clamped <= h1:
            f = (clamped - h0) / (h1 - h0)
            return BpThreshold(s0 + f * (s1 - s0), d0 + f * (d1 - d0))
    raise AssertionError("unreachable: clamped height percentile lies in the table")


def _check_height_percentile(height_percentile: float) -> float:
    if not 0 < height_percentile < 100:
        raise OutsideValidRangeError(
            f"height percentile must lie strictly between 0 and 100, got {height_percentile:g}"
        )
    return height_percentile


def bp_threshold(
    sex: str,
    age_years: float,
    height_percentile: float,
    bp_percentile: int,
    source: BpSource = BpSource.FOURTH_REPORT_2004,
) -> BpThreshold | None:
    """SBP/DBP at a BP percentile, interpolated between height percentiles (clamped to 5-95).

    Returns None for infants under 1 year (not assessable from these tables).
    """
    rows = bp_column(sex, age_years, bp_percentile, source)
    return None if rows is None else bp_threshold_on(rows, height_percentile)


def bp_column(
    sex: str, age_years: float, bp_percentile: int, source: BpSource = BpSource.FOURTH_REPORT_2004
) -> Column | None:
    """One child profile's rows (height percentile, SBP, DBP), None under 1 year: read once
    for the many readings of one child, each then `bp_threshold_on` them."""
    age = table_age(age_years)
    if age is None:
        return None
    return _column(source, check_sex(sex), age, bp_percentile)


def bp_threshold_on(rows: Column, height_percentile: float) -> BpThreshold:
    """`bp_threshold` at a height percentile, on the rows `bp_column` read."""
    return _interpolate(rows, _check_height_percentile(height_percentile))


def bp_threshold_range(
    sex: str,
    age_years: float,
    bp_percentile: int,
    source: BpSource = BpSource.FOURTH_REPORT_2004,
) -> BpThresholdRange | None:
    """Lowest and highest threshold over all tabulated height percentiles (height missing)."""
    age = table_age(age_years)
    if age is None:
        return None
    rows = _column(source, check_sex(sex), age, bp_percentile)
    sbp = [s for _, s, _ in rows]
    dbp = [d for _, _, d in rows]
    return BpThresholdRange(min(sbp), max(sbp), min(dbp), max(dbp))
