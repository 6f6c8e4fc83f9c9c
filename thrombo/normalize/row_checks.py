"""One row check for laboratory results: what a row's (code, unit) means, and its problems.

A laboratory row is read the same way whoever reads it: the normal reader
(`normalize.canonical_records`, one row at a time in Python) and the population paths that check
a feed where it lies (DuckDB over a dataset folder or an OMOP CDM, the Spark job;
`thrombo.population`). They all apply this one definition:

- `row_check(code, unit)`: the analyte the code stands for (or why it is not used), the factor
  to the canonical unit (or why there is none), and the plausible range, once per distinct
  (code, unit) pair of a feed; `check_table` is the same as an Arrow table for SQL joins;
- `units.apply_factor(value, factor)`: the product rounded to CANONICAL_DIGITS significant
  digits;
- `PROBLEMS`: the problems a row can have, in the order they are looked for (the first found is
  the row's), each with its name and the words the row counts are reported under.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

import pyarrow as pa

from thrombo.domain.codes import LOINC, THROMBO, Code, looks_like_loinc
from thrombo.normalize.analytes import BY_KEY, BY_LOINC, CATALOGUE, Analyte
from thrombo.normalize.codemap import CodeMap, not_used
from thrombo.normalize.dates import EARLIEST
from thrombo.normalize.units import UnitError, conversion_factor
from thrombo.normalize.values import ValueProblem, answer_spellings, category_spellings

# Schistocytes counted per high-power field: a wide plausibility range that catches typing errors
# (the catalogue's range is for % of red cells). [Design]
SCHISTOCYTES_PER_HPF_PLAUSIBLE = (0.0, 1000.0)


class Skip(Exception):
    """The record is valid but not used by thrombo; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Problem:
    name: str
    words: str
    """How the row counts are reported (the Spark job's summary; the quarantine keeps the
    normal reader's own message for each row)."""
    message: str
    """A pattern of the normal reader's own quarantine message for the problem
    (canonical_records.py, values.py, csv_dataset.py, assemble.py), by which its messages are
    told apart."""


PROBLEMS = tuple(Problem(*row) for row in (
    ("malformed-row", "malformed row", r"fields where the header has|^malformed CSV"),
    ("required-value-missing", "required value missing", r"^required value missing"),
    # Reported with the reason: "skipped: code not used by thrombo: ...".
    ("code-not-used", "skipped", r"^(code not used|local code not in)"),
    ("time-not-a-date-time", "time missing or not a date-time",
     r"^time .*(not an ISO 8601|missing)"),
    # The plausible-date limits of normalize.dates (parse_moment: the date as written).
    ("date-before-earliest", f"date before {EARLIEST.isoformat()}",
     r"^time \S+ is before \d{4}-\d\d-\d\d: "),
    ("date-in-future", "date in the future", r"^time \S+ is in the future"),
    ("date-before-birth", "dated before the patient's birth",
     r"^time \S+ is before the patient's birth date"),
    ("coded-value-not-accepted", "coded result not accepted", r"^\w+ takes .*, got"),
    ("value-not-a-number", "no numeric value", r"^value for \w+ "),
    ("unit-missing", "no unit", r"^unit missing for"),
    ("unit-not-convertible", "unit not convertible", r"^unknown unit|cannot express"),
    ("implausible-value", "implausible value", r"^implausible "),
    ("reference-limit-not-a-number", "reference limit not a number", r"^ref_(low|high) "),
    ("unknown-patient", "unknown patient", r"^unknown patient "),
))
"""In the order the normal reader meets them (normalize.canonical_records._observation; the
patient is known only once every record is read, normalize.assemble)."""
(MALFORMED, MISSING, SKIPPED, BAD_TIME, TOO_EARLY, FUTURE, BEFORE_BIRTH, CODED, BAD_VALUE,
 NO_UNIT, BAD_UNIT, IMPLAUSIBLE, BAD_LIMIT, UNKNOWN_PATIENT) = PROBLEMS
WORDS = {p.name: p.words for p in PROBLEMS}

# --- Copies: a duplicate is recognised before the patient is looked up ---------------------
# The normal reader keys each record as it reads it (normalize.assemble._account) and looks
# its patient up only once every record is read (_resolve_patients): a later copy of a row
# that passed the checks above is a duplicate, whether or not its patient turns out to be
# known. So three copies of a row for an unknown patient are one row quarantined as an unknown
# patient and two duplicates, on every engine. A row refused for any other problem is refused
# before it is keyed: each copy of it is refused again, never a duplicate.
COPIED_KINDS: tuple[str | None, ...] = (None, UNKNOWN_PATIENT.name)
"""The row kinds (None: usable) whose later copies are duplicates."""
REPEATED_ID = "repeated-identifier"
"""A later row with the identifier of a row of COPIED_KINDS (an OMOP measurement_id, a FHIR
id and version): the normal reader keys such a record by its identifier, whoever its patient
and whatever its content."""
REPEATED_CONTENT = "repeated-content"
"""A later row without an identifier of another's content (build.content_id: patient,
analyte, time, value, unit)."""
DUPLICATE_WORDS = "duplicate of a row already read"


def problem_of(message: str) -> str | None:
    """The problem's name for one of the normal reader's quarantine messages, if it is one."""
    return next((p.name for p in PROBLEMS if re.search(p.message, message)), None)


@dataclass(frozen=True, slots=True)
class RowCheck:
    """What the normal reader makes of one (code, unit) pair."""

    code: str
    unit: str | None
    analyte: str | None = None
    skip: str | None = None
    unit_problem: str | None = None
    has_units: bool = False
    factor: float | None = None
    canonical: str | None = None
    low: float | None = None
    high: float | None = None


CHECK_SCHEMA = pa.schema([
    ("code", pa.string()), ("unit", pa.string()), ("analyte", pa.string()),
    ("skip", pa.string()), ("unit_problem", pa.string()), ("has_units", pa.bool_()),
    ("factor", pa.float64()), ("canonical", pa.string()),
    ("low", pa.float64()), ("high", pa.float64())])
CATEGORY_SCHEMA = pa.schema([("analyte", pa.string()), ("text", pa.string()),
                             ("category", pa.string())])


def resolve_analyte(code: Code | str, codemap: CodeMap) -> Analyte:
    """The analyte a code stands for, or Skip with the reason it is not used."""
    if isinstance(code, Code):
        if code.system == LOINC and code.code in BY_LOINC:
            return BY_LOINC[code.code]
        if code.system == THROMBO and code.code in BY_KEY:
            return BY_KEY[code.code]
        mapped = codemap.analyte_for(code.code, code.system)
        if mapped is not None:
            return BY_KEY[mapped]
        raise Skip(not_used(code.key))
    text = code.strip()
    if text in BY_KEY:
        return BY_KEY[text]
    mapped = codemap.analyte_for(text)
    if mapped is not None:
        return BY_KEY[mapped]
    if looks_like_loinc(text):
        if text in BY_LOINC:
            return BY_LOINC[text]
        raise Skip(not_used(f"{LOINC}|{text}"))
    if "|" in text:
        raise Skip(not_used(text))  # a standard concept given as 'system|code' (io.omop)
    raise Skip(f"local code not in the code map: {text}")


def plausible_range(analyte: Analyte, unit: str) -> tuple[float | None, float | None]:
    """The range a canonical value must lie in (schistocytes per HPF have their own)."""
    if analyte.plausible is None:
        return None, None
    if unit == "/[HPF]":
        return SCHISTOCYTES_PER_HPF_PLAUSIBLE
    return analyte.plausible


def unit_check(analyte: Analyte, unit: str) -> RowCheck:
    """The conversion of `unit` to the analyte's canonical unit and the plausible range there
    (`unit_problem` says why there is no conversion)."""
    try:
        factor, canonical_unit = conversion_factor(analyte, unit)
    except UnitError as exc:
        return RowCheck("", unit, analyte.key, has_units=True, unit_problem=str(exc))
    low, high = plausible_range(analyte, canonical_unit)
    return RowCheck("", unit, analyte.key, has_units=True, factor=factor,
                    canonical=canonical_unit, low=low, high=high)


def row_check(code: Code | str, unit: str | None, codemap: CodeMap) -> RowCheck:
    """The check of one (code, unit) pair; `code` as the row gives it."""
    key = code.key if isinstance(code, Code) else code
    try:
        analyte = resolve_analyte(code, codemap)
    except Skip as skip:
        return RowCheck(key, unit, skip=str(skip))
    if not analyte.units or unit is None:
        return RowCheck(key, unit, analyte.key, has_units=bool(analyte.units))
    return replace(unit_check(analyte, unit), code=key)


def check_plausible(check: RowCheck, value: float) -> None:
    """ValueProblem for a canonical value outside the check's plausible range."""
    if check.low is None or check.high is None:
        return
    if not check.low <= value <= check.high:
        raise ValueProblem(f"implausible {check.analyte} {value:g} {check.canonical} "
                           f"(plausible {check.low:g}-{check.high:g} {check.canonical})")


def check_table(pairs: Iterable[tuple[str | None, str | None]], codemap: CodeMap) -> pa.Table:
    """`row_check` for each distinct (code, unit) of a feed, as the table SQL joins rows to."""
    rows = [asdict(row_check(code, unit, codemap)) for code, unit in pairs if code is not None]
    return pa.Table.from_pylist(rows, CHECK_SCHEMA)


def category_table() -> pa.Table:
    """Accepted spellings of coded results per analyte (normalize.values.parse_category)."""
    rows: list[dict[str, str]] = []
    for analyte in CATALOGUE:
        if not analyte.categories:
            continue
        rows.extend({"analyte": analyte.key, "text": text, "category": value}
                    for text, value in category_spellings(analyte.categories).items())
    return pa.Table.from_pylist(rows, CATEGORY_SCHEMA)


def answer_table() -> pa.Table:
    """Every text that is a coded answer for some analyte (normalize.values.is_answer)."""
    return pa.Table.from_pylist([{"text": t} for t in sorted(answer_spellings())],
                                pa.schema([("text", pa.string())]))
