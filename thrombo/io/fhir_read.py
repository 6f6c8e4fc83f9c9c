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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from thrombo.domain.records import Provenance
from thrombo.errors import SourceError
from thrombo.io.fhir_elements import JSON, Context, Skip, Unusable, patient_id
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
        return _read_folder(path, bool(full_validation))
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
        return iter([_entry_record(0, {"resource": data}, Context(), str(path), full_validation)])
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise SourceError(f"{path}: Bundle.entry is not a list")
    ctx = bundle_context(entries)
    return (_entry_record(i, e, ctx, str(path), full_validation) for i, e in enumerate(entries))


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


def bundle_context(entries: Iterable[Any]) -> Context:
    """Patients and Medications of a bundle, by fullUrl and Type/id, so references resolve."""
    ctx = Context()
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        keys = [k for k in (full_url, _type_id(resource)) if k]
        if resource.get("resourceType") == "Patient":
            try:
                pid = patient_id(resource, full_url)
            except Unusable:
                continue  # the Patient's own record reports the problem
            ctx.patients.update(dict.fromkeys(keys, pid))
        elif resource.get("resourceType") == "Medication":
            ctx.medications.update(dict.fromkeys(keys, resource))
    return ctx


def _type_id(resource: JSON) -> str | None:
    rid, rtype = resource.get("id"), resource.get("resourceType")
    return f"{rtype}/{rid}" if isinstance(rid, str) and isinstance(rtype, str) else None


def _entry_record(index: int, entry: Any, ctx: Context, source: str,
                  full_validation: bool) -> SourceRecord:
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        return SourceRecord.bad(Provenance(source, f"entry[{index}]"), "entry without a resource")
    ref = _type_id(resource) or f"entry[{index}] {resource.get('resourceType')}"
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


# --- NDJSON -----------------------------------------------------------------------------------


def read_ndjson(path: Path, full_validation: bool = False,
                ctx: Context | None = None) -> Iterator[SourceRecord]:
    """One record a non-blank line, streamed (memory does not grow with the file)."""
    _sniff_ndjson(path)
    return _ndjson_records(path, full_validation, ctx or Context())


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, (line.removeprefix(BOM) if number == 1 else line)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc


def _sniff_ndjson(path: Path) -> None:
    seen = 0
    for _, line in _lines(path):
        if not line.strip():
            continue
        seen += 1
        try:
            if isinstance(orjson.loads(line), dict):
                return
        except orjson.JSONDecodeError:
            pass
        if seen >= SNIFF_LINES:
            break
    if seen == 0:
        raise SourceError(f"{path}: empty file")
    raise SourceError(f"{path}: not NDJSON (none of the first {seen} lines is a JSON object)")


def _ndjson_records(path: Path, full_validation: bool, ctx: Context) -> Iterator[SourceRecord]:
    source = str(path)
    for number, line in _lines(path):
        if line.strip():
            yield line_record(line, Provenance(source, f"line {number}"), ctx, full_validation)


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


# --- folder -----------------------------------------------------------------------------------


def _read_folder(folder: Path, full_validation: bool) -> Iterator[SourceRecord]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in NDJSON_SUFFIXES)
    if not files:
        raise SourceError(f"{folder}: no .ndjson files (a Bulk Data export holds Type.ndjson)")
    # Patients first; Medication resources are read up front so references to them resolve.
    files.sort(key=lambda p: (not p.name.startswith("Patient"), p.name))
    ctx = Context()
    for medication_file in (p for p in files if p.name.startswith("Medication.")):
        _sniff_ndjson(medication_file)
        ctx.medications.update(_medications(medication_file))
    for file in files:
        _sniff_ndjson(file)
    return (rec for file in files for rec in _ndjson_records(file, full_validation, ctx))


def _medications(path: Path) -> dict[str, JSON]:
    found: dict[str, JSON] = {}
    for _, line in _lines(path):
        try:
            resource = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # its own record reports it when the file is read
        key = _type_id(resource) if isinstance(resource, dict) else None
        if key is not None:
            found[key] = resource
    return found


# --- full validation --------------------------------------------------------------------------


def model_problem(resource: JSON) -> tuple[str, str] | None:
    """(element path, reason) of the R4B model's first complaint, or None when it is valid."""
    from fhir.resources.R4B import get_fhir_model_class  # slow to import; only when needed

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
