"""Age-, sex- and height-specific limits as data the SQL engines join against.

Nothing clinical is restated here: every number is read from the same physiology tables the
reference evaluator uses (`thrombo.physiology`), and only reshaped so that a SQL engine can use
it with an equi-join or a CASE expression:

- the paediatric LDH upper limits and the WHO haemoglobin cut-offs become CASE expressions over
  the observation's age in days and completed months (a handful of rows: a join would cost more
  than it saves);
- the blood-pressure percentile tables become one wide row per (source, sex, age, percentile,
  systolic or diastolic) with a column per height percentile, joined on those keys;
- the CDC 2000 height LMS tables become one row per half-month age bucket holding the
  bracketing table rows, so the linear interpolation of `growth.lms_at` is an equi-join.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from thrombo.physiology import reference_ranges
from thrombo.physiology._tables import read_table
from thrombo.physiology.blood_pressure import BP_TABLE, TABLE_HEIGHT_PERCENTILES
from thrombo.physiology.growth import (
    CDC_SEX_CODE,
    INFANT_TABLE,
    STATURE_FROM_AGE_MONTHS,
    STATURE_TABLE,
)

# The LMS buckets are half months: the CDC 2000 tables are tabulated at 0 and every x.5 month,
# so no tabulated age falls strictly inside a bucket (checked when the table is built).
LMS_BUCKETS_PER_MONTH = 2


def _number(x: float) -> str:
    """A SQL literal that reads back as exactly the same double."""
    return repr(float(x))


def _reached(bound: tuple[int, str], age_days: str, months: str) -> str:
    """SQL for `age.ChildAge.reached`: days of life or completed months at the band edge."""
    amount, unit = bound
    return f"{age_days if unit == 'days' else months} >= {amount}"


def _ldh_sql(age_days: str, months: str, sex: str) -> str:
    arms = " ".join(
        f"WHEN {_reached(lo, age_days, months)} AND NOT ({_reached(hi, age_days, months)}) "
        f"THEN {_number(uln)}"
        for lo, hi, row_sex, uln in reference_ranges.LDH_ULN_U_L_BY_AGE
        if row_sex in (None, sex)
    )
    return f"(CASE {arms} END)"


def ldh_uln_sql(age_days: str, months: str, sex: str = "sex") -> str:
    """The indicative paediatric LDH ULN for an age (days of life, completed months) and sex,
    NULL where the table has no row; with sex unknown only where both sexes share it (as
    `indicative_ldh_uln`)."""
    return _by_sex(_ldh_sql(age_days, months, "M"), _ldh_sql(age_days, months, "F"), sex)


def _by_sex(male: str, female: str, sex: str) -> str:
    """The male or the female value by the sex column; with sex unknown, the value both share."""
    return (
        f"(CASE WHEN {sex} = 'M' THEN {male} WHEN {sex} = 'F' THEN {female} "
        f"WHEN {male} = {female} THEN {male} END)"
    )


def _who_sql(age_months: str, sex: str) -> str:
    arms = " ".join(
        f"WHEN {age_months} >= {_number(lo)}"
        f"{'' if math.isinf(hi) else f' AND {age_months} < {_number(hi)}'} THEN {_number(cut_2024)}"
        for lo, hi, row_sex, _, cut_2024 in reference_ranges.WHO_HB_CUTOFFS_G_DL
        if row_sex in (None, sex)
    )
    return f"(CASE {arms} END)"


def age_months_sql(age_days: str) -> str:
    """Decimal age in months, as `age.age_in_months` (days / 365.25 x 12)."""
    return (
        f"(({age_days} / {_number(reference_ranges.DAYS_PER_YEAR)}) * "
        f"{_number(reference_ranges.MONTHS_PER_YEAR)})"
    )


def hb_lln_sql(months: str, sex: str) -> str:
    """The WHO (2024) anaemia cut-off for completed months `months` (as
    `who_anemia_cutoff_for`); with sex unknown only where both sexes share it."""
    return _by_sex(_who_sql(months, "M"), _who_sql(months, "F"), sex)


FALLBACK_UPPER = {"ldh": ldh_uln_sql}
FALLBACK_LOWER = {"hemoglobin": hb_lln_sql}
# The fallback tables that carry an "unverified" warning in the reference evaluator.
FALLBACK_WARNINGS = {"ldh": (reference_ranges.UNVERIFIED_LDH,), "hemoglobin": ()}

HEIGHT_COLUMNS = tuple(f"h{int(h)}" for h in TABLE_HEIGHT_PERCENTILES)
# The tabulated height-percentile span (5th to 95th): a percentile is clamped to it.
HEIGHT_SPAN = (TABLE_HEIGHT_PERCENTILES[0], TABLE_HEIGHT_PERCENTILES[-1])


BP_COMPONENTS = {"sbp_mmhg": "systolic_bp", "dbp_mmhg": "diastolic_bp"}
BP_KEYS = ("bp_source", "bp_sex", "bp_age", "bp_pct", "bp_component")


def bp_wide_rows() -> list[dict[str, object]]:
    """One row per (source, sex, age, BP percentile, component - the analyte of the reading):
    h5..h95, and their least and greatest (the bounds over every height)."""
    wide: dict[tuple[str, str, int, int, str], dict[str, object]] = {}
    for r in read_table(BP_TABLE):
        for field, component in BP_COMPONENTS.items():
            key = (r["source"], r["sex"], int(r["age_years"]), int(r["bp_percentile"]), component)
            row = wide.setdefault(key, dict(zip(BP_KEYS, key, strict=True)))
            row[f"h{int(float(r['height_percentile']))}"] = float(r[field])
    for row in wide.values():
        heights = [float(row[h]) for h in HEIGHT_COLUMNS]  # type: ignore[arg-type]
        row.update(h_least=min(heights), h_greatest=max(heights))
    return list(wide.values())


@dataclass(frozen=True, slots=True)
class LmsBucket:
    sex: str
    bucket: int
    a0: float
    a1: float
    l0: float
    m0: float
    s0: float
    l1: float
    m1: float
    s1: float
    last_age: float


def _lms_rows(table: str, sex: str) -> list[tuple[float, float, float, float]]:
    code = CDC_SEX_CODE[sex]
    rows = [
        (float(r["Agemos"]), float(r["L"]), float(r["M"]), float(r["S"]))
        for r in read_table(table)
        if r["Sex"] == code
    ]
    return sorted(rows)


def lms_bucket_rows() -> list[LmsBucket]:
    """For each half-month bucket, the two table rows `growth.lms_at` interpolates between."""
    out: list[LmsBucket] = []
    for sex in CDC_SEX_CODE:
        for table in (INFANT_TABLE, STATURE_TABLE):
            rows = _lms_rows(table, sex)
            ages = [a for a, *_ in rows]
            lo_bucket = math.ceil(ages[0] * LMS_BUCKETS_PER_MONTH)
            hi_bucket = math.floor(ages[-1] * LMS_BUCKETS_PER_MONTH)
            for bucket in range(lo_bucket, hi_bucket + 1):
                start = bucket / LMS_BUCKETS_PER_MONTH
                if (table == INFANT_TABLE) != (start < STATURE_FROM_AGE_MONTHS):
                    continue
                i = bisect_right(ages, start)
                j = min(i, len(rows) - 1)
                if any(start < a < start + 1 / LMS_BUCKETS_PER_MONTH for a in ages):
                    raise AssertionError(f"{table}: a tabulated age falls inside a bucket")
                (a0, l0, m0, s0), (a1, l1, m1, s1) = rows[i - 1], rows[j]
                out.append(LmsBucket(sex, bucket, a0, a1, l0, m0, s0, l1, m1, s1, ages[-1]))
    return out
