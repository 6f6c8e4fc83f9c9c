"""Options and argument parsing shared by the commands that read a SOURCE.

One definition of `--as-of`, `--json`, `--timezone` and `--format` keeps their spelling, help
and parsing the same on every command (interface.md section 3).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from thrombo.errors import ThromboUserError
from thrombo.store.sources import LAB_RANGES_HELP, timezone

SourceArg = Annotated[str, typer.Argument(help="Dataset folder, FHIR file or folder, store URL.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Use what was known by the end of this day.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
TzOpt = Annotated[
    str, typer.Option("--timezone", help="Site time zone for times without an offset.")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="csv-dataset, fhir-bundle, fhir-ndjson or omop.")
]

LabRangesOpt = Annotated[Path | None, typer.Option("--lab-ranges", help=LAB_RANGES_HELP)]

PatientFilterOpt = Annotated[
    str | None, typer.Option("--patient", help="Only this patient_id (default: every patient).")
]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str, option: str = "--as-of") -> date:
    """A calendar day written YYYY-MM-DD (not the other ISO 8601 spellings Python accepts)."""
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ThromboUserError(f"{option} must be a date YYYY-MM-DD, got {text!r}")


def parse_as_of(text: str | None, zone_name: str) -> date:
    """--as-of as a date; today in the site time zone when not given."""
    if text is None:
        return datetime.now(timezone(zone_name)).date()
    return parse_day(text)
