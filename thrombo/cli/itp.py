"""`thrombo itp SOURCE [--as-of DATE] [--json]`: ITP phase, severity and refractoriness."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.options import AsOfOpt, FormatOpt, JsonOpt, SourceArg, TzOpt, parse_as_of
from thrombo.cli.output import print_json, stdout
from thrombo.errors import ThromboUserError
from thrombo.response.itp_courses import DEFAULT_DEPENDENCE_RULE, DEPENDENCE_RULES, DependenceRule
from thrombo.response.itp_patient import classify_itp, is_itp_patient
from thrombo.store.sources import load_source

DependenceOpt = Annotated[str, typer.Option(
    "--steroid-dependence",
    help="Which corticosteroid courses IWG 2009 dependence turns into NR: "
         "'pulses-judged-by-response' (default: planned monthly dexamethasone pulses, the seed "
         "002 regimen, are judged by their platelet response) or 'iwg-2009' (any repeated "
         "corticosteroids for >= 2 months).")]


def _dependence_rule(name: str) -> DependenceRule:
    for rule in DEPENDENCE_RULES:
        if rule == name:
            return rule
    raise ThromboUserError(
        f"unknown steroid dependence rule {name!r} (known: {', '.join(DEPENDENCE_RULES)})")


def _yes_no(value: object) -> str:
    return "unknown" if value is None else str(value)


@app.command("itp")
def itp_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    steroid_dependence: DependenceOpt = DEFAULT_DEPENDENCE_RULE,
) -> None:
    """ITP phase (IWG 2009), severe ITP and refractory ITP under each named definition.

    Severe and refractory are "unknown" where the record cannot decide them (ungraded treated
    bleeding; too few counts to show persistence)."""
    day = parse_as_of(as_of, tz)
    rule = _dependence_rule(steroid_dependence)
    loaded = load_source(source, tz=tz, fmt=source_format)
    patients = [
        classify_itp(t, day, dependence_rule=rule).to_json()
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
                      _yes_no(p["severe"]), _yes_no(p["refractory"]), _yes_no(by["iwg-2009"]),
                      _yes_no(by["practical-002"]), ", ".join(p["failed_classes"]))
    stdout.print(table)
    for warning in document["warnings"]:
        stdout.print(f"[yellow]warning:[/yellow] {warning}")
