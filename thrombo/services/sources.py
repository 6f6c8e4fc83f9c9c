"""A SOURCE a command reads (dataset folder, FHIR file or folder, OMOP CDM, store URL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.store.sources import load_source


@dataclass(frozen=True)
class SourceRequest:
    """Where the patients come from, and how to read them (interface.md section 3)."""

    source: str
    tz: str = "UTC"
    fmt: str | None = None
    lab_ranges: Path | None = None
    """The site's lab ranges (`--lab-ranges`); default thrombo-lab-ranges.toml in the folder."""
    patient: str | None = None
    """Only this patient (an unknown id is a user error); None: every patient."""


@dataclass(frozen=True)
class LoadedPatients:
    timelines: list[PatientTimeline]
    input: dict[str, Any]
    """The source's accounting (records read, stored, left out), as `--json`'s "input"."""


class UnknownPatientError(ThromboUserError):
    """The source holds no patient with the requested id."""


def load_patients(request: SourceRequest) -> LoadedPatients:
    loaded = load_source(request.source, tz=request.tz, fmt=request.fmt,
                         lab_ranges=request.lab_ranges)
    if request.lab_ranges is not None and loaded.summary is None:
        raise ThromboUserError("a store keeps the ranges its results were imported with: give "
                               "--lab-ranges to `thrombo import`, or read the files themselves")
    timelines = list(loaded.timelines)
    if request.patient is not None:
        timelines = [t for t in timelines if t.patient_id == request.patient]
        if not timelines:
            raise UnknownPatientError(f"no patient {request.patient!r} in {request.source}")
    return LoadedPatients(timelines, loaded.input_json())
