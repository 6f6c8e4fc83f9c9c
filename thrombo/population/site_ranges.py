"""The site's lab ranges (normalize.labranges) as SQL, for the DuckDB and Spark row checks.

A result without its own limit takes the most specific site range that covers it, as
`LabRanges.fill` does for the reference path: a CASE over the ranges in the order `find` tries
them, on the row's analyte, code, canonical unit, the patient's age on the result's local day
(an edge in whole months by completed months, any other by days / 365.25: labranges.reached)
and sex. The same text runs in DuckDB and Spark.
"""

from __future__ import annotations

from thrombo.engines.decisions import completed_months, text
from thrombo.normalize.analytes import BY_KEY
from thrombo.normalize.labranges import DAYS_PER_YEAR, LabRanges, in_months


def _reached(years: float, age_days: str, months: str) -> str:
    """SQL for `labranges.reached`: the patient has reached a band edge given in years."""
    whole = in_months(years)
    if whole is None:
        return f"({age_days} / {DAYS_PER_YEAR!r}) >= {years!r}"
    return f"{months} >= {whole}"


def site_limit_sql(
    ranges: LabRanges, which: str, analyte: str, code: str, unit: str, age_days: str, sex: str,
    months: str,
) -> str:
    """The site's `low` or `high` limit for a row (normalize.labranges.LabRanges.find, then that
    range's limit: the most specific range that covers the row decides, even without this
    limit), NULL where none applies. Columns are SQL expressions, in DuckDB and Spark alike."""
    arms = []
    for entry in (e for entries in ranges.by_analyte.values() for e in entries):
        conds = [f"{analyte} = {text(entry.analyte)}",
                 f"{unit} = {text(BY_KEY[entry.analyte].unit)}"]
        if entry.code is not None:
            conds.append(f"{code} = {text(entry.code)}")
        if entry.sex is not None:
            conds.append(f"{sex} = {text(entry.sex)}")
        if entry.age_from is not None:
            conds.append(_reached(entry.age_from, age_days, months))
        if entry.age_to is not None:
            conds.append(f"NOT ({_reached(entry.age_to, age_days, months)})")
        limit = getattr(entry, which)
        arms.append(f"WHEN {' AND '.join(conds)} THEN "
                    f"{'CAST(NULL AS DOUBLE)' if limit is None else repr(float(limit))}")
    return f"(CASE {' '.join(arms)} END)" if arms else "CAST(NULL AS DOUBLE)"


def with_site_limits(ranges: LabRanges, row: str, patient: str, limit: str) -> str:
    """`{row}.{limit}` (ref_low or ref_high), else the site's for a quantity row of `row`
    (columns analyte, code, canonical, day, category) of the patient `patient` (birth_day, sex)."""
    which = "low" if limit == "ref_low" else "high"
    age_days = f"({row}.day - {patient}.birth_day)"
    site = site_limit_sql(ranges, which, f"{row}.analyte", f"{row}.code", f"{row}.canonical",
                          age_days, f"{patient}.sex", completed_months(f"{row}.day", age_days))
    return f"COALESCE({row}.{limit}, CASE WHEN {row}.category IS NULL THEN {site} END)"
