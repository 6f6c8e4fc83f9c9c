"""Age-, sex- and height-specific limits the criteria need, through `thrombo.physiology`.

A thin adapter: the rules ask "what is the LDH upper limit for a child of this age" or "the 99th
percentile systolic pressure for this child" and get an answer, a bounded range, or None (not
assessable). The laboratory's own range always comes first (clinical-reference.md section 0:
LDH and sC5b-9 ranges are assay-specific); these tables are the fallback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from thrombo.physiology import reference_ranges
from thrombo.physiology.age import ChildAge
from thrombo.physiology.blood_pressure import (
    TABLE_HEIGHT_PERCENTILES,
    BpSource,
    BpThreshold,
    Column,
    bp_column,
    bp_threshold,
    bp_threshold_on,
)
from thrombo.physiology.growth import height_percentile
from thrombo.physiology.plausibility import OutsideValidRangeError


def fallback_upper(table: str, child: ChildAge, sex: str) -> reference_ranges.ReferenceLimit | None:
    """The upper limit from a named paediatric table, or None where the table has no row.
    Age bands are completed ages: a child enters the next band on the birthday."""
    if table == "ldh":
        return reference_ranges.indicative_ldh_uln(child, sex)
    raise KeyError(f"no upper-limit table named {table!r}")


def fallback_lower(table: str, child: ChildAge, sex: str) -> reference_ranges.ReferenceLimit | None:
    """The lower limit from a named table (WHO anaemia cut-offs for haemoglobin, by completed
    months and years). With sex unknown the limit is used only where both sexes share it
    (children under 15)."""
    if table == "hemoglobin":
        sexes = (sex,) if sex in {"M", "F"} else ("M", "F")
        limits = [reference_ranges.who_anemia_cutoff_for(child, s) for s in sexes]
        values = {None if limit is None else limit.value for limit in limits}
        return limits[0] if len(values) == 1 else None
    raise KeyError(f"no lower-limit table named {table!r}")


@dataclass(frozen=True, slots=True)
class Bound:
    """A limit known exactly (low == high) or only bounded (height or sex unknown)."""

    low: float
    high: float
    text: str
    warnings: tuple[str, ...] = ()
    source: str | None = None
    """Where a laboratory limit came from (LIMIT_SOURCES), None for a blood-pressure bound."""


# Where the limit a result was compared with came from, as the latest-result evidence names it
# (interface.md 1.1 precedence: the observation's own range, the site's, the published fallback).
OBSERVATION_RANGE = "observation range"
SITE_RANGE = "site range"
PUBLISHED_FALLBACK = "published fallback"
CRITERIA_SET = "criteria set"
"""A fixed threshold of the criteria set itself (platelets < 50 x 10^9/L)."""


def child_height_percentile(height_cm: float, age_months: float, sex: str) -> float | None:
    """Height-for-age percentile, None when the CDC tables do not cover the child.

    Kept within the BP tables' height columns (5th-95th), where the tables stop anyway.
    """
    try:
        pct = height_percentile(height_cm, age_months, sex)
    except OutsideValidRangeError:
        return None
    return min(max(pct, TABLE_HEIGHT_PERCENTILES[0]), TABLE_HEIGHT_PERCENTILES[-1])


@cache
def _bp_column(
    source: BpSource, sex: str, age: int, percentile: int
) -> tuple[tuple[float, float, float], ...] | None:
    """(height percentile, SBP, DBP) at each tabulated height, read once per child profile.

    Read through the public `bp_threshold` at the tabulated heights, where interpolation returns
    the table's own values.
    """
    rows: list[tuple[float, float, float]] = []
    for height_pct in TABLE_HEIGHT_PERCENTILES:
        found = bp_threshold(sex, age, height_pct, percentile, source)
        if found is None:
            return None
        rows.append((height_pct, found.sbp_mmhg, found.dbp_mmhg))
    return tuple(rows)


def _bp_at(
    source: BpSource, sex: str, age: int, percentile: int, height_pct: float | None
) -> list[BpThreshold] | None:
    if height_pct is None:
        column = _bp_column(source, sex, age, percentile)
        return None if column is None else [BpThreshold(s, d) for _, s, d in column]
    rows = _table_rows(source, sex, age, percentile)
    return None if rows is None else [bp_threshold_on(rows, height_pct)]


@cache
def _table_rows(source: BpSource, sex: str, age: int, percentile: int) -> Column | None:
    """The table's rows for one child profile, read once (`bp_threshold` reads them again for
    every reading)."""
    return bp_column(sex, age, percentile, source)


def bp_limits(
    percentile: int, source: str, sex: str, age_years: float, height_pct: float | None
) -> dict[str, Bound]:
    """The systolic and diastolic limits at a percentile, bounded over heights (and sexes);
    empty where the tables have no row.

    With height unknown a limit lies between the lowest and highest over the tabulated
    height percentiles (interface.md); with sex unknown, over both sexes.
    """
    age = math.floor(age_years)  # completed years, as the tables index them
    if height_pct is None:
        # The same for every reading of a child of this age: worked out once.
        return dict(_over_heights(percentile, source, sex, age))
    return _limits(percentile, source, sex, age, height_pct)


@cache
def _over_heights(percentile: int, source: str, sex: str, age: int) -> dict[str, Bound]:
    return _limits(percentile, source, sex, age, None)


def _limits(
    percentile: int, source: str, sex: str, age: int, height_pct: float | None
) -> dict[str, Bound]:
    src = BP_SOURCES.get(source) or BpSource(source)
    found: list[BpThreshold] = []
    for s in (sex,) if sex in {"M", "F"} else ("M", "F"):
        thresholds = _bp_at(src, s, age, percentile, height_pct)
        if thresholds is None:
            return {}
        found.extend(thresholds)
    if height_pct is not None and len(found) == 1:
        # One child, one height: each limit is one number (what `_bound` gives for one value).
        sbp, dbp = found[0].sbp_mmhg, found[0].dbp_mmhg
        return {
            "systolic_bp": Bound(sbp, sbp, f"{percentile}th percentile {sbp:.1f} mm[Hg]"),
            "diastolic_bp": Bound(dbp, dbp, f"{percentile}th percentile {dbp:.1f} mm[Hg]"),
        }
    where = "" if height_pct is not None else " (height unknown: range over height percentiles)"
    return {
        "systolic_bp": _bound(percentile, [t.sbp_mmhg for t in found], where),
        "diastolic_bp": _bound(percentile, [t.dbp_mmhg for t in found], where),
    }


BP_SOURCES = {s.value: s for s in BpSource}


def _bound(percentile: int, values: list[float], where: str) -> Bound:
    low, high = (values[0], values[0]) if len(values) == 1 else (min(values), max(values))
    # Shown to one decimal (the tables are whole mm Hg; interpolation adds digits, not meaning).
    text = f"{percentile}th percentile {low:.1f}" if low == high else (
        f"{percentile}th percentile {low:.1f}-{high:.1f}"
    )
    return Bound(low, high, f"{text} mm[Hg]{where}")
