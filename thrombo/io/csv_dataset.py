"""Reader for the CSV dataset folder of interface.md section 1.

Each data row becomes one `SourceRecord` carrying one raw item, or a quarantine reason when the row
itself is malformed (wrong number of fields, a required column empty). Values stay text: parsing
numbers, dates and units is normalisation's job, so that every refusal has one place and one
wording. Line numbers are counted as an editor counts them (the header is line 1).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from thrombo.domain.records import Provenance
from thrombo.errors import SourceError
from thrombo.io.raw import (
    RawEvent,
    RawItem,
    RawMedication,
    RawObservation,
    RawPatient,
    SourceRecord,
)

PATIENTS = "patients.csv"
OBSERVATIONS = "observations.csv"
OBSERVATIONS_PARQUET = "observations.parquet"
MEDICATIONS = "medications.csv"
EVENTS = "events.csv"
Builder = Callable[[dict[str, str]], RawItem]
DATASET_FILES = (PATIENTS, OBSERVATIONS, OBSERVATIONS_PARQUET, MEDICATIONS, EVENTS)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    PATIENTS: ("patient_id", "birth_date"),
    OBSERVATIONS: ("patient_id", "time", "code", "value"),
    MEDICATIONS: ("patient_id", "drug", "start"),
    EVENTS: ("patient_id", "time", "event"),
}
# Columns that must be non-empty in every row (unit is required only for quantities, which
# normalisation decides once it knows the analyte).
REQUIRED_VALUES = REQUIRED_COLUMNS


def is_dataset_folder(path: Path) -> bool:
    return path.is_dir() and (path / PATIENTS).is_file()


# Read by other layers (the local code map), so not reported as ignored.
COMPANION_FILES = ("thrombo-codemap.toml", "thrombo-lab-ranges.toml")


def ignored_files(folder: Path) -> list[str]:
    """Files in the folder that are not part of the dataset format (reported, not read)."""
    known = (*DATASET_FILES, *COMPANION_FILES)
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in known)


def read_dataset(folder: Path) -> Iterator[SourceRecord]:
    """Every record of every dataset file, patients first."""
    for _, records in dataset_files(folder):
        yield from records


def dataset_files(folder: Path) -> Iterator[tuple[Path, Iterator[SourceRecord]]]:
    """Each dataset file of the folder with its records (read as they are iterated), in
    read_dataset's order."""
    if not folder.is_dir():
        raise SourceError(f"{folder}: not a folder")
    if not (folder / PATIENTS).is_file():
        raise SourceError(f"{folder}: no {PATIENTS} (the one required file of a dataset folder)")
    yield folder / PATIENTS, read_file(folder / PATIENTS)
    if (folder / OBSERVATIONS).is_file():
        yield folder / OBSERVATIONS, read_file(folder / OBSERVATIONS)
    elif (folder / OBSERVATIONS_PARQUET).is_file():
        yield folder / OBSERVATIONS_PARQUET, read_file(folder / OBSERVATIONS_PARQUET)
    for name in (MEDICATIONS, EVENTS):
        if (folder / name).is_file():
            yield folder / name, read_file(folder / name)


def read_file(path: Path) -> Iterator[SourceRecord]:
    """Every record of one dataset file (named as in DATASET_FILES), as read_dataset reads it:
    for callers that read some files of a folder another way (the direct DuckDB screen reads
    the observations in place and only the small files through here)."""
    if path.name == OBSERVATIONS_PARQUET:
        return _read_parquet(path)
    if path.name not in _BUILDERS:
        raise SourceError(f"{path}: not a dataset file (expected one of "
                          f"{', '.join(DATASET_FILES)})")
    return _read_csv(path, _BUILDERS[path.name])


def _text(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from handle
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc


def _read_csv(path: Path, build: Builder) -> Iterator[SourceRecord]:
    reader = csv.reader(_text(path))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SourceError(f"{path}: empty file (a header row is required)") from None
    except csv.Error as exc:
        raise SourceError(f"{path}: not a CSV file ({exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS[path.name] if c not in header]
    if missing:
        raise SourceError(f"{path}: missing required column(s) {', '.join(missing)}")
    yield from csv_records(reader, str(path), _row_reader(path.name, header, build), 0)


def csv_records(reader: Any, source: str,
                record: Callable[[list[str], Provenance], SourceRecord],
                base: int) -> Iterator[SourceRecord]:
    """The records of a csv reader's rows; a row's line is `base` plus the reader's count of
    lines read before it, plus one (a reader started after the header: base 0)."""
    line = base + reader.line_num + 1
    while True:
        try:
            for row in reader:
                prov = Provenance(source, f"line {line}")
                line = base + reader.line_num + 1
                if not "".join(row).strip():
                    continue  # a blank line (every cell empty or spaces) is not a record
                yield record(row, prov)
            return
        except csv.Error as exc:
            yield SourceRecord.bad(Provenance(source, f"line {line}"), f"malformed CSV: {exc}")
            line = base + reader.line_num + 1


def row_reader(name: str, header: list[str]) -> Callable[[list[str], Provenance], SourceRecord]:
    """How the rows of the dataset file `name` become records under this header."""
    return _row_reader(name, header, _BUILDERS[name])


def _row_reader(
    name: str, header: list[str], build: Builder
) -> Callable[[list[str], Provenance], SourceRecord]:
    """How the file's rows become records: `_row_record` with this header, or for the
    observations file the same record built by column position (the common file of a
    dataset, millions of rows: no dictionary per row)."""
    if name != OBSERVATIONS:
        return lambda row, prov: _row_record(name, header, row, prov, build)
    return ObservationRows(header)


class ObservationRows:
    """`_row_record(OBSERVATIONS, header, row, prov, _observation)`, by column position. A
    column named twice is read from its last place, as the row's dictionary there reads it."""

    def __init__(self, header: list[str]) -> None:
        place = {h: i for i, h in enumerate(header)}  # the last place of each name
        self.width = len(header)
        self.header = header
        absent = len(header)  # an optional column not in the file reads as an empty cell
        self.places = (*(place[c] for c in REQUIRED_VALUES[OBSERVATIONS]),
                       *(place.get(c, absent) for c in OBSERVATION_COLUMNS[4:]))
        """Where each of OBSERVATION_COLUMNS is read (`absent`: the empty cell at the end)."""
        self.cells = itemgetter(*self.places)
        self.extra = [(h, i) for h, i in place.items() if h not in OBSERVATION_COLUMNS]

    def __call__(self, row: list[str], prov: Provenance) -> SourceRecord:
        if len(row) != self.width:
            return _row_record(OBSERVATIONS, self.header, row, prov, _observation)
        cells = list(map(str.strip, row))
        cells.append("")
        pid, time, code, value, unit, low, high = self.cells(cells)
        if not (pid and time and code and value):
            return _row_record(OBSERVATIONS, self.header, row, prov, _observation)
        extra = {h: cells[i] for h, i in self.extra if cells[i]} if self.extra else {}
        return SourceRecord(prov, (RawObservation(pid, time, code, value, unit or None,
                                                  low or None, high or None, extra=extra),))


def _row_record(
    name: str, header: list[str], row: list[str], prov: Provenance, build: Builder
) -> SourceRecord:
    if len(row) != len(header):
        return SourceRecord.bad(prov, f"{len(row)} fields where the header has {len(header)}")
    values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
    empty = [c for c in REQUIRED_VALUES[name] if not values.get(c)]
    if empty:
        return SourceRecord.bad(prov, f"required value missing: {', '.join(empty)}")
    return SourceRecord(prov, (build(values),))


def _opt(values: dict[str, str], key: str) -> str | None:
    return values.get(key) or None


def _patient(values: dict[str, str]) -> RawPatient:
    return RawPatient(patient_id=values["patient_id"], fields=values)


OBSERVATION_COLUMNS = ("patient_id", "time", "code", "value", "unit", "ref_low", "ref_high")
MEDICATION_COLUMNS = (
    "patient_id", "drug", "start", "end", "dose", "dose_unit", "route", "intent",
)
EVENT_COLUMNS = ("patient_id", "time", "event", "grade", "note")


def _extra(values: dict[str, str], known: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k not in known and v}


def _fields(values: dict[str, str], name: str, columns: tuple[str, ...]) -> dict[str, Any]:
    """A row's cells as the raw record's fields (each defined column is the field of its name):
    required columns as written (never empty here, _row_record refused that), optional ones
    None when empty, and every other non-empty column kept in `extra`."""
    required = REQUIRED_COLUMNS[name]
    fields: dict[str, Any] = {c: values[c] if c in required else _opt(values, c) for c in columns}
    return {**fields, "extra": _extra(values, columns)}


def _observation(values: dict[str, str]) -> RawObservation:
    return RawObservation(**_fields(values, OBSERVATIONS, OBSERVATION_COLUMNS))


def _medication(values: dict[str, str]) -> RawMedication:
    return RawMedication(**_fields(values, MEDICATIONS, MEDICATION_COLUMNS))


def _event(values: dict[str, str]) -> RawEvent:
    return RawEvent(**_fields(values, EVENTS, EVENT_COLUMNS))


_BUILDERS: dict[str, Builder] = {
    PATIENTS: _patient, OBSERVATIONS: _observation, MEDICATIONS: _medication, EVENTS: _event,
}


def _read_parquet(path: Path) -> Iterator[SourceRecord]:
    """observations.parquet: same columns; a row's location is its 1-based row number."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise SourceError(f"{path}: not a readable Parquet file ({exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS[OBSERVATIONS] if c not in table.schema_arrow.names]
    if missing:
        raise SourceError(f"{path}: missing required column(s) {', '.join(missing)}")
    row_number = 0
    for batch in table.iter_batches(batch_size=65536):
        for raw in batch.to_pylist():
            row_number += 1
            values = {k: "" if v is None else str(v) for k, v in raw.items()}
            yield _row_record(
                OBSERVATIONS,
                list(values),
                list(values.values()),
                Provenance(str(path), f"row {row_number}"),
                _observation,
            )
