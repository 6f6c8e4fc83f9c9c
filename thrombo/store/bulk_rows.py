"""The import's fast lane for the common laboratory result: a raw observation straight to the
store's row, without the canonical objects in between.

Most rows of a feed are a plain number with a unit for a known code, at a time already seen
(a run of results at one draw), for a patient already read. For such a row the lane does what
`normalize.canonical_records._observation` does, with each distinct code, (analyte, unit) and
time text decided once per import, and gives the observations row of `record_rows`
(OBSERVATION_COLUMNS order) with the key `normalize.assemble.record_key` gives it. Anything the
lane is not certain about gives None (a coded result, a comparator, a missing unit, a value that
is not a plain finite number, an implausible value, an unknown code or patient, a time it cannot
read, a record of several items): the importer then reads that record
through the per-record path in its place, so its reason, quarantine entry and their order are
exactly that path's.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from thrombo.domain.codes import Code
from thrombo.io.raw import RawObservation, SourceRecord
from thrombo.normalize.analytes import BY_KEY, Analyte
from thrombo.normalize.canonical_records import (
    Context,
    analyte_of,
    unit_check_of,
    unverified_loinc_note,
)
from thrombo.normalize.dates import birth_problem
from thrombo.normalize.identity import Identities
from thrombo.normalize.quarantine import ImportSummary
from thrombo.normalize.row_checks import RowCheck, Skip
from thrombo.normalize.units import apply_factor, unverified_molar_note
from thrombo.normalize.values import ValueProblem, is_answer, parse_moment
from thrombo.store.record_rows import Row, column_binder, utc
from thrombo.store.schema import observations

CACHE_LIMIT = 1_000_000
"""[Design] Distinct time (or value) texts kept decided at once (about 200 bytes each); past
it the cache starts again, so memory stays bounded on any feed while a draw's run of results
(the same time text) is still decided once."""

Moment = tuple[date, str, Any, int, date]
"""A time text decided: its date as written, ISO form (content_id), UTC moment (bound for the
driver) and offset (the stored columns), and the local date (the site's lab ranges)."""


@dataclass(frozen=True, slots=True)
class Binds:
    """How the lane's values go to the driver (record_rows.column_binder), so that its rows
    are bound once: a time text's moment once per import, not once per row."""

    time: Callable[[Any], Any]
    limit: Callable[[Any], Any]
    attributes: Callable[[Any], Any]

    @classmethod
    def of(cls, conn: Connection) -> Binds:
        return cls(*(column_binder(conn, observations, column)
                     for column in ("time_utc", "ref_low", "attributes")))


@dataclass(slots=True)
class LaneRow:
    """One source record taken by the lane: its observations row and `record_key`."""

    key: tuple[str, str]
    row: Row


@dataclass
class ObservationLane:
    ctx: Context
    identities: Identities
    known: set[str]
    """The patient ids known so far (the importer's set, which grows as patients are read)."""
    totals: ImportSummary
    binds: Binds
    codes: dict[Code | str, tuple[Analyte, str | None] | None] = field(default_factory=dict)
    checks: dict[tuple[str, str], tuple[RowCheck, str | None] | None] = field(
        default_factory=dict)
    pairs: dict[tuple[Code | str, str | None], tuple[Analyte, RowCheck, str | None] | None] = (
        field(default_factory=dict))
    """Each (code, unit) decided: `_pair`'s answer."""
    times: dict[object, Moment | None] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)

    def take(self, record: SourceRecord, import_id: int) -> LaneRow | None:
        """The record's row when the lane is certain of it, else None (nothing counted)."""
        if record.quarantined is not None or record.skipped is not None:
            return None
        items = record.items
        if len(items) != 1 or type(items[0]) is not RawObservation:
            return None
        raw = items[0]
        version = raw.resource_version
        if version is not None and not (version.isascii() and version.isdigit()):
            return None  # a version that is not a plain number: the per-record path's rule
        prov = record.provenance
        return self.take_fields(
            (raw.patient_id, raw.time, raw.code, raw.value, raw.unit, raw.ref_low, raw.ref_high,
             raw.extra), prov.source, prov.location, import_id, raw.resource_id, version)

    def take_fields(self, fields: tuple[Any, ...], source: str, location: str, import_id: int,
                    resource_id: str | None = None, version: str | None = None
                    ) -> LaneRow | None:
        """`take` of one raw observation given by its fields (patient id, time, code, value,
        unit, ref_low, ref_high, extra), as a column reader gives them without a record
        object; `version`: a plain number's text, or None."""
        raw_pid, time, raw_code, raw_value, unit, ref_low, ref_high, extra = fields
        patient_id = raw_pid.strip()
        if patient_id not in self.known or patient_id in self.identities.held:
            return None
        read = self._read(raw_code, unit, time, raw_value, patient_id)
        if read is None:
            return None
        analyte, check, note, moment, value = read
        canonical = apply_factor(value, check.factor)  # type: ignore[arg-type]  # _check's
        if check.low is not None and check.high is not None and not (
                check.low <= canonical <= check.high):
            return None  # implausible (row_checks.check_plausible)
        own_low, own_high = (_limit(ref_low, check.factor),  # type: ignore[arg-type]
                             _limit(ref_high, check.factor))  # type: ignore[arg-type]
        if own_low is REFUSED or own_high is REFUSED:
            return None
        low, high, ref_source = self.ctx.lab_ranges.fill(
            analyte, raw_code, self.ctx.patients.get(patient_id), moment[4],
            (own_low, own_high), check.canonical)
        if note is not None:
            self.totals.add_unverified(note)
        # canonical_records._observation's id: the FHIR resource's version, else the content's.
        number = int(version) if version else 1
        ident = (f"{resource_id}/_history/{number}" if resource_id else
                 _content_id(raw_pid, analyte.key, moment[1], raw_value, unit))
        code = raw_code if isinstance(raw_code, Code) else None
        return LaneRow(("observation", ident), (
            ident, patient_id, analyte.key, moment[2], moment[3], canonical, check.canonical,
            None, self.binds.limit(low), self.binds.limit(high),
            code.system if code else None, code.code if code else None, value, unit,
            number, self.binds.attributes(extra or None), None, ref_source, source,
            location, import_id))

    def _read(self, code: Code | str, unit: str | None, time: object, raw_value: object,
              patient_id: str) -> tuple[Analyte, RowCheck, str | None, Moment, float] | None:
        """The row's analyte, unit check, unverified mapping, time and number, when each is
        one the lane is certain of (and the time is not before the patient's birth)."""
        try:
            pair = self.pairs[code, unit]
        except KeyError:
            pair = self.pairs[code, unit] = self._pair(code, unit)
        moment = self._moment(time)
        value = self._value(raw_value)
        if pair is None or moment is None or value is None:
            return None
        birth = self.ctx.patients.get(patient_id, (None, "U"))[0]
        if birth_problem(moment[0], birth, "time") is not None:
            return None
        analyte, check, note = pair
        return analyte, check, note, moment, value

    def _pair(self, code: Code | str, unit: str | None
              ) -> tuple[Analyte, RowCheck, str | None] | None:
        """The analyte, unit check and unverified mapping of a (code, unit) the lane takes
        (_analyte, then _check), else None."""
        coded = self._analyte(code)
        if coded is None or not unit:
            return None
        analyte, loinc_note = coded
        decided = self._check(analyte, unit)
        if decided is None:
            return None
        check, molar_note = decided
        return analyte, check, loinc_note if loinc_note is not None else molar_note

    def _analyte(self, code: Code | str) -> tuple[Analyte, str | None] | None:
        """The code's analyte when it takes quantities, with the unverified LOINC mapping its
        results rest on (canonical_records.observation_note), else None (skipped, or coded
        results only)."""
        if code in self.codes:
            return self.codes[code]
        try:
            analyte = analyte_of(code, self.ctx)
        except Skip:
            self.codes[code] = None
            return None
        # An analyte with units and coded results (schistocytes, urine protein) takes a number
        # here: a value that is a coded answer (values.is_answer, which holds every spelling
        # values.parse_category reads) leaves the lane row by row.
        coded = None
        if analyte.units:
            coded = analyte, unverified_loinc_note(code, analyte.key)
        self.codes[code] = coded
        return coded

    def _check(self, analyte: Analyte, unit: str) -> tuple[RowCheck, str | None] | None:
        """The (analyte, unit) check when the unit converts, with the unverified mapping its
        results rest on (canonical_records.observation_note), else None."""
        pair = (analyte.key, unit)
        if pair in self.checks:
            return self.checks[pair]
        check = unit_check_of(analyte, unit, self.ctx)
        decided = None
        if check.factor is not None and check.canonical is not None:
            decided = check, unverified_molar_note(BY_KEY[analyte.key], unit)
        self.checks[pair] = decided
        return decided

    def _value(self, raw: object) -> float | None:
        """The value as a plain finite number, else None (a coded answer, a comparator, not
        a number): once per distinct value text. Numbers are read as they come (not kept:
        True, 1 and 1.0 are one dictionary key, and only the numbers are numbers)."""
        if not isinstance(raw, str):
            return _number(raw)
        if raw in self.values:
            return self.values[raw]
        if len(self.values) >= CACHE_LIMIT:
            self.values.clear()
        number = None if is_answer(raw) else _number(raw)
        self.values[raw] = number
        return number

    def _moment(self, text: object) -> Moment | None:
        if text in self.times:
            return self.times[text]
        if len(self.times) >= CACHE_LIMIT:
            self.times.clear()
        try:
            moment = parse_moment(text, "time", self.ctx.tz)  # type: ignore[arg-type]
        except ValueProblem:
            decided = None
        else:
            at, offset = utc(moment)
            decided = (moment.date(), moment.isoformat(), self.binds.time(at), offset,
                       moment.astimezone(self.ctx.tz).date())
        self.times[text] = decided
        return decided


def _number(raw: object) -> float | None:
    """values.parse_bound's number when the value is a plain finite number (no comparator),
    else None."""
    if isinstance(raw, str):
        text = raw.strip()
        if text[:1] in ("<", ">"):
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    else:
        return None
    return number if math.isfinite(number) else None


def _content_id(patient_id: str, analyte: str, iso: str, value: object, unit: str) -> str:
    """canonical_records.content_id of these parts, none of them None here (the lane takes
    no row without a unit or value): the same text, `{part}` and the unit separator after
    each (a number formats as its str), hashed the same way."""
    text = f"{patient_id}\x1f{analyte}\x1f{iso}\x1f{value}\x1f{unit}\x1f"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


REFUSED = float("nan")
"""_limit's answer where canonical_records._reference_limit refuses the row (a limit is
never NaN: _number refuses it)."""


def _limit(raw: object, factor: float) -> float | None:
    """canonical_records._reference_limit, or REFUSED where it would refuse the row."""
    if raw is None or raw == "":
        return None
    number = _number(raw)
    return REFUSED if number is None else apply_factor(number, factor)
