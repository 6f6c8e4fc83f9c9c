"""Uploaded sources: a FHIR file, the CSV files of a dataset folder, or a zip of such a folder.

Files are written to a private temporary folder and read with the same `read_sources` the
`thrombo import` command uses. Zip members are checked before extraction: no absolute paths, no
`..`, and a cap on the unpacked size, so an archive cannot write outside the folder or fill the
disk.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from thrombo.errors import SourceError
from thrombo.normalize.quarantine import ImportSummary

MAX_UNPACKED_BYTES = 2 * 1024**3
FHIR_SUFFIXES = (".json", ".ndjson", ".jsonl")


def upload_prefix() -> str:
    """Temporary upload folders carry the server process's id, so that those left by a
    process that was killed can be told apart and removed (`sweep_stale_uploads`)."""
    return f"thrombo-upload-{os.getpid()}-"


_UPLOAD_FOLDER = re.compile(r"thrombo-upload-(\d+)-")


def sweep_stale_uploads(root: Path | None = None) -> int:
    """Remove the upload folders of server processes that no longer run; returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob("thrombo-upload-*"):
        match = _UPLOAD_FOLDER.match(folder.name)
        if match and folder.is_dir() and not _running(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", ".."):
        raise SourceError(f"unusable file name {name!r}")
    return base


def _extract(archive: Path, into: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        total = 0
        for info in zf.infolist():
            member = PurePosixPath(info.filename)
            if member.is_absolute() or ".." in member.parts:
                raise SourceError(f"{archive.name}: unsafe path in archive: {info.filename}")
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise SourceError(
                    f"{archive.name}: unpacks to more than {MAX_UNPACKED_BYTES} bytes"
                )
        zf.extractall(into)


def _dataset_root(folder: Path) -> Path:
    found = sorted(folder.rglob("patients.csv"))
    if not found:
        raise SourceError("the upload holds no patients.csv (a dataset needs one)")
    return found[0].parent


def source_path(folder: Path, names: list[str]) -> Path:
    """The one source the saved files make: a FHIR file, or a dataset folder."""
    if len(names) == 1 and names[0].lower().endswith(FHIR_SUFFIXES):
        return folder / names[0]
    if len(names) == 1 and names[0].lower().endswith(".zip"):
        unpacked = folder / "unpacked"
        unpacked.mkdir()
        _extract(folder / names[0], unpacked)
        if not any(unpacked.rglob("patients.csv")):
            ndjson = sorted(unpacked.rglob("*.ndjson"))
            if ndjson:
                return ndjson[0].parent
        return _dataset_root(unpacked)
    if any(n.lower().endswith(FHIR_SUFFIXES) for n in names):
        raise SourceError("upload one FHIR file at a time, or the CSV files of one dataset")
    return _dataset_root(folder)


def relabel(summary: ImportSummary, folder: Path, label: str) -> None:
    """Name the upload instead of the temporary folder in the summary and quarantine list."""
    prefix = str(folder)

    def fix(text: str) -> str:
        return text.replace(prefix, label)

    for source in summary.sources:
        source.path = fix(source.path)
    summary.quarantine[:] = [replace(q, source=fix(q.source)) for q in summary.quarantine]
    for group in summary.skipped.values():
        group.example = fix(group.example)
