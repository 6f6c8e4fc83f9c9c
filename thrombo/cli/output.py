"""Shared output helpers: one JSON document on stdout, or Rich tables for people."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True)


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout (dates as YYYY-MM-DD, date-times with offset)."""
    sys.stdout.write(
        orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    )
    sys.stdout.write("\n")


Advance = Callable[[int], None]


def progress_enabled(as_json: bool = False) -> bool:
    """Progress goes to stderr, and only on a terminal (interface.md section 3); never with
    --json, whose reader wants the one document and nothing else."""
    return not as_json and stderr.file.isatty()


def _ignore(_steps: int = 1) -> None:
    return None


@contextmanager
def progress(description: str, *, enabled: bool, total: int | None = None,
             unit: str = "") -> Iterator[Advance]:
    """A Rich progress bar on stderr for long work, removed when it ends; yields `advance(n)`.
    With a total: a bar with "done/total"; with a unit only (records of a file not yet read to
    its end): a spinner with the count so far; with neither (work that reports no steps): a
    spinner and the time it has taken. Disabled, `advance` does nothing."""
    if not enabled:
        yield _ignore
        return
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    elif unit:
        columns.append(TextColumn(f"{{task.completed:,.0f}} {unit}"))
    with Progress(*columns, TimeElapsedColumn(), console=stderr, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(task, steps)

        yield advance
