"""Open any SOURCE a command names: a dataset folder, a FHIR file or folder, or a store URL.

A folder or file is read into memory for that command and nothing is written; its read summary
(the `import` counts) travels with the timelines. A store URL is read, never written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import SourceError, ThromboUserError
from thrombo.io import csv_columns, csv_dataset
from thrombo.io.raw import SourceRecord
from thrombo.normalize.assemble import Dataset, assemble, build_timelines
from thrombo.normalize.canonical_records import Context
from thrombo.normalize.codemap import CodeMap, codemap_for
from thrombo.normalize.identity import Identities
from thrombo.normalize.labranges import LabRanges, lab_ranges_for
from thrombo.normalize.quarantine import ImportSummary
from thrombo.store.sql import Store, is_store_url

SourceSpec = tuple[str, str, Iterable[SourceRecord], list[str]]


@dataclass
class LoadedSource:
    timelines: list[PatientTimeline]
    summary: ImportSummary | None = None
    """The read summary for a file or folder source; None for a store (already imported)."""
    origin: str = ""
    warnings: list[str] = field(default_factory=list)

    def input_json(self) -> dict[str, object]:
        if self.summary is None:
            return {"store": self.origin}
        return self.summary.to_json()


def timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ThromboUserError(
            f"unknown time zone {name!r} (use an IANA name such as UTC)"
        ) from None


def detect_format(path: Path) -> str:
    if csv_dataset.is_dataset_folder(path):
        return "csv-dataset"
    if path.is_dir() and any(path.glob("*.ndjson")):
        return "fhir-ndjson"
    if path.is_file() and path.suffix == ".ndjson":
        return "fhir-ndjson"
    if path.is_file() and path.suffix == ".json":
        return "fhir-bundle"
    if path.is_dir():
        raise SourceError(f"{path}: neither a dataset folder (patients.csv) nor FHIR NDJSON")
    if is_sqlite_file(path):
        raise SourceError(f"{path}: a thrombo store, not a source to read: name it as a store "
                          f"URL, sqlite:///{path}")
    raise SourceError(f"{path}: unknown source type (expected a folder, .json or .ndjson)")


SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """A SQLite database file, known by the 16-byte header every one begins with."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


LAB_RANGES_HELP = (
    "The site's lab reference ranges (TOML: one table per analyte or code with unit, low, "
    "high, optional sex and age_from/age_to in years); default thrombo-lab-ranges.toml in the "
    "dataset folder. A result's own range wins, then this file, then the published fallback.")


def source_spec(source: str | Path, fmt: str | None = None) -> SourceSpec:
    if fmt == "omop":
        from thrombo.io.omop import read_omop

        # A folder of CDM tables, or a database URL (kept as written: Path() would fold `//`).
        return str(source), fmt, read_omop(str(source)), []
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    fmt = fmt or detect_format(path)
    if fmt == "csv-dataset":
        records = csv_columns.DatasetRecords(path)  # the import reads it in blocks
        return str(path), fmt, records, csv_dataset.ignored_files(path)
    if fmt in ("fhir-ndjson", "fhir-bundle", "fhir"):
        from thrombo.io.fhir import read_fhir
        from thrombo.io.fhir_folder import ignored_files

        return str(path), fmt, read_fhir(path), ignored_files(path)
    raise SourceError(f"unknown source format {fmt!r}")


def plan_sources(
    paths: Iterable[str],
    *,
    tz: str = "UTC",
    fmt: str | None = None,
    codemap: Path | None = None,
    lab_ranges: Path | None = None,
) -> tuple[Iterator[SourceSpec], Context]:
    """The sources to read (opened lazily, one after another) and the normalisation context:
    the code map and the site's lab ranges given, else those in (or beside) the first source."""
    names = list(paths)
    first = Path(names[0]) if names and not is_store_url(names[0]) else Path(".")
    mapping = codemap_for(first, codemap) if first.exists() else CodeMap()
    ranges = lab_ranges_for(first, lab_ranges, mapping) if first.exists() or lab_ranges else (
        LabRanges())
    return (source_spec(p, fmt) for p in names), Context(timezone(tz), mapping, ranges)


def read_sources(
    paths: Iterable[str],
    *,
    tz: str = "UTC",
    fmt: str | None = None,
    codemap: Path | None = None,
    known_patients: frozenset[str] = frozenset(),
    lab_ranges: Path | None = None,
    identities: Identities | None = None,
) -> Dataset:
    """Every record of the sources in memory, accounted (for reading, not for big imports);
    `identities`: the stored patients a record must not contradict (normalize.identity)."""
    specs, ctx = plan_sources(paths, tz=tz, fmt=fmt, codemap=codemap, lab_ranges=lab_ranges)
    return assemble(specs, ctx, known_patients, identities)


def load_source(
    source: str, *, tz: str = "UTC", fmt: str | None = None, codemap: Path | None = None,
    lab_ranges: Path | None = None,
) -> LoadedSource:
    """Timelines for a command: from a store URL, or read from a file or folder in memory."""
    zone = timezone(tz)
    if fmt is None and not is_store_url(source) and is_sqlite_file(Path(source)):
        source = f"sqlite:///{source}"  # a store's file named without the URL scheme
    if is_store_url(source) and fmt != "omop":
        store = Store.open(source, existing=True)
        return LoadedSource(store.timelines(zone), None, source)
    data = read_sources([source], tz=tz, fmt=fmt, codemap=codemap, lab_ranges=lab_ranges)
    for summary, _ in data.accepted:
        summary.stored += 1
    return LoadedSource(build_timelines(data.records(), zone), data.summary, source)
