"""Write canonical records back out as a CSV dataset folder (interface.md section 1).

The folder is written under a temporary name and renamed when complete, so a crash never
leaves a half-written dataset behind. Values are written in their canonical units.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from thrombo.domain.records import PATIENT_DATE_FIELDS, Event, Medication, Observation, Patient
from thrombo.io.csv_dataset import EVENT_COLUMNS, MEDICATION_COLUMNS, OBSERVATION_COLUMNS

# The columns of interface.md section 1: the patient's dates from the one list of them (hsct_type
# written beside hsct_date), the other files' columns as the reader defines them.
PATIENT_COLUMNS = ("patient_id", "birth_date", "sex", "center", PATIENT_DATE_FIELDS[0],
                   "hsct_type", *PATIENT_DATE_FIELDS[1:])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)


def _patient_row(p: Patient) -> list[str]:
    return [_text(getattr(p, column)) for column in PATIENT_COLUMNS]


def _observation_row(o: Observation) -> list[str]:
    value = o.category if o.quantity is None else o.quantity.value
    if o.quantity is not None and o.quantity.comparator is not None:
        value = f"{o.quantity.comparator}{_text(o.quantity.value)}"  # a bound stays a bound
    unit = "" if o.quantity is None else o.quantity.unit
    return [_text(v) for v in (o.patient_id, o.time, o.analyte, value, unit, o.ref_low, o.ref_high)]


def _medication_row(m: Medication) -> list[str]:
    return [
        _text(v)
        for v in (
            m.patient_id,
            m.drug,
            m.start,
            m.end,
            m.dose.value if m.dose else None,
            m.dose.unit if m.dose else None,
            m.route,
            m.intent,
        )
    ]


def _event_row(e: Event) -> list[str]:
    return [_text(v) for v in (e.patient_id, e.time, e.event, e.grade, e.note)]


def write_dataset(
    folder: Path,
    patients: Iterable[Patient],
    observations: Iterable[Observation],
    medications: Iterable[Medication],
    events: Iterable[Event],
) -> Path:
    partial = folder.with_name(folder.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    tables: tuple[tuple[str, tuple[str, ...], Iterable[list[str]]], ...] = (
        ("patients.csv", PATIENT_COLUMNS, map(_patient_row, patients)),
        ("observations.csv", OBSERVATION_COLUMNS, map(_observation_row, observations)),
        ("medications.csv", MEDICATION_COLUMNS, map(_medication_row, medications)),
        ("events.csv", EVENT_COLUMNS, map(_event_row, events)),
    )
    for name, columns, rows in tables:
        with (partial / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(partial, folder)
    return folder
