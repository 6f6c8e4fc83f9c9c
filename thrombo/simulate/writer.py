"""Stream a simulated cohort to a dataset folder (interface.md section 1) in bounded memory.

Patients are simulated and written in chunks; nothing but one chunk is held at a time. Files:
patients.csv, observations.csv (or observations.parquet), medications.csv, events.csv and
truth.csv. truth.csv is the simulator's ground truth (cohort, TA-TMA onset, outcomes) for tests
and the demo: it is not part of the dataset format and no reader uses it; readers ignore files
they do not know.

The parquet form of observations keeps the CSV's columns and text values (value may be
`present`/`absent`), with ref_low/ref_high as nullable doubles, so one parser serves both.

FHIR output (Bulk Data NDJSON, one `Type.ndjson` per resource type) goes through the project's
own path: the cohort is written as a CSV dataset to a staging folder, read and normalised like any
source, and written by the FHIR writer (`thrombo.io.fhir`), so the FHIR a user gets is exactly
what thrombo itself would read.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from thrombo.errors import ThromboUserError
from thrombo.io.csv_dataset import EVENT_COLUMNS, MEDICATION_COLUMNS, OBSERVATION_COLUMNS
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.hsct import simulate_hsct_patient
from thrombo.simulate.itp import simulate_itp_patient
from thrombo.simulate.rows import PATIENT_COLUMNS, TRUTH_COLUMNS, Row, SimulatedPatient

Format = Literal["csv", "parquet", "fhir"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "fhir")
CHUNK_PATIENTS = 250
"""About 250,000 observation rows held at a time (a few hundred MB of Python rows)."""

OBSERVATION_SCHEMA = pa.schema(
    [(name, pa.string()) for name in OBSERVATION_COLUMNS[:5]]
    + [("ref_low", pa.float64()), ("ref_high", pa.float64())]
)


@dataclass(frozen=True, slots=True)
class WrittenDataset:
    """What was written where: counts per file and the cohort mix."""

    out: Path
    format: str
    patients: int
    observations: int
    medications: int
    events: int
    cohorts: dict[str, int]
    files: tuple[str, ...]


def iter_patients(config: SimulationConfig) -> Iterator[SimulatedPatient]:
    """Transplant recipients first, then the ITP cohort, each in index order."""
    for index in range(config.patients):
        yield simulate_hsct_patient(config, index)
    for index in range(config.itp_patients):
        yield simulate_itp_patient(config, index)


def _chunks(config: SimulationConfig, size: int) -> Iterator[list[SimulatedPatient]]:
    chunk: list[SimulatedPatient] = []
    for patient in iter_patients(config):
        chunk.append(patient)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _open_csv(stack: ExitStack, path: Path, header: Row) -> Any:
    handle: TextIO = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    return writer


def _parquet_table(rows: list[Row]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(OBSERVATION_COLUMNS)
    arrays: list[pa.Array] = [
        pa.array([value or None for value in column], pa.string()) for column in columns[:5]
    ]
    arrays += [
        pa.array([float(value) if value else None for value in column], pa.float64())
        for column in columns[5:]
    ]
    return pa.Table.from_arrays(arrays, schema=OBSERVATION_SCHEMA)


def write_dataset(
    config: SimulationConfig,
    out: Path,
    fmt: str = "csv",
    chunk_patients: int = CHUNK_PATIENTS,
) -> WrittenDataset:
    """Simulate `config` and write the dataset folder `out` (created if missing)."""
    if fmt not in FORMATS:
        raise ThromboUserError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "fhir":
        return _write_fhir(config, out, chunk_patients)
    if out.exists() and not out.is_dir():
        raise ThromboUserError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    counts = {"patients": 0, "observations": 0, "medications": 0, "events": 0}
    cohorts: dict[str, int] = {}
    observation_file = "observations.parquet" if fmt == "parquet" else "observations.csv"
    with ExitStack() as stack:
        patients = _open_csv(stack, out / "patients.csv", PATIENT_COLUMNS)
        medications = _open_csv(stack, out / "medications.csv", MEDICATION_COLUMNS)
        events = _open_csv(stack, out / "events.csv", EVENT_COLUMNS)
        truth = _open_csv(stack, out / "truth.csv", TRUTH_COLUMNS)
        write_observations = _observation_sink(stack, out / observation_file, fmt)
        for chunk in _chunks(config, chunk_patients):
            observation_rows: list[Row] = []
            for patient in chunk:
                patients.writerow(patient.patient)
                medications.writerows(patient.medications)
                events.writerows(patient.events)
                truth.writerow(patient.truth_row())
                observation_rows.extend(patient.observations)
                counts["medications"] += len(patient.medications)
                counts["events"] += len(patient.events)
                cohort = patient.truth["cohort"]
                cohorts[cohort] = cohorts.get(cohort, 0) + 1
            write_observations(observation_rows)
            counts["patients"] += len(chunk)
            counts["observations"] += len(observation_rows)
    files = ("patients.csv", observation_file, "medications.csv", "events.csv", "truth.csv")
    return WrittenDataset(
        out=out, format=fmt, cohorts=dict(sorted(cohorts.items())), files=files, **counts
    )


def _observation_sink(stack: ExitStack, path: Path, fmt: str) -> Callable[[list[Row]], None]:
    if fmt == "parquet":
        writer = stack.enter_context(pq.ParquetWriter(path, OBSERVATION_SCHEMA))

        def write_parquet(rows: list[Row]) -> None:
            writer.write_table(_parquet_table(rows))

        return write_parquet
    csv_writer = _open_csv(stack, path, OBSERVATION_COLUMNS)

    def write_csv(rows: list[Row]) -> None:
        csv_writer.writerows(rows)

    return write_csv


def _write_fhir(config: SimulationConfig, out: Path, chunk_patients: int) -> WrittenDataset:
    """Simulate to CSV in a staging folder, read it back, write FHIR NDJSON and truth.csv."""
    import shutil
    import tempfile
    from zoneinfo import ZoneInfo

    from thrombo.io.csv_dataset import read_dataset
    from thrombo.io.fhir import write_fhir_ndjson
    from thrombo.normalize.assemble import assemble, build_timelines
    from thrombo.normalize.canonical_records import Context
    from thrombo.normalize.codemap import CodeMap
    from thrombo.normalize.concepts import fhir_vocabulary

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as staging_dir:
        staging = Path(staging_dir)
        written = write_dataset(config, staging, "csv", chunk_patients)
        data = assemble(
            [(str(staging), "csv-dataset", read_dataset(staging), [])],
            Context(ZoneInfo("UTC"), CodeMap()),
        )
        if data.summary.quarantine:
            first = data.summary.quarantine[0]
            raise AssertionError(f"simulated data failed normalisation: {first}")
        timelines = build_timelines(data.records(), ZoneInfo("UTC"))
        write_fhir_ndjson(
            out,
            (t.patient for t in timelines),
            (o for t in timelines for o in t.observations),
            (m for t in timelines for m in t.medications),
            (e for t in timelines for e in t.events),
            vocabulary=fhir_vocabulary(),
        )
        shutil.copyfile(staging / "truth.csv", out / "truth.csv")
    files = tuple(sorted(p.name for p in out.iterdir() if p.is_file()))
    return WrittenDataset(
        out=out,
        format="fhir",
        patients=written.patients,
        observations=written.observations,
        medications=written.medications,
        events=written.events,
        cohorts=written.cohorts,
        files=files,
    )
