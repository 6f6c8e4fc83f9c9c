"""The choices every bulk screening entry point takes (dataset folder, OMOP CDM, the choice of
path in `screen`), in one object, so that a new choice is added once and not to each signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

# DuckDB's share of a 1.5 GB peak: the Python side (patients, events, results) takes ~250 MB
# more; measured at 10 M rows, 1.30 GB peak RSS with "1GB", 1.74 GB with "1500MB", same time
# within noise. [Design]
DUCKDB_MEMORY_LIMIT = "1GB"
# Rows screened per patient-id range: memory is bounded by the range. [Design]
ROWS_PER_RANGE = 5_000_000


@dataclass(frozen=True, slots=True)
class BulkOptions:
    """How one source is screened in bulk."""

    as_of: date
    """The day the criteria are judged on (and the import day of the date checks)."""
    tz: str = "UTC"
    """The site's time zone: times written without an offset are read in it."""
    lab_ranges: Path | None = None
    """A site lab-ranges file (normalize.labranges); None: the source's own, if any."""
    rows_per_range: int = ROWS_PER_RANGE
    memory_limit: str = DUCKDB_MEMORY_LIMIT
