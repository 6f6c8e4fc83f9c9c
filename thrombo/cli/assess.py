"""`thrombo assess SOURCE [--as-of DATE] [--json]`: response and adverse events per patient."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from thrombo.analytics.assessment import PLATELET_RULES, assessment_document
from thrombo.cli.app import app
from thrombo.cli.options import AsOfOpt, FormatOpt, JsonOpt, SourceArg, TzOpt, parse_as_of
from thrombo.cli.output import print_json, stdout
from thrombo.errors import ThromboUserError
from thrombo.response.tma import TmaOptions
from thrombo.store.sources import load_source


@app.command("assess")
def assess_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    platelet_rule: Annotated[
        str, typer.Option("--tma-platelet-rule", help="absolute-50-transfusion-free-7d "
                          "(default) or rise-50pct-over-nadir.")
    ] = "absolute-50-transfusion-free-7d",
) -> None:
    """TA-TMA resolution or IWG ITP response, with CTCAE v5.0 adverse events, per patient."""
    if platelet_rule not in PLATELET_RULES:
        raise ThromboUserError(f"--tma-platelet-rule must be one of {', '.join(PLATELET_RULES)}")
    options = TmaOptions(platelet_rule=platelet_rule)  # type: ignore[arg-type]
    day = parse_as_of(as_of, tz)
    loaded = load_source(source, tz=tz, fmt=source_format)
    document = {**assessment_document(loaded.timelines, day, options),
                "input": loaded.input_json()}
    if as_json:
        print_json(document)
        return
    patients = document["patients"]
    table = Table(title=f"Response as of {day.isoformat()}")
    for column in ("patient", "condition", "treatment", "start", "response", "date", "AEs"):
        table.add_column(column)
    for p in patients:
        aes = ", ".join(f"{a['term']} G{a['grade']}" for a in p.get("adverse_events", []))
        table.add_row(p["patient_id"], str(p["condition"]), str(p["treatment"]),
                      str(p.get("treatment_start")), p["response"],
                      str(p.get("response_date")), aes)
    stdout.print(table)
    for warning in document["warnings"]:
        stdout.print(f"[yellow]warning:[/yellow] {warning}")
