"""Reading the packaged reference CSVs (see data/SOURCES.md) once per process."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def read_table(filename: str) -> tuple[dict[str, str], ...]:
    """All rows of a packaged CSV under thrombo/physiology/data, as dicts of strings."""
    path = resources.files("thrombo.physiology").joinpath("data", filename)
    text = path.read_text(encoding="utf-8-sig")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))
