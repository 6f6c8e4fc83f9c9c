"""Reading a folder of NDJSON files: a FHIR Bulk Data export, as servers really write them.

Each `.ndjson` file is known by its first record, not by its name (servers write `Patient.ndjson`,
`1.Patient.ndjson` or `Patient_000.ndjson`). What is not clinical data is reported, not read as
records, so that it never shows as bad records nor aborts the import of the other files:

- an empty file: zero records, named with a warning (a Bulk export writes one for a type it had
  nothing of; a truncated download looks the same, so the user is told);
- the export's log (`log.ndjson`, JSON lines without a resourceType) and its error file
  (OperationOutcome resources): named with what they hold, as a warning;
- a `.ndjson` file that is not NDJSON: named with a warning, not read;
- files of another kind (`manifest.json`, a README): named as not read.

`ignored_files(folder)` gives these for the import summary (an entry written `name: reason` is
also a warning there); `read_folder` reads the rest, Patient files first, with the Medications and
DiagnosticReports of the whole folder known to every file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from thrombo.errors import SourceError
from thrombo.io.fhir_elements import Context
from thrombo.io.fhir_read import (
    NDJSON_SUFFIXES,
    ndjson_records,
    scan_context,
    sniff_ndjson,
)
from thrombo.io.raw import SourceRecord

LOG_NAMES = ("log",)
"""Stems of a Bulk export's log file (the SMART Bulk Data export log is `log.ndjson`)."""
CONTEXT_TYPES = frozenset({"Medication", "DiagnosticReport"})
"""Resource types read up front: other records refer to them (medicationReference) or take their
time from them (DiagnosticReport.result)."""
DIAGNOSTICS_SHOWN = 120
"""Characters of an OperationOutcome's diagnostics shown in the warning. [Design]: enough to name
the failed type or request, short enough for one line."""


@dataclass(frozen=True, slots=True)
class FolderFile:
    path: Path
    rtype: str | None
    """The resourceType of the file's first record (None: the first object has none)."""


@dataclass(frozen=True, slots=True)
class FolderPlan:
    data: list[FolderFile]
    ignored: list[str]


def plan_folder(folder: Path) -> FolderPlan:
    """The data files to read, in order, and every other file with why it is not read."""
    ndjson = sorted(p for p in folder.iterdir() if p.suffix.lower() in NDJSON_SUFFIXES)
    if not ndjson:
        raise SourceError(f"{folder}: no .ndjson files (a Bulk Data export holds Type.ndjson)")
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and p not in ndjson)
    data: list[FolderFile] = []
    ignored: list[str] = []
    for path in ndjson:
        first, problem = _first_record(path)
        if problem is not None:
            ignored.append(f"{path.name}: {problem}")
        elif first.get("resourceType") == "OperationOutcome":
            ignored.append(f"{path.name}: {_outcome_summary(path)}")
        elif "resourceType" not in first and path.stem.lower() in LOG_NAMES:
            ignored.append(f"{path.name}: the Bulk Data export's log ({_count_lines(path)} "
                           "lines), not clinical records")
        else:
            rtype = first.get("resourceType")
            data.append(FolderFile(path, rtype if isinstance(rtype, str) else None))
    data.sort(key=lambda f: (f.rtype != "Patient", f.path.name))
    return FolderPlan(data, ignored + others)


def ignored_files(path: Path) -> list[str]:
    """Files of a FHIR folder source that are not read, with the reason ([] for a file)."""
    return plan_folder(path).ignored if path.is_dir() else []


def read_folder(folder: Path, full_validation: bool = False) -> Iterator[SourceRecord]:
    plan = plan_folder(folder)
    ctx = Context()
    for file in plan.data:
        if file.rtype in CONTEXT_TYPES:
            scan_context(file.path, ctx)
    return (rec for f in plan.data for rec in ndjson_records(f.path, full_validation, ctx))


def _first_record(path: Path) -> tuple[dict[str, object], str | None]:
    """The first JSON object of the file, or why the file holds none."""
    try:
        return sniff_ndjson(path), None
    except SourceError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        if message == "empty file":
            return {}, "empty, 0 records (the export had none of this type, or the file was cut)"
        return {}, f"{message}; not read"


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _outcome_summary(path: Path) -> str:
    """What the exporting server reported: how many issues, and the first one's words."""
    issues: list[dict[str, object]] = []
    with path.open("rb") as handle:
        for line in handle:
            try:
                outcome = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            found = outcome.get("issue") if isinstance(outcome, dict) else None
            issues.extend(i for i in found or [] if isinstance(i, dict))
    first = issues[0] if issues else {}
    said = first.get("diagnostics") or first.get("code") or "no detail"
    said = str(said)[:DIAGNOSTICS_SHOWN]
    return (f"the exporting server's error report (OperationOutcome, {len(issues)} issue"
            f"{'' if len(issues) == 1 else 's'}; first: {said}): the export may be incomplete")
