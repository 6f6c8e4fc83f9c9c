"""`thrombo itp SOURCE [--as-of DATE] [--json]`: ITP phase, severity and refractoriness."""

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
from thrombo.response.itp_courses import DEFAULT_DEPENDENCE_RULE
from thrombo.rules.itp.refractory import DEFAULT_DEFINITION
from thrombo.services.itp import ItpRequest, itp_many
from thrombo.services.sources import SourceRequest, load_patients

DependenceOpt = Annotated[str, typer.Option(
    "--steroid-dependence",
    help="Which corticosteroid courses IWG 2009 dependence turns into NR: "
         "'pulses-judged-by-response' (default: planned monthly dexamethasone pulses, the seed "
         "002 regimen, are judged by their platelet response) or 'iwg-2009' (any repeated "
         "corticosteroids for >= 2 months).")]


ITP_COLUMNS = (Column("patient", whole=True), Column("phase", keep=6),
               Column("months", keep=3), Column("severe", keep=5),
               Column("refractory (default)", keep=7), Column("iwg-2009", keep=2),
               Column("practical-002", keep=1), Column("failed classes", keep=4))
ITP_LEGEND = (
    "unknown: the record cannot decide it (ungraded treated bleeding; too few counts to show "
    "persistence). refractory (default): under the {definition} definition; each named "
    "definition has its own column.")


@app.command("itp", help=lab_results_help(
    "ITP phase (IWG 2009), severe ITP and refractory ITP under each named definition.",
    more="Severe and refractory are \"unknown\" where the record cannot decide them "
    "(ungraded treated bleeding; too few counts to show persistence)."))
def itp_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    steroid_dependence: DependenceOpt = DEFAULT_DEPENDENCE_RULE,
    patient: PatientFilterOpt = None,
    lab_ranges: LabRangesOpt = None,
) -> None:
    """ITP phase, severity and refractoriness (help: lab_results_help)."""
    request = ItpRequest(parse_as_of(as_of, tz), steroid_dependence)
    request.dependence_rule()  # an unknown rule is refused before the source is read
    loaded = load_patients(SourceRequest(source, tz, source_format, lab_ranges, patient))
    document = {**itp_many(loaded.timelines, request), "input": loaded.input}
    patients, day = document["patients"], request.as_of
    if as_json:
        print_json(document)
        return
    rows = []
    for p in patients:
        by = p["refractory_by_definition"]
        rows.append((p["patient_id"], human(p["phase"], "unknown"),
                     human(p["months_since_diagnosis"], "unknown"),
                     human(p["severe"], "unknown"), human(p["refractory"], "unknown"),
                     human(by["iwg-2009"], "unknown"), human(by["practical-002"], "unknown"),
                     human(list(p["failed_classes"]))))
    print_records(stdout, f"ITP as of {day.isoformat()}", ITP_COLUMNS, rows,
                  notes=[ITP_LEGEND.format(definition=DEFAULT_DEFINITION),
                         *(f"warning: {w}" for w in document["warnings"])])
