"""The FHIR R4 elements thrombo reads, taken from plain JSON (the fast path).

Each helper checks only the shape of the element it reads and raises `Unusable(path, reason)` when
that element cannot be used, so that a quarantine names the element (`valueQuantity.value`). The
rest of a resource is not looked at: this is what lets bulk NDJSON import run far faster than full
model validation (design.md, "Measured here"), and what keeps sparse real-world resources loading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from thrombo.domain.codes import LOINC, UCUM, Code, InvalidCodeError
from thrombo.io.answer_codes import answer_for, answer_in_text
from thrombo.io.raw import RawValue

JSON = dict[str, Any]

THROMBO_PATIENT_ID = "urn:thrombo:patient-id"
"""Identifier system carrying a thrombo patient id verbatim (FHIR ids allow fewer characters)."""
THROMBO_EVENT = "urn:thrombo:event"
"""Code system of thrombo's event names (interface.md section 1, events.csv)."""
THROMBO_DRUG = "urn:thrombo:drug"
THROMBO_PROCEDURE = "urn:thrombo:procedure"
THROMBO_CONDITION = "urn:thrombo:condition"
THROMBO_PATIENT_FIELD = "urn:thrombo:patient:"
"""Extension URL prefix for patients.csv columns FHIR has no element for (hsct_date...)."""


class Unusable(Exception):
    """An element thrombo needs is missing or malformed: the record is quarantined."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Skip(Exception):
    """A resource thrombo does not use (its type, status or lack of a value): counted, not read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReportTime:
    """The times of a DiagnosticReport, for the results it lists that carry none of their own."""

    report: str
    """`DiagnosticReport/id` (or its fullUrl), named in the evidence of the time it lends."""
    effective: str | None
    issued: str | None


@dataclass
class Context:
    """What one source lets references resolve to: patients and Medication resources by
    `fullUrl` and by `Type/id`, and the DiagnosticReport listing each Observation in `result`."""

    patients: dict[str, str] = field(default_factory=dict)
    medications: dict[str, JSON] = field(default_factory=dict)
    reports: dict[str, ReportTime] = field(default_factory=dict)


# --- shapes -----------------------------------------------------------------------------------


def obj(parent: JSON, key: str, path: str) -> JSON | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Unusable(path, "expected a JSON object")
    return value


def objects(parent: JSON, key: str, path: str) -> list[JSON]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Unusable(path, "expected a list of JSON objects")
    return value


def text(parent: JSON, key: str, path: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unusable(path, "expected a string")
    return value.strip() or None


def number(parent: JSON, key: str, path: str) -> float | int | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unusable(path, f"not a number: {value!r}")
    return value


# --- dates and times --------------------------------------------------------------------------

# FHIR date/dateTime/instant: a year, month or day, optionally a time with an optional offset.
# A time without an offset is not valid FHIR, but common in exports; the fast path lets it through
# and normalisation applies the site's time zone to it, as for CSV.
_MOMENT = re.compile(
    r"^(\d{4})(-(\d{2})(-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def moment(value: Any, path: str) -> str:
    """A FHIR date or dateTime, checked and returned as written (normalize parses it)."""
    if not isinstance(value, str):
        raise Unusable(path, "expected a date or date-time string")
    match = _MOMENT.match(value)
    if match is None:
        raise Unusable(path, f"not a FHIR date-time: {value!r}")
    if match.group(5) is not None:
        try:
            date.fromisoformat(value[:10])
        except ValueError:
            raise Unusable(path, f"no such date: {value!r}") from None
    return value


def first_moment(resource: JSON, choices: tuple[str, ...], path: str) -> str | None:
    """The first of `choices` present; `xPeriod` choices give their start (else their end)."""
    for key in choices:
        if key.endswith("Period"):
            period = obj(resource, key, key)
            if period is None:
                continue
            for edge in ("start", "end"):
                if period.get(edge) is not None:
                    return moment(period[edge], f"{key}.{edge}")
        elif resource.get(key) is not None:
            return moment(resource[key], key)
    return None


# Observation time, in order of preference (clinical lab exports often leave it to the report):
# its own effective[x]; the effective[x] of the DiagnosticReport listing it in `result`; then
# `issued` (when the result was released: later than the specimen, by hours or days), its own
# before the report's. Any time not its own is named in the observation's `time_from`.
OBSERVATION_EFFECTIVE = ("effectiveDateTime", "effectivePeriod", "effectiveInstant")
REPORT_EFFECTIVE = ("effectiveDateTime", "effectivePeriod")
ISSUED_NOTE = "issued: when the result was released, later than the specimen was taken"
REPORT_UNUSED_STATUS = frozenset({"entered-in-error", "cancelled"})


def observation_time(resource: JSON, ctx: Context) -> tuple[str, dict[str, str]]:
    """The observation's time and, when it is not its own effective time, where it came from
    (`{"time_from": ...}`, kept with the observation as an attribute)."""
    own = first_moment(resource, OBSERVATION_EFFECTIVE, "effective[x]")
    if own is not None:
        return own, {}
    rid = resource.get("id")
    report = ctx.reports.get(f"Observation/{rid}") if isinstance(rid, str) else None
    if report is not None and report.effective is not None:
        return report.effective, {"time_from": f"{report.report} effective[x]"}
    issued = first_moment(resource, ("issued",), "issued")
    if issued is not None:
        return issued, {"time_from": ISSUED_NOTE}
    if report is not None and report.issued is not None:
        return report.issued, {"time_from": f"{report.report} {ISSUED_NOTE}"}
    raise Unusable("effective[x]", "no effective time, no issued, and no DiagnosticReport "
                                   "listing it with a time")


def report_times(resource: JSON, full_url: str | None = None) -> dict[str, ReportTime]:
    """`result` reference -> the report's times, for one DiagnosticReport (a report whose times
    cannot be read lends none: its results then need their own)."""
    if resource.get("status") in REPORT_UNUSED_STATUS:
        return {}
    rid = resource.get("id")
    name = f"DiagnosticReport/{rid}" if isinstance(rid, str) else (full_url or "DiagnosticReport")
    try:
        times = ReportTime(name, first_moment(resource, REPORT_EFFECTIVE, "effective[x]"),
                           first_moment(resource, ("issued",), "issued"))
        results = objects(resource, "result", "result")
    except Unusable:
        return {}
    if times.effective is None and times.issued is None:
        return {}
    refs = (r.get("reference") for r in results)
    return {ref: times for ref in refs if isinstance(ref, str)}


def period_end(resource: JSON, key: str) -> str | None:
    period = obj(resource, key, key)
    if period is None or period.get("end") is None or period.get("start") is None:
        return None
    return moment(period["end"], f"{key}.end")


# --- codes ------------------------------------------------------------------------------------


def codings(concept: JSON | None, path: str) -> tuple[Code, ...]:
    """Every coding with both a system and a code; a code malformed for its system is refused."""
    if concept is None:
        return ()
    found = []
    for i, coding in enumerate(objects(concept, "coding", f"{path}.coding")):
        system, code, display = coding.get("system"), coding.get("code"), coding.get("display")
        if not (isinstance(system, str) and isinstance(code, str)
                and (display is None or isinstance(display, str))):
            # Not plain text: read element by element, to name the element that is wrong.
            where = f"{path}.coding[{i}]"
            system = text(coding, "system", f"{where}.system")
            code = text(coding, "code", f"{where}.code")
            if system is None or code is None:
                continue
            display = text(coding, "display", f"{where}.display")
        system, code = system.strip() or None, code.strip() or None
        if system is None or code is None:
            continue  # a display-only or system-less coding identifies nothing
        try:
            found.append(_code(system, code, display.strip() or None if display else None))
        except InvalidCodeError as exc:
            raise Unusable(f"{path}.coding[{i}].code", str(exc)) from None
    return tuple(found)


@lru_cache(maxsize=4096)
def _code(system: str, code: str, display: str | None) -> Code:
    """A coding read before is the same Code (its shape checked once; a malformed one is not
    kept and raises again)."""
    return Code(system, code, display)


def concept_text(concept: JSON | None, path: str) -> str | None:
    """The concept's text, else the first coding display."""
    if concept is None:
        return None
    said = text(concept, "text", f"{path}.text")
    if said is not None:
        return said
    return next((c.display for c in codings(concept, path) if c.display), None)


def pick_code(concept: JSON | None, path: str) -> Code:
    """The LOINC coding when there is one, otherwise the first coding."""
    found = codings(concept, path)
    if not found:
        raise Skip("observation code has no coding")
    return next((c for c in found if c.system == LOINC), found[0])


def has_system(concept: JSON | None, system: str, path: str) -> Code | None:
    return next((c for c in codings(concept, path) if c.system == system), None)


# --- values -----------------------------------------------------------------------------------

# Coded presence and dipstick answers are read through the one value-set table (io.answer_codes);
# whether a word fits the analyte is normalize's decision, not the reader's.
CATEGORY_WORDS: dict[str, str] = {
    "present": "present",
    "positive": "present",
    "detected": "present",
    "pos": "present",
    "absent": "absent",
    "not detected": "absent",
    "none seen": "absent",
    "not seen": "absent",
    "negative": "negative",
    "neg": "negative",
    "trace": "trace",
    "1+": "1+",
    "2+": "2+",
    "3+": "3+",
    "4+": "4+",
    "+": "1+",
    "++": "2+",
    "+++": "3+",
    "++++": "4+",
}


def category(concept: JSON, path: str) -> str:
    """A coded answer as a category word; an unknown answer is passed on as its text."""
    found = codings(concept, path)
    for code in found:
        word = answer_for(code)
        if word is not None:
            return word
    said = concept_text(concept, path)
    if said is not None:
        word = category_word(said)
        # A code the value-set table does not hold is passed on as its code, so that it is
        # refused as an answer the analyte does not take, not as text that is no number.
        known = word in CATEGORY_WORDS.values() or answer_in_text(word) is not None
        return word if known or not found else found[0].key
    if found:
        return found[0].key
    raise Unusable(path, "a coded value with neither a coding nor text")


def category_word(said: str) -> str:
    lowered = said.strip().lower()
    return CATEGORY_WORDS.get(lowered) or answer_in_text(lowered) or lowered


def quantity(q: JSON, path: str) -> tuple[RawValue, str | None]:
    """(value, unit). The UCUM `code` is preferred to `unit`, which is display text."""
    value = number(q, "value", f"{path}.value")
    if value is None:
        raise Unusable(f"{path}.value", "missing")
    unit = text(q, "unit", f"{path}.unit")
    code = text(q, "code", f"{path}.code")
    system = text(q, "system", f"{path}.system")
    if code is not None and system in (None, UCUM):
        unit = code
    comparator = text(q, "comparator", f"{path}.comparator")
    # A censored result ("<10") stays text, as in a CSV value column: normalize decides.
    return (f"{comparator}{value}" if comparator else float(value)), unit


def range_limits(ranges: list[JSON], path: str) -> tuple[RawValue, RawValue]:
    """The first reference range's low and high values."""
    if not ranges:
        return None, None
    first = ranges[0]
    low = obj(first, "low", f"{path}[0].low")
    high = obj(first, "high", f"{path}[0].high")
    return (
        None if low is None else number(low, "value", f"{path}[0].low.value"),
        None if high is None else number(high, "value", f"{path}[0].high.value"),
    )


# --- references -------------------------------------------------------------------------------


def patient_of(resource: JSON, ctx: Context, key: str = "subject") -> str:
    """The patient id a resource's subject refers to."""
    subject = obj(resource, key, key)
    if subject is None:
        raise Unusable(key, "missing: no patient to attach the record to")
    ident = obj(subject, "identifier", f"{key}.identifier")
    if ident is not None and ident.get("system") == THROMBO_PATIENT_ID:
        value = text(ident, "value", f"{key}.identifier.value")
        if value:
            return value
    ref = text(subject, "reference", f"{key}.reference")
    if ref is not None:
        return _resolve_patient(ref, ctx, f"{key}.reference")
    value = None if ident is None else text(ident, "value", f"{key}.identifier.value")
    if value is None:
        raise Unusable(key, "neither a reference nor an identifier")
    return value


def _resolve_patient(ref: str, ctx: Context, path: str) -> str:
    if ref in ctx.patients:
        return ctx.patients[ref]
    if ref.startswith("urn:uuid:"):
        return ref[len("urn:uuid:") :]  # Synthea and bulk exports: the Patient id is the uuid
    parts = ref.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) < 2 or not parts[-1]:
        raise Unusable(path, f"cannot resolve {ref!r} to a patient")
    if parts[-2] != "Patient":
        raise Unusable(path, f"refers to a {parts[-2]}, not a Patient")
    return ctx.patients.get(f"Patient/{parts[-1]}", parts[-1])


def patient_id(resource: JSON, full_url: str | None = None) -> str:
    """A Patient's id: thrombo's identifier, else the resource id, else the first identifier,
    else the entry's uuid."""
    idents = objects(resource, "identifier", "identifier")
    for ident in idents:
        if ident.get("system") == THROMBO_PATIENT_ID and isinstance(ident.get("value"), str):
            return str(ident["value"])
    rid = text(resource, "id", "id")
    if rid is not None:
        return rid
    for i, ident in enumerate(idents):
        value = text(ident, "value", f"identifier[{i}].value")
        if value is not None:
            return value
    if full_url is not None and full_url.startswith("urn:uuid:"):
        return full_url[len("urn:uuid:") :]
    raise Unusable("id", "a Patient with neither an id nor an identifier")


def version_of(resource: JSON) -> str | None:
    meta = obj(resource, "meta", "meta")
    return None if meta is None else text(meta, "versionId", "meta.versionId")
