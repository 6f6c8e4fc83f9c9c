"""Reading FHIR R4 sources: a Bundle (or single resource) `.json`, Bulk Data `.ndjson`, or a
folder of `Type.ndjson` files.

Every Bundle entry and every non-blank NDJSON line is one source record, accounted for as items,
a skip or a quarantine (raw.py). Two levels of checking:

- the fast path (fhir_fast) reads the elements thrombo uses from orjson-parsed JSON; NDJSON uses
  it alone by default, because full model validation runs at about 13,000 Observations/s
  (design.md) and a bulk export holds millions;
- full validation with fhir.resources' R4B models (R4 JSON validates as R4B for the resources
  read here). Bundles get it for every entry of a type thrombo reads (`full_validation=True` by
  default), so a Bundle must be valid FHIR: for example a date-time with a time but no offset is
  quarantined, where the NDJSON fast path passes it on for the site time zone. Whatever the fast
  path rejects is diagnosed with the R4B model too, so a quarantine reason is as precise as the
  model can make it.

A Bundle inside a Bundle (a searchset inside a collection, a Bundle on an NDJSON line) is
unpacked: each resource in it is one record. Entries that carry no resource by design (a
transaction's DELETE, a transaction-response's answers) are skipped with that reason. Folders
(Bulk Data exports, with their empty files and side files) are read by fhir_folder.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from thrombo.domain.records import Provenance
from thrombo.errors import SourceError
from thrombo.io.fhir_elements import (
    JSON,
    Context,
    Skip,
    Unusable,
    patient_id,
    report_times,
)
from thrombo.io.fhir_fast import USED_TYPES, convert
from thrombo.io.raw import SourceRecord

BOM = b"\xef\xbb\xbf"
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
SNIFF_LINES = 20
"""An NDJSON file none of whose first 20 non-blank lines is a JSON object is not NDJSON at all."""


def read_fhir(path: Path, full_validation: bool | None = None) -> Iterator[SourceRecord]:
    """Every source record of a FHIR file or folder. Problems with the source as a whole (missing,
    empty, not JSON) raise `SourceError` now; problems with one record become its quarantine."""
    if path.is_dir():
        from thrombo.io.fhir_folder import read_folder

        return read_folder(path, bool(full_validation))
    if not path.is_file():
        raise SourceError(f"{path}: no such file or folder")
    if path.suffix.lower() in NDJSON_SUFFIXES:
        return read_ndjson(path, bool(full_validation))
    if path.suffix.lower() == ".json":
        return read_bundle(path, full_validation is not False)
    raise SourceError(f"{path}: not a FHIR source (expected .json, .ndjson or a folder of .ndjson)")


# --- Bundle -----------------------------------------------------------------------------------


def read_bundle(path: Path, full_validation: bool = True) -> Iterator[SourceRecord]:
    data = _load_json(path)
    rtype = data.get("resourceType")
    if not isinstance(rtype, str):
        raise SourceError(f"{path}: JSON but not a FHIR resource (no resourceType)")
    if rtype != "Bundle":
        return iter([_entry_record("entry[0]", {"resource": data}, Context(), str(path),
                                   full_validation)])
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise SourceError(f"{path}: Bundle.entry is not a list")
    return bundle_records(entries, "", Context(), str(path), full_validation)


def bundle_records(entries: list[Any], prefix: str, outer: Context, source: str,
                   full_validation: bool) -> Iterator[SourceRecord]:
    """One record per resource of the Bundle's entries, nested Bundles unpacked; references
    resolve within the Bundle, then through `outer` (the rest of the source)."""
    flat = list(flatten(entries, prefix))
    ctx = bundle_context((entry for _, entry in flat), outer)
    return (_entry_record(where, entry, ctx, source, full_validation) for where, entry in flat)


def flatten(entries: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(location, entry) for each entry, the entries of a nested Bundle in its place. A nested
    Bundle with no entries (or a malformed list) stays one entry, accounted for itself."""
    for index, entry in enumerate(entries):
        where = f"{prefix}entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        inner = resource.get("entry") if isinstance(resource, dict) else None
        if _is_bundle(resource) and isinstance(inner, list) and inner:
            yield from flatten(inner, f"{where}.")
        else:
            yield where, entry


def _is_bundle(resource: Any) -> bool:
    return isinstance(resource, dict) and resource.get("resourceType") == "Bundle"


def _load_json(path: Path) -> JSON:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise SourceError(f"{path}: empty file")
    try:
        data = orjson.loads(raw.removeprefix(BOM))
    except orjson.JSONDecodeError as exc:
        raise SourceError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SourceError(f"{path}: JSON but not a FHIR resource (expected an object)")
    return data


def bundle_context(entries: Iterable[Any], outer: Context | None = None) -> Context:
    """Patients, Medications and DiagnosticReport times of a bundle, by fullUrl and Type/id, so
    references resolve (what `outer` already knows stays known)."""
    ctx = Context() if outer is None else replace(
        outer, patients=dict(outer.patients), medications=dict(outer.medications),
        reports=dict(outer.reports))
    aliases: dict[str, str] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        keys = [k for k in (full_url, _type_id(resource)) if k]
        if full_url is not None and len(keys) == 2:
            aliases[full_url] = keys[1]
        add_to_context(ctx, resource, keys, full_url)
    # A report may list its results by fullUrl (urn:uuid): the Observation looks up Type/id.
    for ref, times in list(ctx.reports.items()):
        if ref in aliases:
            ctx.reports.setdefault(aliases[ref], times)
    return ctx


def add_to_context(ctx: Context, resource: JSON, keys: list[str],
                   full_url: str | None = None) -> None:
    """What a resource lets other records resolve: a Patient's id, a Medication, the times a
    DiagnosticReport lends its results."""
    rtype = resource.get("resourceType")
    if rtype == "Patient":
        try:
            pid = patient_id(resource, full_url)
        except Unusable:
            return  # the Patient's own record reports the problem
        ctx.patients.update(dict.fromkeys(keys, pid))
    elif rtype == "Medication":
        ctx.medications.update(dict.fromkeys(keys, resource))
    elif rtype == "DiagnosticReport":
        ctx.reports.update(report_times(resource, full_url))


def _type_id(resource: JSON) -> str | None:
    rid, rtype = resource.get("id"), resource.get("resourceType")
    return f"{rtype}/{rid}" if isinstance(rid, str) and isinstance(rtype, str) else None


def _entry_record(where: str, entry: Any, ctx: Context, source: str,
                  full_validation: bool) -> SourceRecord:
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        return _no_resource(where, entry, source)
    ref = _type_id(resource) or f"{where} {resource.get('resourceType')}"
    if _is_bundle(resource):
        if isinstance(resource.get("entry") or [], list):
            return SourceRecord.skip(Provenance(source, ref), "a nested Bundle with no entries")
        return SourceRecord.bad(Provenance(source, f"{ref} entry"),
                                "a nested Bundle whose entry is not a list")
    if full_validation and resource.get("resourceType") in USED_TYPES:
        problem = model_problem(resource)
        if problem is not None:
            return SourceRecord.bad(Provenance(source, f"{ref} {problem[0]}"), problem[1])
    full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
    try:
        return SourceRecord(Provenance(source, ref), convert(resource, ctx, full_url))
    except Skip as skip:
        return SourceRecord.skip(Provenance(source, ref), skip.reason)
    except Unusable as bad:
        return SourceRecord.bad(Provenance(source, f"{ref} {bad.path}"), bad.reason)


def _no_resource(where: str, entry: Any, source: str) -> SourceRecord:
    """An entry without a resource: a request or response by design (skipped, saying what it
    was), else malformed."""
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    prov = Provenance(source, where)
    if isinstance(request, dict) and isinstance(request.get("method"), str):
        method = str(request["method"]).upper()
        if method == "DELETE":
            return SourceRecord.skip(prov, "transaction DELETE entry: import adds and amends "
                                           "records, it deletes none")
        return SourceRecord.skip(prov, f"transaction {method} entry without a resource")
    if isinstance(response, dict):
        return SourceRecord.skip(prov, "transaction-response entry: the server's answer to a "
                                       "request, no resource")
    return SourceRecord.bad(prov, "entry without a resource")


# --- NDJSON -----------------------------------------------------------------------------------


def read_ndjson(path: Path, full_validation: bool = False,
                ctx: Context | None = None) -> Iterator[SourceRecord]:
    """One record a non-blank line, streamed (memory does not grow with the file). Without a
    context given, the file's own Medications and DiagnosticReports make one."""
    sniff_ndjson(path)
    if ctx is None:
        ctx = Context()
        scan_context(path, ctx)
    return ndjson_records(path, full_validation, ctx)


# Lines that can lend something to others (by a plain byte search first, so that a large file
# of Observations is not parsed twice).
CONTEXT_MARKS = (b"DiagnosticReport", b"Medication")


def scan_context(path: Path, ctx: Context) -> None:
    """Add the file's Medications and DiagnosticReport times to `ctx`."""
    if not _mentions(path, CONTEXT_MARKS):
        return  # a file of Observations alone: one search of the mapped file, no line loop
    for _, line in _lines(path):
        if not any(mark in line for mark in CONTEXT_MARKS):
            continue
        try:
            resource = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # its own record reports it when the file is read
        if isinstance(resource, dict):
            key = _type_id(resource)
            add_to_context(ctx, resource, [key] if key else [])


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, (line.removeprefix(BOM) if number == 1 else line)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc


def _mentions(path: Path, marks: tuple[bytes, ...]) -> bool:
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return False
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return any(mapped.find(mark) != -1 for mark in marks)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc


def sniff_ndjson(path: Path) -> JSON:
    """The first JSON object among the first lines; `SourceError` when there is none."""
    seen = 0
    for _, line in _lines(path):
        if not line.strip():
            continue
        seen += 1
        try:
            first = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(first, dict):
            return first
        if seen >= SNIFF_LINES:
            break
    if seen == 0:
        raise SourceError(f"{path}: empty file")
    raise SourceError(f"{path}: not NDJSON (none of the first {seen} lines is a JSON object)")


def ndjson_records(path: Path, full_validation: bool, ctx: Context) -> Iterator[SourceRecord]:
    source = str(path)
    for number, line in _lines(path):
        if not line.strip():
            continue
        entries = _bundle_entries(line) if b"Bundle" in line else None
        if entries is not None:
            yield from bundle_records(entries, f"line {number} ", ctx, source, full_validation)
        else:
            yield line_record(line, Provenance(source, f"line {number}"), ctx, full_validation)


def _bundle_entries(line: bytes) -> list[Any] | None:
    """The entries of a Bundle written on one NDJSON line (None when the line is no Bundle with
    entries: it is then read as one record)."""
    try:
        resource = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    entries = resource.get("entry") if _is_bundle(resource) else None
    return entries if isinstance(entries, list) and entries else None


def line_record(line: bytes, prov: Provenance, ctx: Context,
                full_validation: bool = False) -> SourceRecord:
    try:
        resource = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return SourceRecord.bad(prov, f"not JSON: {exc}")
    if not isinstance(resource, dict):
        return SourceRecord.bad(prov, "not a FHIR resource: expected a JSON object")
    ref = _type_id(resource) or str(resource.get("resourceType") or "resource")
    if full_validation and resource.get("resourceType") in USED_TYPES:
        problem = model_problem(resource)
        if problem is not None:
            return SourceRecord.bad(prov, f"{ref} {problem[0]}: {problem[1]}")
    try:
        return SourceRecord(prov, convert(resource, ctx))
    except Skip as skip:
        return SourceRecord.skip(prov, skip.reason)
    except Unusable as bad:
        return SourceRecord.bad(prov, f"{ref} {diagnose(resource, bad)}")


# --- full validation --------------------------------------------------------------------------


def model_problem(resource: JSON) -> tuple[str, str] | None:
    """(element path, reason) of the R4B model's first complaint, or None when it is valid."""
    from fhir.resources.R4B import (
        get_fhir_model_class,  # slow to import; only when needed
    )

    try:
        get_fhir_model_class(str(resource["resourceType"])).model_validate(resource)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        path = _element_path(first["loc"])
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        return path, f"invalid FHIR: {message}{more}"
    return None


def _element_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("root", "__root__"):
            path += f".{part}" if path else str(part)
    return path or "resource"


def diagnose(resource: JSON, bad: Unusable) -> str:
    """The fast path's reason, made precise by the R4B model when it also objects."""
    problem = model_problem(resource) if resource.get("resourceType") in USED_TYPES else None
    if problem is None or problem[0] == bad.path:
        return f"{bad.path}: {bad.reason}" + (f" ({problem[1]})" if problem else "")
    return f"{bad.path}: {bad.reason}; {problem[0]}: {problem[1]}"
