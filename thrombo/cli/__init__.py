"""The `thrombo` command line: thin wrappers over the library (interface.md section 3).

Each command lives in its own module under `thrombo.cli` and registers itself on `app`.
User errors (`ThromboUserError`) print as one line on stderr with exit status 2; anything else
is a fault and exits 1.
"""

from __future__ import annotations

import sys

# Command modules register themselves on `app` when imported.
from thrombo.cli import commands as _commands  # noqa: F401  (import registers commands)
from thrombo.cli.app import app
from thrombo.errors import ThromboUserError


def main() -> None:
    """Console entry point: usage errors exit 2 (Typer), user errors exit 2 with one line."""
    try:
        app()
    except ThromboUserError as exc:
        print(f"thrombo: error: {exc}", file=sys.stderr)
        sys.exit(2)


__all__ = ["app", "main"]
