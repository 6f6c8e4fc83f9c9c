"""`thrombo demo [--out DIR] [--seed N] [--patients N]`: the main job on the embedded store."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.demo_paths import DEMO_OUT, DEMO_STORE
from thrombo.cli.output import print_json, progress_enabled, stderr, stdout
from thrombo.demo.run import DEFAULT_PATIENTS, DEFAULT_SEED, DemoResult, run_demo
from thrombo.report.words import cite
from thrombo.simulate.config import STUDY, SimulationConfig

# The seed study's figures are the simulation's default rates (thrombo.simulate.config, where
# each cites the study) and the study's cohort size (thrombo.demo.run).
_STUDY_RATES = SimulationConfig()


@app.command("demo")
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the data, store and report.")
    ] = DEMO_OUT,
    seed: Annotated[int, typer.Option("--seed", help="Simulation seed.")] = DEFAULT_SEED,
    patients: Annotated[
        int, typer.Option("--patients", help="Expected TA-TMA patients in the cohort.")
    ] = DEFAULT_PATIENTS,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Simulate a single-centre cohort, import, screen, plan, assess and write the study report."""
    started = time.perf_counter()
    show = progress_enabled() or not as_json

    def step(text: str) -> None:
        if show:
            stderr.print(f"[{time.perf_counter() - started:5.1f} s] {text}")

    result = run_demo(out, seed, patients, step)
    if as_json:
        print_json(result.to_json())
        return
    _print(result, time.perf_counter() - started)


def _rate(item: object) -> str:
    if not isinstance(item, dict) or item.get("n") in (None, 0):
        return "-"
    k, n = item.get("k"), item["n"]
    text = f"{k}/{n}"
    if item.get("ci_low") is not None:
        text += f" ({100 * item['rate']:.0f}%, 95% CI {100 * item['ci_low']:.0f}-"
        text += f"{100 * item['ci_high']:.0f}%)"
    return text


def _print(result: DemoResult, seconds: float) -> None:
    s = result.summary
    table = Table(title="thrombo demo: simulated single-centre defibrotide cohort")
    table.add_column("measure")
    table.add_column("this run")
    table.add_column("study")
    screening = s["screening"]
    table.add_row("screening sensitivity (simulated truth)", _rate(screening["sensitivity"]), "")
    table.add_row("screening specificity (simulated truth)", _rate(screening["specificity"]), "")
    table.add_row("treated with defibrotide", str(s["n_treated"]), str(DEFAULT_PATIENTS))
    table.add_row("resolution by day 28", _rate(s["resolution_by_day_28"]),
                  f"{_STUDY_RATES.resolution_by_day_28:.0%}")
    survival = s["overall_survival_6_months"] or {}
    estimate = survival.get("estimate")
    table.add_row(
        "6-month overall survival",
        "-"
        if estimate is None
        else (
            f"{100 * estimate:.0f}% (95% CI {100 * survival['ci_low']:.0f}-"
            f"{100 * survival['ci_high']:.0f}%)"
        ),
        f"{_STUDY_RATES.survival_6_months:.0%}",
    )
    table.add_row("organ recovery", _rate(s["organ_recovery"]),
                  f"{_STUDY_RATES.organ_recovery:.0%}")
    table.add_row("major bleeding", _rate(s["major_bleeding"]),
                  "none" if _STUDY_RATES.major_bleeding == 0 else
                  f"{_STUDY_RATES.major_bleeding:.0%}")
    stdout.print(table)
    stdout.print(f"study: {cite(STUDY)}")
    stdout.print(f"report: {result.report_html}")
    # The PDF's note says once what happened: made with which browser, or why not and how to
    # get Chromium.
    stdout.print(f"pdf:    {result.report_pdf} ({result.pdf_note})" if result.report_pdf
                 else f"pdf:    {result.pdf_note}", markup=False, highlight=False)
    stdout.print(f"step outputs: {', '.join(result.steps.values())}")
    dashboard = "" if result.out == DEMO_OUT else f" --db sqlite:///{result.out / DEMO_STORE.name}"
    stdout.print(f"dashboard: thrombo serve --dev{dashboard} (the same children as the report)")
    stdout.print(f"finished in {seconds:.1f} s")
