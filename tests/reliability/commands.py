"""The command line as a user runs it, in a process of its own (this interpreter)."""

from __future__ import annotations

import sys
from pathlib import Path

THROMBO = [sys.executable, "-c", "from thrombo.cli import main; main()"]


def import_args(source: Path, url: str) -> list[str]:
    """`thrombo import SOURCE --db URL --json`."""
    return [*THROMBO, "import", str(source), "--db", url, "--json"]
