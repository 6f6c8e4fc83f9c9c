"""Age-, sex- and height-specific limits the criteria need, through `thrombo.physiology`.

A thin adapter: the rules ask "what is the LDH upper limit for a child of this age" or "the 99th
percentile systolic pressure for this child" and get an answer, a bounded range, or None (not
assessable). The laboratory's own range always comes first (clinical-reference.md section 0:
LDH and sC5b-9 ranges are assay-specific); these tables are the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.physiology import reference_ranges
from thrombo.physiology.blood_pressure import (
    TABLE_HEIGHT_PERCENTILES,
    BpSource,
    bp_threshold,
    bp_threshold_range,
)
from thrombo.physiology.growth import height_percentile
from thrombo.physiology.limits import OutsideValidRangeError


def fallback_upper(table: str, age_days: int, sex: str) -> reference_ranges.ReferenceLimit | None:
    """The upper limit from a named paediatric table, or None where the table has no row."""
    if table == "ldh":
        return reference_ranges.indicative_ldh_uln(age_days)
    raise KeyError(f"no upper-limit table named {table!r}")


def fallback_lower(table: str, age_days: int, sex: str) -> reference_ranges.ReferenceLimit | None:
    """The lower limit from a named table (WHO anaemia cut-offs for haemoglobin).

    With sex unknown the limit is used only where both sexes share it (children under 15).
    """
    if table == "hemoglobin":
        age_years = age_days / reference_ranges.DAYS_PER_YEAR
        sexes = (sex,) if sex in {"M", "F"} else ("M", "F")
        limits = [reference_ranges.who_anemia_cutoff_g_dl(age_years, s) for s in sexes]
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


def child_height_percentile(height_cm: float, age_months: float, sex: str) -> float | None:
    """Height-for-age percentile, None when the CDC tables do not cover the child.

    Kept within the BP tables' height columns (5th-95th), where the tables stop anyway.
    """
    try:
        pct = height_percentile(height_cm, age_months, sex)
    except OutsideValidRangeError:
        return None
    return min(max(pct, TABLE_HEIGHT_PERCENTILES[0]), TABLE_HEIGHT_PERCENTILES[-1])


def bp_limit(
    component: str, percentile: int, source: str, sex: str, age_years: float,
    height_pct: float | None,
) -> Bound | None:
    """The systolic or diastolic limit at a percentile; bounded over heights (and sexes)."""
    src = BpSource(source)
    sexes = (sex,) if sex in {"M", "F"} else ("M", "F")
    lows: list[float] = []
    highs: list[float] = []
    for s in sexes:
        if height_pct is not None:
            exact = bp_threshold(s, age_years, height_pct, percentile, src)
            if exact is None:
                return None
            value = exact.sbp_mmhg if component == "systolic_bp" else exact.dbp_mmhg
            lows.append(value)
            highs.append(value)
        else:
            span = bp_threshold_range(s, age_years, percentile, src)
            if span is None:
                return None
            sbp = component == "systolic_bp"
            lows.append(span.sbp_low_mmhg if sbp else span.dbp_low_mmhg)
            highs.append(span.sbp_high_mmhg if sbp else span.dbp_high_mmhg)
    low, high = min(lows), max(highs)
    where = "" if height_pct is not None else " (height unknown: range over height percentiles)"
    text = f"{percentile}th percentile {low:g}" if low == high else (
        f"{percentile}th percentile {low:g}-{high:g}"
    )
    return Bound(low, high, f"{text} mm[Hg]{where}")
