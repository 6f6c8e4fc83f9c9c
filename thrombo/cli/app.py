"""The Typer application object every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="thrombo",
    help=(
        "Clinical decision support and outcomes analytics for paediatric TA-TMA (defibrotide) "
        "and refractory ITP. A research aid: every result must be checked by the treating team."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """thrombo command line."""
