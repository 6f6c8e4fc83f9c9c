"""`thrombo design simon`: Simon two-stage designs (interface.md, "design simon --json")."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from thrombo.analytics.design import DEFAULT_MAX_PATIENTS, simon_two_stage
from thrombo.analytics.proportions import single_stage_sample_size
from thrombo.analytics.statistical_results import SimonDesign, SimonDesigns, SingleStageDesign
from thrombo.cli.app import app
from thrombo.cli.output import print_json

design_app = typer.Typer(help="Trial design: sample sizes for single-arm studies.",
                         no_args_is_help=True)
app.add_typer(design_app, name="design")


def _table(designs: SimonDesigns, single: SingleStageDesign) -> Table:
    table = Table(title=(f"Simon two-stage designs: p0 {designs.p0}, p1 {designs.p1}, "
                         f"alpha {designs.alpha}, beta {designs.beta}"),
                  caption=("Stop after stage 1 if at most r1 of n1 respond; declare promising "
                           "only if more than r of n respond. Single-stage: the exact binomial "
                           "design with the least n (A'Hern 2001), for comparison."))
    for heading in ("design", "r1/n1", "r/n", "EN(p0)", "PET(p0)", "alpha", "power"):
        table.add_column(heading, justify="right")
    rows: tuple[tuple[str, SimonDesign], ...] = (("optimal", designs.optimal),
                                                 ("minimax", designs.minimax))
    for name, d in rows:
        table.add_row(name, f"{d.r1}/{d.n1}", f"{d.r}/{d.n}", f"{d.en0:.1f}", f"{d.pet0:.2f}",
                      f"{d.alpha:.4f}", f"{d.power:.3f}")
    table.add_row("single-stage", "-", f"{single.r}/{single.n}", f"{single.n}", "-",
                      f"{single.alpha:.4f}", f"{single.power:.3f}")
    return table


@design_app.command("simon")
def simon(
    p0: Annotated[float, typer.Option(help="Response rate not worth pursuing (H0).")],
    p1: Annotated[float, typer.Option(help="Response rate worth pursuing (H1).")],
    alpha: Annotated[float, typer.Option(help="One-sided P(declare promising | p0).")],
    beta: Annotated[float, typer.Option(help="P(declare not promising | p1); power = 1 - beta.")],
    nmax: Annotated[int, typer.Option(help="Largest total sample size searched.")]
    = DEFAULT_MAX_PATIENTS,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Optimal (least expected size under p0) and minimax (least n) Simon two-stage designs,
    beside the exact single-stage design for the same inputs.

    Stop after stage 1 if at most r1 of n1 respond; declare the treatment promising only if
    more than r of all n respond (Simon, Control Clin Trials 1989;10:1-10).
    """
    designs = simon_two_stage(p0, p1, alpha, beta, n_max=nmax)
    single = single_stage_sample_size(p0, p1, alpha, beta, n_max=nmax)
    if as_json:
        print_json({**designs.to_json(), "single_stage": single.to_json()})
    else:
        Console().print(_table(designs, single))
