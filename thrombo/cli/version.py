"""`thrombo version`."""

from __future__ import annotations

from thrombo import __version__
from thrombo.cli.app import app


@app.command()
def version() -> None:
    """Print the thrombo version."""
    print(__version__)
