"""`thrombo itp SOURCE [--as-of DATE] [--json]`: ITP phase, severity and refractoriness."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.options import AsOfOpt, FormatOpt, JsonOpt, SourceArg, TzOpt, parse_as_of
from thrombo.cli.output import print_json, stdout
from thrombo.response.itp_patient import classify_itp, is_itp_patient
from thrombo.store.sources import load_source


@app.command("itp")
def itp_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
) -> None:
    """ITP phase (IWG 2009), severe ITP and refractory ITP under each named definition."""
    day = parse_as_of(as_of, tz)
    loaded = load_source(source, tz=tz, fmt=source_format)
    patients = [
        classify_itp(t, day).to_json()
        for t in loaded.timelines
        if is_itp_patient(t)
    ]
    document: dict[str, Any] = {
        "as_of": day.isoformat(), "patients": patients,
        "warnings": sorted({w for p in patients for w in p["warnings"]}),
        "input": loaded.input_json()}
    if as_json:
        print_json(document)
        return
    table = Table(title=f"ITP as of {day.isoformat()}")
    for column in ("patient", "phase", "months", "severe", "refractory (default)",
                   "iwg-2009", "practical-002", "failed classes"):
        table.add_column(column)
    for p in patients:
        by = p["refractory_by_definition"]
        table.add_row(p["patient_id"], str(p["phase"]), str(p["months_since_diagnosis"]),
                      str(p["severe"]), str(p["refractory"]), str(by["iwg-2009"]),
                      str(by["practical-002"]), ", ".join(p["failed_classes"]))
    stdout.print(table)
    for warning in document["warnings"]:
        stdout.print(f"[yellow]warning:[/yellow] {warning}")
