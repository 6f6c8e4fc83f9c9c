"""Which engine `thrombo screen` uses when none is named: the batch engine for many patients.

Every engine gives the same verdicts (the differential tests in tests/engines and the spec
tests on each engine), but only the reference evaluator gives each verdict's evidence and the
reasons a criterion is indeterminate. So the choice is made only where the output would be
the same on either engine: the table (no `--json`, which prints the evidence), for a dataset
folder (DuckDB reads its files in place) with many patients. Everything else keeps the
reference (a store keeps its stored results, thrombo.services.stored_screening);
`--engine` always wins.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from thrombo.io.csv_dataset import PATIENTS, is_dataset_folder

REFERENCE = "reference"
BATCH = "duckdb"

# From this many patients `thrombo screen` picks DuckDB by itself. [Design] Measured on
# `thrombo simulate --seed 3` folders (about 1,000 observations a patient; CPU time of the
# whole command, 2 shared cores): the reference costs about 1.3 s plus 65 ms a patient, DuckDB
# about 2.7 s plus 7 ms a patient (its start, compiling the criteria, the one check pass over
# the rows), so they break even near 25 patients (10 patients: 2.0 s / 2.9 s; 40: 4.0 / 3.2;
# 100: 7.9 / 3.6; 500: 40 / 5.8). Twice that leaves a margin for patients with fewer results,
# who cost the reference less.
BATCH_FROM_PATIENTS = 50


@dataclass(frozen=True)
class EngineChoice:
    name: str
    automatic: bool = False
    patients: int | None = None

    def describe(self) -> str:
        """The engine as the output names it."""
        if not self.automatic:
            return self.name
        return f"{self.name} (chosen automatically: {self.patients} patients)"


NAMED_REFERENCE = EngineChoice(REFERENCE)


def choose_engine(
    engine: str | None, source: str, source_format: str | None, needs_evidence: bool
) -> EngineChoice:
    """The engine named, else DuckDB for a dataset folder of BATCH_FROM_PATIENTS patients or
    more when the output shows no evidence, else the reference."""
    if engine is not None:
        return EngineChoice(engine)
    if needs_evidence:
        return EngineChoice(REFERENCE)
    patients = folder_patients(Path(source), source_format)
    if patients is None or patients < BATCH_FROM_PATIENTS:
        return EngineChoice(REFERENCE)
    return EngineChoice(BATCH, automatic=True, patients=patients)


def folder_patients(folder: Path, source_format: str | None) -> int | None:
    """The rows of a dataset folder's patients file (cheap: the file is small), or None for a
    source DuckDB does not read in place."""
    if source_format not in (None, "csv-dataset") or not is_dataset_folder(folder):
        return None
    with (folder / PATIENTS).open(encoding="utf-8-sig", newline="") as handle:
        return max(0, sum(1 for row in csv.reader(handle) if row) - 1)
