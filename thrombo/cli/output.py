"""Shared output helpers: one JSON document on stdout, or Rich tables for people."""

from __future__ import annotations

import sys
from typing import Any

import orjson
from rich.console import Console

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True)


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout (dates as YYYY-MM-DD, date-times with offset)."""
    sys.stdout.write(
        orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    )
    sys.stdout.write("\n")


def progress_enabled() -> bool:
    """Progress goes to stderr, and only on a terminal (interface.md section 3)."""
    return sys.stderr.isatty()
