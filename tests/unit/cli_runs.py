"""A dataset folder written from CSV texts, and a command run in process for its --json."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from thrombo.cli.app import app


def write_folder(folder: Path, **files: str) -> Path:
    """Each text as FOLDER/NAME.csv (`patients=...` is patients.csv)."""
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def run_json(*args: str) -> dict[str, object]:
    """`thrombo ARGS` (the commands its test module imports are registered); its JSON."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]
