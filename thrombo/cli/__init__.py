"""The `thrombo` command line: thin wrappers over the library (interface.md section 3).

Each command lives in its own module under `thrombo.cli` and registers itself on
`thrombo.cli.app.app` when imported. The entry point imports only the module of the command
being run (the scientific stack behind `study` need not load for `dose`), and every module for
`thrombo --help`. User errors (`ThromboUserError`) print as one line on stderr with exit status
2; anything else is a fault and exits 1.
"""

from __future__ import annotations

import importlib
import sys

from thrombo.errors import ThromboUserError

COMMAND_MODULES: dict[str, str] = {
    "assess": "assess",
    "audit": "admin",
    "backup": "admin",
    "bench": "bench",
    "demo": "demo",
    "design": "design",
    "dose": "dose",
    "export": "admin",
    "import": "importing",
    "itp": "itp",
    "plan": "plan",
    "restore": "admin",
    "screen": "screen",
    "serve": "serve",
    "simulate": "simulate",
    "study": "study",
    "version": "version",
}
"""Command name -> the module under thrombo.cli that registers it."""


def _register(argv: list[str]) -> None:
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    module = COMMAND_MODULES.get(name or "")
    importlib.import_module(f"thrombo.cli.{module}" if module else "thrombo.cli.commands")


def main() -> None:
    """Console entry point: usage errors exit 2 (Typer), user errors exit 2 with one line."""
    _register(sys.argv[1:])
    from thrombo.cli.app import app

    try:
        app()
    except ThromboUserError as exc:
        print(f"thrombo: error: {exc}", file=sys.stderr)
        sys.exit(2)


__all__ = ["COMMAND_MODULES", "main"]
