"""`thrombo simulate`: write a synthetic cohort as a dataset folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.output import print_json, progress, progress_enabled
from thrombo.simulate import FORMATS, SimulationConfig, write_dataset


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Dataset folder to write (created).")],
    patients: Annotated[int, typer.Option(help="Transplant recipients (HSCT cohort).")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 0,
    fmt: Annotated[
        str, typer.Option("--format", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "csv",
    itp_patients: Annotated[int, typer.Option(help="Children with ITP.")] = 0,
    centers: Annotated[int, typer.Option(help="Number of centres (the `center` column).")] = 1,
    tma_fraction: Annotated[
        float | None,
        typer.Option(help="Share of transplant recipients with TA-TMA (default "
                          f"{SimulationConfig().tma_fraction:g}, the published incidence)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Simulate children after allogeneic HSCT (with and without TA-TMA) and children with ITP.

    Writes patients.csv, observations.csv (or observations.parquet), medications.csv, events.csv
    and truth.csv (the simulated ground truth; not read by thrombo's readers).
    """
    options: dict[str, float] = {} if tma_fraction is None else {"tma_fraction": tma_fraction}
    config = SimulationConfig(
        seed=seed, patients=patients, itp_patients=itp_patients, centers=centers, **options
    )
    with progress(f"simulating {patients + itp_patients} patients",
                  enabled=progress_enabled(as_json)):
        written = write_dataset(config, out, fmt)
    summary = {
        "out": str(written.out), "format": written.format, "seed": seed,
        "patients": written.patients, "observations": written.observations,
        "medications": written.medications, "events": written.events,
        "cohorts": written.cohorts, "files": list(written.files),
    }
    if as_json:
        print_json(summary)
        return
    print(f"wrote {written.patients} patients, {written.observations} observations to {out}")
    for cohort, count in written.cohorts.items():
        print(f"  {cohort}: {count}")
    if sys.stderr.isatty():
        print("truth.csv holds the simulated ground truth", file=sys.stderr)
