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
    "users": "users",
    "version": "version",
}
"""Command name -> the module under thrombo.cli that registers it."""


def _register(argv: list[str]) -> None:
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    module = COMMAND_MODULES.get(name or "")
    importlib.import_module(f"thrombo.cli.{module}" if module else "thrombo.cli.commands")


def main() -> None:
    """Console entry point: usage and user errors exit 2 with one line on stderr.

    Typer runs outside Click's standalone mode so that a usage error (an unknown option, a
    value of the wrong type) is one line, as interface.md section 3 asks, instead of the boxed
    usage panel; `thrombo` or a command group with no arguments still shows its help. Typer
    0.29 (pinned exactly in pyproject.toml) carries its own copy of Click, whose exception
    classes live in `typer._click.exceptions`.
    """
    import typer
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    _register(sys.argv[1:])
    from thrombo.cli.app import app

    try:
        status = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        if exc.format_message().strip():
            print(exc.format_message(), file=sys.stderr)
        sys.exit(exc.exit_code)
    except UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        print(f"thrombo: error: {_one_line(exc.format_message())}{hint}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        print(f"thrombo: error: {_one_line(exc.format_message())}", file=sys.stderr)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except ThromboUserError as exc:
        print(f"thrombo: error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(status if isinstance(status, int) else 0)


def _one_line(message: str) -> str:
    return " ".join(message.split())


__all__ = ["COMMAND_MODULES", "main"]
