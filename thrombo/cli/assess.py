"""`thrombo assess SOURCE [--as-of DATE] [--json]`: response and adverse events per patient."""

from __future__ import annotations

from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.lab_help import lab_results_help
from thrombo.cli.options import (
    AsOfOpt,
    FormatOpt,
    JsonOpt,
    LabRangesOpt,
    PatientFilterOpt,
    SourceArg,
    TzOpt,
    parse_as_of,
)
from thrombo.cli.output import print_json, stdout
from thrombo.cli.records import Column, human, print_records
from thrombo.services.assess import DEFAULT_PLATELET_RULE, AssessRequest, assess_many
from thrombo.services.sources import SourceRequest, load_patients


@app.command("assess", help=lab_results_help(
    "TA-TMA resolution or IWG ITP response, with CTCAE v5.0 adverse events, per patient."))
def assess_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    platelet_rule: Annotated[
        str, typer.Option("--tma-platelet-rule", help="absolute-50-transfusion-free-7d "
                          "(default) or rise-50pct-over-nadir.")
    ] = DEFAULT_PLATELET_RULE,
    patient: PatientFilterOpt = None,
    lab_ranges: LabRangesOpt = None,
) -> None:
    """Response and adverse events per patient (help: lab_results_help)."""
    request = AssessRequest(parse_as_of(as_of, tz), platelet_rule)
    request.options()  # an unknown rule is refused before the source is read
    loaded = load_patients(SourceRequest(source, tz, source_format, lab_ranges, patient))
    document = {**assess_many(loaded.timelines, request), "input": loaded.input}
    day = request.as_of
    if as_json:
        print_json(document)
        return
    rows = [
        (p["patient_id"], human(p["condition"], "none"), human(p["treatment"], "none"),
         p.get("treatment_start") or "", human(p["response"]), p.get("response_date") or "",
         ", ".join(f"{human(a['term'])} G{a['grade']}" for a in p.get("adverse_events", [])))
        for p in document["patients"]
    ]
    print_records(stdout, f"Response as of {day.isoformat()}", ASSESS_COLUMNS, rows,
                  notes=[ASSESS_LEGEND, *(f"warning: {w}" for w in document["warnings"])])


ASSESS_COLUMNS = (Column("patient", whole=True), Column("condition", keep=1),
                  Column("treatment", keep=4), Column("start", whole=True),
                  Column("response", keep=9), Column("date", whole=True),
                  Column("adverse events (CTCAE grade)", keep=3))
ASSESS_LEGEND = (
    "TA-TMA response: resolved or not-resolved by day 28 of treatment; date: the day resolution "
    "was confirmed (it can fall after day 28 for a not-resolved course). ITP response: IWG 2009 "
    "(CR, R, NR), date: the first day it was met."
)
