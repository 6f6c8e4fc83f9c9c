"""Every command that reads laboratory results explains, in its `--help`, how it reads them
(issue 17, "Done when": the lab-ranges file, censored values and derived engraftment in
`thrombo COMMAND --help`): censored values kept as bounds and decided by interval logic, the
site's thrombo-lab-ranges.toml / --lab-ranges, and derived engraftment where the command screens
for TA-TMA (screen, plan, watch, study). One shared text, so every command says the same."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from thrombo.cli import commands as _all  # noqa: F401  (registers every command)
from thrombo.cli.app import app
from thrombo.cli.lab_help import CENSORED_HELP, ENGRAFTMENT_HELP, LAB_RANGES_FILE_HELP

runner = CliRunner()
READS_RESULTS = ("screen", "plan", "assess", "itp", "watch", "study", "import")
SCREENS_TA_TMA = ("screen", "plan", "watch", "study")


def shown(command: str) -> str:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("command", READS_RESULTS)
def test_help_explains_censored_values_and_the_lab_ranges_file(command: str) -> None:
    text = shown(command)
    assert "'<10'" in text and "'>2500'" in text and "kept as bounds" in text
    assert "interval logic" in text
    assert "thrombo-lab-ranges.toml" in text and "--lab-ranges" in text
    assert " ".join(CENSORED_HELP.split()) in text
    assert " ".join(LAB_RANGES_FILE_HELP.split()) in text


@pytest.mark.parametrize("command", SCREENS_TA_TMA)
def test_help_explains_derived_engraftment_where_the_command_screens(command: str) -> None:
    text = shown(command)
    assert "engraftment date the record does not hold is derived" in text
    assert " ".join(ENGRAFTMENT_HELP.split()) in text


def test_the_censored_text_says_every_engine_decides_bounds() -> None:
    """The DuckDB and Spark engines decide censored results by interval logic as the reference
    does (README, "Censored results"); the help no longer says they leave them undecided."""
    assert "on every engine" in CENSORED_HELP
    assert "leave it undecided" not in shown("screen")
