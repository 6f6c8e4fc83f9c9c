"""The row check (normalize.row_checks) applied in SQL, one text for DuckDB and Spark.

The rows of a feed, projected to the columns below by the reader of each path (a dataset
folder's file in DuckDB, an OMOP measurement table, the Spark job's files), are joined to the
check table built once for the feed's distinct (code, unit) pairs (`obs_checks`,
normalize.row_checks.check_table) and to the accepted coded spellings (`obs_categories`,
`obs_answers`). Each row gets the first of `row_checks.PROBLEMS` it has, by name, in the order
the normal reader meets them, and its value in the canonical unit rounded as the normal reader
rounds it (units.apply_factor).

Projected columns: seq, fields (the CSV row's field count, NULL where not counted), pid,
time_text, moment (the parsed instant), code, value_text, num (the value as a number), unit,
ref_low_text, low_num, ref_high_text, high_num, ident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thrombo.engines.input_tables import EPOCH_DAY, US_PER_DAY
from thrombo.normalize import dates
from thrombo.normalize import row_checks as rc
from thrombo.normalize.units import CANONICAL_DIGITS


@dataclass(frozen=True, slots=True)
class Dialect:
    """What DuckDB and Spark spell differently in the check."""

    printf: str
    """The C-style formatting function (`%.12g` rounds to significant digits)."""
    t_us: str
    """Microseconds since 1970-01-01 UTC of the instant `x.moment`."""
    day: str
    """The day number of `x.moment`."""
    day_of: str
    """The day number of the DATE `{}`."""


DUCKDB = Dialect("printf", "epoch_us(x.moment)",
                 "CAST(CAST(x.moment AS DATE) - DATE '1970-01-01' AS INTEGER)",
                 "CAST({} - DATE '1970-01-01' AS INTEGER)")
SPARK = Dialect("format_string", "unix_micros(x.moment)",
                f"CAST(FLOOR(unix_micros(x.moment) / {US_PER_DAY}) AS INT)",
                "datediff({}, DATE '1970-01-01')")


def _day_number(day: date) -> int:
    return (day - EPOCH_DAY).days


def written_day(dialect: Dialect) -> str:
    """The day number of the date as the time is written (values.parse_moment checks
    `moment.date()` in the moment's own offset): the text's first ten characters, else (a
    time not written YYYY-MM-DD...) the instant's day in the session time zone."""
    written = ("COALESCE(try_cast(substr(x.time_text, 1, 10) AS DATE), "
               "CAST(x.moment AS DATE))")
    return dialect.day_of.format(written)


def date_checks(dialect: Dialect, as_of: date | None) -> str:
    """The CASE branches of normalize.dates, its limits read from there: before EARLIEST,
    after the import day (`as_of`, today as the normal reader's) plus FUTURE_SLACK, before the
    patient's birth (`b.birth_day`, NULL for an unknown birth or patient: no problem)."""
    day = written_day(dialect)
    latest = (as_of or dates.today()) + dates.FUTURE_SLACK
    return f"""WHEN {day} < {_day_number(dates.EARLIEST)} THEN '{rc.TOO_EARLY.name}'
                 WHEN {day} > {_day_number(latest)} THEN '{rc.FUTURE.name}'
                 WHEN {day} < b.birth_day THEN '{rc.BEFORE_BIRTH.name}'"""


def canonical_sql(number: str, dialect: Dialect = DUCKDB) -> str:
    """units.apply_factor in SQL. DuckDB's printf and the cast back are correctly rounded, as
    Python's format and float are; Spark's format_string (Java) rounds the shortest decimal
    text half up, which can differ from the exact binary value's rounding only on a tie at the
    13th significant digit."""
    return (f"CASE WHEN m.factor = 1 THEN {number} ELSE try_cast("
            f"{dialect.printf}('%.{CANONICAL_DIGITS}g', {number} * m.factor) AS DOUBLE) END")


def _not_finite(number: str) -> str:
    return f"({number} IS NULL OR isnan({number}) OR abs({number}) = CAST('Infinity' AS DOUBLE))"


# A censored result ('<10', '>= 2500'; normalize.values.parse_bound): its comparator and bound.
# The value text is trimmed already; ' *' (not '\s') reads alike in DuckDB's and Spark's SQL
# string literals and regular expressions.
CENSORED_PREFIX = "^ *(<=|>=|<|>)"


def censored_sql(raw: str) -> str:
    """`raw` with `cmp` (the comparator of a censored value, else NULL) and `bnum` (the number
    the row checks use: the value, or a censored value's bound)."""
    # Only a text that is no number can be censored: the pattern is not matched on the
    # millions of plain numbers (it would cost more than reading the file).
    cmp = (f"CASE WHEN num IS NULL AND value_text IS NOT NULL THEN "
           f"NULLIF(regexp_extract(value_text, '{CENSORED_PREFIX}', 1), '') END")
    bound = f"try_cast(trim(regexp_replace(value_text, '{CENSORED_PREFIX}', '')) AS DOUBLE)"
    return (f"SELECT *, {cmp} AS cmp, CASE WHEN {cmp} IS NULL THEN num ELSE {bound} END AS bnum "
            f"FROM ({raw})")


def checked_observations_sql(
    raw: str, header_fields: int, value_required: bool = True, dialect: Dialect = DUCKDB,
    patients: str = "pat_all", as_of: date | None = None,
) -> str:
    """Every row of `raw` with its analyte, canonical value and first problem (NULL if none).

    `value_required`: a row without a value is refused as missing a required value before its
    code is looked at (the CSV dataset reader); otherwise the normaliser meets it later, as a
    coded result it does not accept or a value that is not a number (the OMOP reader).
    A censored value ('<10') is checked as the normal reader checks its bound and read, as it
    stores it: its `value` is NULL (never a number to compute with), `cmp` its comparator and
    `bound` its canonical number, which the engines decide by interval logic.
    A row dated implausibly (normalize.dates) is refused after its time is read, as
    parse_moment refuses it; `patients` (patient_id, birth_day) gives the birth days and
    `as_of` the import day (default today, as the normal reader's).
    The patient is checked afterwards, against the patients read (rc.UNKNOWN_PATIENT)."""
    value = canonical_sql("x.bnum", dialect)
    missing_value = "OR x.value_text IS NULL" if value_required else ""
    return f"""
        SELECT x.*, m.analyte, m.skip, c.category,
               {dialect.t_us} AS t_us, {dialect.day} AS day,
               CASE WHEN c.category IS NULL AND x.cmp IS NULL THEN {value} END AS value,
               CASE WHEN c.category IS NULL AND x.cmp IS NOT NULL THEN {value} END AS bound,
               CASE WHEN c.category IS NULL THEN m.canonical END AS canonical,
               CASE WHEN c.category IS NULL THEN {canonical_sql('x.low_num', dialect)}
                 END AS ref_low,
               CASE WHEN c.category IS NULL THEN {canonical_sql('x.high_num', dialect)}
                 END AS ref_high,
               CASE
                 WHEN x.fields <> {header_fields} THEN '{rc.MALFORMED.name}'
                 WHEN x.pid IS NULL OR x.time_text IS NULL OR x.code IS NULL
                      {missing_value} THEN '{rc.MISSING.name}'
                 WHEN m.skip IS NOT NULL THEN '{rc.SKIPPED.name}'
                 WHEN x.moment IS NULL THEN '{rc.BAD_TIME.name}'
                 {date_checks(dialect, as_of)}
                 WHEN c.category IS NOT NULL THEN NULL
                 WHEN NOT m.has_units OR a.text IS NOT NULL OR instr(x.value_text, '|') > 0
                   THEN '{rc.CODED.name}'
                 WHEN {_not_finite('x.bnum')} THEN '{rc.BAD_VALUE.name}'
                 WHEN x.unit IS NULL THEN '{rc.NO_UNIT.name}'
                 WHEN m.unit_problem IS NOT NULL THEN '{rc.BAD_UNIT.name}'
                 WHEN NOT ({value} BETWEEN m.low AND m.high) THEN '{rc.IMPLAUSIBLE.name}'
                 WHEN x.ref_low_text IS NOT NULL AND {_not_finite('x.low_num')}
                   OR x.ref_high_text IS NOT NULL AND {_not_finite('x.high_num')}
                   THEN '{rc.BAD_LIMIT.name}'
               END AS problem
        FROM ({censored_sql(raw)}) x
        LEFT JOIN obs_checks m ON m.code = x.code AND m.unit IS NOT DISTINCT FROM x.unit
        LEFT JOIN obs_categories c ON c.analyte = m.analyte AND c.text = lower(x.value_text)
        LEFT JOIN obs_answers a ON c.category IS NULL AND a.text = lower(x.value_text)
        LEFT JOIN {patients} b ON b.patient_id = x.pid"""


def copied(kind: str) -> str:
    """SQL: the row (its kind in the column `kind`) is one of rc.COPIED_KINDS, whose later
    copies are duplicates."""
    named = ", ".join(f"'{k}'" for k in rc.COPIED_KINDS if k is not None)
    return f"({kind} IS NULL OR {kind} IN ({named}))"


def content_key(pid: str = "pid", unit: str = "unit") -> str:
    """The columns two rows share when one is a copy of the other by content: the content
    the normal reader's record id hashes (build.content_id: patient, analyte, time, value,
    unit as written) and the row's identifier (NULL without one)."""
    return f"{pid}, analyte, t_us, value_text, {unit}, ident"


def copy_kind_sql(
    kind: str = "kind", pid: str = "pid", unit: str = "unit", identified: bool = True
) -> str:
    """SQL: rc.REPEATED_ID or rc.REPEATED_CONTENT for a later copy (by `seq`) of a row of
    rc.COPIED_KINDS, else NULL, over the checked rows (the columns named as there: the row's
    kind, patient id and unit as written). A row with an identifier (`ident`) is its own
    record whatever its content; rows without one are copies by the content the normal
    reader's record id hashes (build.content_id). `identified` False: no row has an
    identifier (a dataset folder), and the identifier's window, which would hold every row
    in one partition, is left out."""
    first = f"PARTITION BY {copied(kind)}"
    content = f"{first}, {content_key(pid, unit)}"
    by_ident = (f"WHEN ident IS NOT NULL AND row_number() OVER ({first}, ident ORDER BY seq) > 1 "
                f"THEN '{rc.REPEATED_ID}'" if identified else "")
    return f"""CASE WHEN NOT {copied(kind)} THEN NULL {by_ident}
                    WHEN row_number() OVER ({content} ORDER BY seq) > 1
                      THEN '{rc.REPEATED_CONTENT}' END"""
