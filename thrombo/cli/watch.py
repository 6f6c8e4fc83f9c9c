"""`thrombo watch SOURCE [--as-of DATE] [--patient ID] [--evaluate --truth FILE] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from thrombo.analytics.watch_evaluation import evaluate, read_truth, sweep
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
from thrombo.cli.records import Column, human, print_records, term
from thrombo.errors import ThromboUserError
from thrombo.report.watch_tradeoff import tradeoff_figure
from thrombo.rules.registry import DEFAULT
from thrombo.rules.watch import watch_list
from thrombo.services.sources import SourceRequest, load_patients

EvaluateOpt = Annotated[bool, typer.Option(
    "--evaluate", help="Measure sensitivity, lead time and false alarms against a truth file "
                       "instead of listing patients.")]
TruthOpt = Annotated[Path | None, typer.Option(
    "--truth", help="The truth CSV for --evaluate (patient_id, cohort; default: truth.csv in "
                    "the SOURCE folder, as the simulator writes it).")]
TradeoffOpt = Annotated[Path | None, typer.Option(
    "--tradeoff", help="With --evaluate: also sweep the signal thresholds (x0.5 to x2) and "
                       "write the trade-off figure (false alarms against lead time) as SVG.")]

WATCH_COLUMNS = (Column("patient", whole=True), Column("level", keep=9),
                 Column("since", whole=True), Column("signals", keep=8),
                 Column("criteria met", keep=5), Column("next tests", keep=6),
                 Column("review by", whole=True))
EVALUATION_COLUMNS = (Column("criteria set", whole=True), Column("level", keep=9),
                      Column("sensitivity", keep=8), Column("lead time, days", keep=7),
                      Column("false alarms / 100 patient-weeks", keep=6))
LEGEND = ("watch: one early signal current; alert: two or more ([Design] levels). A diagnosed "
          "patient (default criteria set) has no level: the diagnosis applies. Signals and the "
          "evidence behind them: --json.")


def _since(p: dict[str, Any]) -> str:
    return "; ".join(f"{term(s['signal'])} since {s['since']}" for s in p["signals"])


def print_watch(document: dict[str, Any]) -> None:
    rows = [
        (p["patient_id"], "diagnosed" if p["diagnosed"] else p["level"], human(p["since"], "-"),
         _since(p) or "-", human(p["criteria_met"]) or "-", human(p["next_tests"]) or "-",
         human(p["review_by"], "-"))
        for p in document["patients"]
    ]
    print_records(stdout, f"TA-TMA watch list as of {document['as_of']}", WATCH_COLUMNS, rows,
                  notes=[LEGEND, *(f"warning: {w}" for w in document["warnings"])])


def _lead(lead: dict[str, float | None]) -> str:
    if lead["median"] is None:
        return "-"
    return f"{lead['median']:g} ({lead['q1']:g}-{lead['q3']:g})"


def print_evaluation(document: dict[str, Any]) -> None:
    rows = []
    for result in document["results"]:
        for level, found in result["levels"].items():
            sensitivity = found["sensitivity"]
            rows.append((
                result["criteria"], f"{level} or higher",
                "-" if sensitivity is None else f"{sensitivity:.0%} ({found['warned']}/"
                                                f"{found['diagnosed']})",
                _lead(found["lead_time_days"]),
                human(found["false_alarms_per_100_patient_weeks"], "-"),
            ))
    cohorts = ", ".join(f"{k} {v}" for k, v in document["cohorts"].items())
    notes = [f"patients: {document['patients']} transplant recipients ({cohorts})",
             *(f"{name}: {text}" for name, text in document["definitions"].items()),
             "lead time: median (quartiles)", document["caveat"],
             *([f"trade-off figure: {document['tradeoff']['figure']}"]
               if "tradeoff" in document else []),
             *(f"warning: {w}" for w in document["warnings"])]
    print_records(stdout, "TA-TMA watch list: evaluation against the truth file",
                  EVALUATION_COLUMNS, rows, notes=notes)


def _truth_path(source: str, truth: Path | None) -> Path:
    if truth is not None:
        return truth
    folder = Path(source)
    if folder.is_dir():
        return folder / "truth.csv"
    raise ThromboUserError("--evaluate needs --truth FILE (a CSV with patient_id and cohort)")


@app.command("watch", help=lab_results_help(
    "TA-TMA early warning: the watch list before the criteria are met (levels, signals with "
    "evidence, next tests, review date; --evaluate measures lead time).", engraftment=True,
    more="Each transplant recipient not yet diagnosed gets a level (none, watch, alert), the "
    "signals behind it with their evidence, the tests that would settle the diagnosis and a "
    "review date. With --evaluate: sensitivity, lead time and false alarms per criteria set, "
    "against a truth file, over the records known by --as-of."))
def watch_command(
    source: SourceArg,
    as_of: AsOfOpt = None,
    patient: PatientFilterOpt = None,
    as_json: JsonOpt = False,
    evaluate_: EvaluateOpt = False,
    truth: TruthOpt = None,
    tradeoff: TradeoffOpt = None,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    lab_ranges: LabRangesOpt = None,
) -> None:
    """The TA-TMA watch list (help: lab_results_help)."""
    truth_file = _truth_path(source, truth) if evaluate_ else None
    day = parse_as_of(as_of, tz)
    loaded = load_patients(SourceRequest(source, tz, source_format, lab_ranges, patient))
    if truth_file is not None:
        truth_rows = read_truth(truth_file)
        known = [t.as_of(day) for t in loaded.timelines]  # follow-up ends by as-of
        document = {**evaluate(known, truth_rows), "input": loaded.input}
        if tradeoff is not None:
            points = sweep(known, truth_rows)
            tradeoff.write_text(tradeoff_figure(points, DEFAULT), encoding="utf-8")
            document["tradeoff"] = {"criteria": DEFAULT, "level": "watch", "points": points,
                                    "figure": str(tradeoff)}
        print_json(document) if as_json else print_evaluation(document)
        return
    document = {**watch_list(loaded.timelines, day).to_json(), "input": loaded.input}
    print_json(document) if as_json else print_watch(document)
