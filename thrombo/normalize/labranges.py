"""The site's laboratory reference ranges (`thrombo-lab-ranges.toml`, interface.md section 1).

LDH, sC5b-9, haptoglobin and PT/aPTT limits are assay-specific (clinical-reference.md section 0),
and many feeds do not carry the range on each result. A site states its assays' ranges once:

    [[sc5b9]]                  # an analyte key ...
    unit = "ng/mL"
    high = 244

    [[ldh]]
    unit = "U/L"
    age_from = 1               # years, inclusive
    age_to = 10                # years, exclusive
    high = 321

    [[ldh]]
    unit = "U/L"
    age_from = 10
    age_to = 15
    sex = "F"
    low = 157
    high = 272

    [["14805-6"]]              # ... or a code (LOINC, system|code, or a local code in the code map)
    unit = "U/L"
    high = 480

Precedence for each limit: the observation's own `ref_low`/`ref_high`, then this file, then the
criteria's published fallback (with its warning). Within the file a code's range wins over its
analyte's, and a sex-specific range over one for both sexes. Ages are the patient's on the
observation's local day: an edge in whole months (10 years, 0.5 years) is reached on that
birthday or month-day (completed age, as a clinician states it; days / 365.25 reads a tenth
birthday as 9.9986 years), any other edge by decimal years (days / 365.25). A malformed file is
refused with one line naming the file and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from thrombo.domain.codes import LOINC, Code, InvalidCodeError
from thrombo.errors import SourceError
from thrombo.normalize.analytes import BY_KEY, BY_LOINC, Analyte
from thrombo.normalize.codemap import CodeMap, read_toml
from thrombo.normalize.units import UnitError, to_canonical

LAB_RANGES_FILENAME = "thrombo-lab-ranges.toml"
# Days per year of decimal age, as thrombo.physiology.age (which normalize may not import).
DAYS_PER_YEAR = 365.25
FIELDS = frozenset({"unit", "sex", "age_from", "age_to", "low", "high"})


@dataclass(frozen=True, slots=True)
class SiteRange:
    """One range of one assay, with its limits in the analyte's canonical unit."""

    key: str
    """The analyte key or code the file names it by."""
    analyte: str
    code: str | None
    """The code as written (bare or `system|code`), None for an analyte-wide range."""
    sex: str | None
    age_from: float | None
    age_to: float | None
    low: float | None
    high: float | None
    unit: str

    def covers(self, age: Age | None, sex: str) -> bool:
        if self.sex is not None and self.sex != sex:
            return False
        if self.age_from is None and self.age_to is None:
            return True
        if age is None:
            return False
        return (self.age_from is None or reached(age, self.age_from)) and (
            self.age_to is None or not reached(age, self.age_to))

    @property
    def rank(self) -> int:
        """Lower wins: a code's range by sex, a code's, the analyte's by sex, the analyte's."""
        return (0 if self.code is not None else 2) + (0 if self.sex is not None else 1)

    def describe(self, path: str | None) -> str:
        band = ""
        if self.age_from is not None or self.age_to is not None:
            upper = "" if self.age_to is None else f"{self.age_to:g}"
            band = f", age {self.age_from or 0:g}-{upper} y"
        sex = "" if self.sex is None else f", {self.sex}"
        where = Path(path).name if path else LAB_RANGES_FILENAME
        return f"site range, {where}: {self.key}{band}{sex}"


@dataclass(frozen=True)
class LabRanges:
    ranges: tuple[SiteRange, ...] = ()
    path: str | None = None
    by_analyte: dict[str, tuple[SiteRange, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[SiteRange]] = {}
        for r in sorted(self.ranges, key=lambda r: r.rank):
            grouped.setdefault(r.analyte, []).append(r)
        self.by_analyte.update({k: tuple(v) for k, v in grouped.items()})

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def find(
        self, analyte: str, code: Code | str | None, age: Age | None, sex: str
    ) -> SiteRange | None:
        """The most specific range for this result and patient, or None."""
        for entry in self.by_analyte.get(analyte, ()):
            if entry.code is not None and not code_matches(entry.code, code):
                continue
            if entry.covers(age, sex):
                return entry
        return None

    def fill(
        self,
        analyte: Analyte,
        code: Code | str | None,
        patient: tuple[date, str] | None,
        day: date,
        own: tuple[float | None, float | None],
        unit: str | None,
    ) -> tuple[float | None, float | None, str | None]:
        """The limits a result uses: its own (`own`), each missing one from the most specific
        site range for this result and patient (birth date and sex; None when not known yet),
        and where the site's came from (None when nothing did). Only for a quantity in the
        analyte's first canonical unit (not a coded result, nor schistocytes per HPF)."""
        low, high = own
        if unit is None or unit != analyte.unit or (low is not None and high is not None):
            return low, high, None
        if analyte.key not in self.by_analyte:
            return low, high, None
        age = None if patient is None else age_on(patient[0], day)
        entry = self.find(analyte.key, code, age, "U" if patient is None else patient[1])
        if entry is None:
            return low, high, None
        used_low = low is None and entry.low is not None
        used_high = high is None and entry.high is not None
        if not (used_low or used_high):
            return low, high, None
        return (entry.low if used_low else low, entry.high if used_high else high,
                entry.describe(self.path))


def code_matches(written: str, code: Code | str | None) -> bool:
    if code is None:
        return False
    if isinstance(code, Code):
        return written in (code.key, code.code)
    return written == code.strip()


Age = tuple[float, int]
"""A patient's age on a day: decimal years (days / 365.25) and completed months."""


def age_on(birth: date, day: date) -> Age:
    """As physiology.age's `age_in_years` and `completed_months` (normalize may not import it):
    a month is complete on the day of the month the patient was born."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return (day - birth).days / DAYS_PER_YEAR, months - (1 if day.day < birth.day else 0)


def in_months(years: float) -> int | None:
    """A band edge in years as whole months (10 -> 120, 0.5 -> 6), None when it is not whole."""
    months = years * 12
    return round(months) if abs(months - round(months)) < 1e-9 else None


def reached(age: Age, years: float) -> bool:
    """Whether the patient has reached a band edge: completed months for an edge in whole
    months (the birthday itself), decimal years otherwise."""
    months = in_months(years)
    return age[0] >= years if months is None else age[1] >= months


def load_lab_ranges(path: Path, codemap: CodeMap | None = None) -> LabRanges:
    """The file's ranges; SourceError (one line) for anything malformed."""
    data = read_toml(path, "lab ranges", "are")
    ranges: list[SiteRange] = []
    for key, entries in data.items():
        items = entries if isinstance(entries, list) else [entries]
        for i, item in enumerate(items):
            where = f"{path}: [[{key}]] entry {i + 1}"
            if not isinstance(item, dict):
                raise SourceError(f"{where}: expected a table with unit, low and/or high")
            ranges.append(_entry(key, item, where, codemap or CodeMap()))
    _check_overlaps(ranges, path)
    return LabRanges(tuple(ranges), str(path))


def _analyte(key: str, where: str, codemap: CodeMap) -> tuple[Analyte, str | None]:
    """The analyte a key names, and the code when the key is a code."""
    if key in BY_KEY:
        return BY_KEY[key], None
    system, bar, code = key.partition("|")
    if bar:
        try:
            Code(system, code)
        except InvalidCodeError as exc:
            raise SourceError(f"{where}: {exc}") from None
        mapped = codemap.analyte_for(code, system)
        loinc = code if system == LOINC else None
    else:
        mapped = codemap.analyte_for(key)
        loinc = key
    if mapped is None and loinc in BY_LOINC:
        mapped = BY_LOINC[loinc].key
    if mapped is None:
        raise SourceError(f"{where}: {key!r} is neither an analyte key nor a code thrombo "
                          "maps to an analyte (catalogue LOINC or the code map)")
    return BY_KEY[mapped], key


def _number(item: dict[str, Any], name: str, where: str) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(f"{where}: {name} must be a number, got {value!r}")
    return float(value)


def _entry(key: str, item: dict[str, Any], where: str, codemap: CodeMap) -> SiteRange:
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise SourceError(f"{where}: unknown field {unknown[0]!r} (expected "
                          f"{', '.join(sorted(FIELDS))})")
    analyte, code = _analyte(key, where, codemap)
    unit = item.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise SourceError(f"{where}: unit missing (the UCUM unit of low and high)")
    low, high = _number(item, "low", where), _number(item, "high", where)
    if low is None and high is None:
        raise SourceError(f"{where}: neither low nor high given")
    if low is not None and high is not None and low > high:
        raise SourceError(f"{where}: low {low:g} is above high {high:g}")
    try:
        low_c = None if low is None else to_canonical(analyte, low, unit.strip())[0]
        high_c = None if high is None else to_canonical(analyte, high, unit.strip())[0]
    except UnitError as exc:
        raise SourceError(f"{where}: {exc} for {analyte.key}") from None
    sex = item.get("sex")
    if sex is not None and sex not in ("F", "M"):
        raise SourceError(f"{where}: sex must be F or M, got {sex!r}")
    age_from, age_to = _number(item, "age_from", where), _number(item, "age_to", where)
    if age_from is not None and age_from < 0:
        raise SourceError(f"{where}: age_from {age_from:g} is negative")
    if age_from is not None and age_to is not None and age_from >= age_to:
        raise SourceError(f"{where}: age_from {age_from:g} is not below age_to {age_to:g}")
    return SiteRange(key, analyte.key, code, sex, age_from, age_to, low_c, high_c,
                     unit.strip())


def _check_overlaps(ranges: list[SiteRange], path: Path) -> None:
    """Two ranges that could both apply to the same result at the same rank are ambiguous."""
    for i, a in enumerate(ranges):
        for b in ranges[i + 1:]:
            same = (a.analyte, a.code, a.sex) == (b.analyte, b.code, b.sex)
            if same and _ages_overlap(a, b):
                raise SourceError(
                    f"{path}: two ranges for {a.key}{'' if a.sex is None else f' ({a.sex})'} "
                    "overlap in age; give each age band once")


def _ages_overlap(a: SiteRange, b: SiteRange) -> bool:
    inf = float("inf")
    a_lo, a_hi = a.age_from or 0.0, inf if a.age_to is None else a.age_to
    b_lo, b_hi = b.age_from or 0.0, inf if b.age_to is None else b.age_to
    return a_lo < b_hi and b_lo < a_hi


def lab_ranges_for(
    source: Path, explicit: Path | None = None, codemap: CodeMap | None = None
) -> LabRanges:
    """The explicit file, else thrombo-lab-ranges.toml inside a dataset folder (or beside a
    file), else none."""
    if explicit is not None:
        if not explicit.is_file():
            raise SourceError(f"{explicit}: no such lab-ranges file")
        return load_lab_ranges(explicit, codemap)
    beside = (source if source.is_dir() else source.parent) / LAB_RANGES_FILENAME
    return load_lab_ranges(beside, codemap) if beside.is_file() else LabRanges()
