"""Progress on long work (issue 21 item 3): a Rich progress line on stderr while `import` and
`simulate` run on a terminal; nothing at all with --json or when stderr is not a terminal
(interface.md section 3: stdout carries the answer, progress goes to stderr on a terminal)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import thrombo.cli.importing
import thrombo.cli.output
import thrombo.cli.screen
import thrombo.cli.simulate  # registers the commands
import thrombo.cli.study
from thrombo.cli import bench
from thrombo.cli.app import app
from thrombo.cli.output import progress

runner = CliRunner()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    screen = Terminal()
    monkeypatch.setattr(thrombo.cli.output, "stderr",
                        Console(file=screen, force_terminal=True, width=100))
    return screen


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("progress") / "cohort"
    assert runner.invoke(app, ["simulate", "--out", str(out), "--patients", "3"]).exit_code == 0
    return out


def test_import_on_a_terminal_shows_the_records_read(terminal: Terminal, dataset: Path,
                                                      tmp_path: Path) -> None:
    done = runner.invoke(app, ["import", str(dataset), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert done.exit_code == 0, done.output
    shown = terminal.getvalue()
    assert "importing" in shown and "records" in shown
    assert "importing" not in done.stdout, "progress never goes to stdout"


def test_import_with_json_shows_no_progress(terminal: Terminal, dataset: Path,
                                            tmp_path: Path) -> None:
    done = runner.invoke(app, ["import", str(dataset), "--db", f"sqlite:///{tmp_path / 's.db'}",
                               "--json"])
    assert done.exit_code == 0, done.output
    assert terminal.getvalue() == ""
    assert json.loads(done.stdout)["sources"]


def test_simulate_on_a_terminal_shows_a_spinner(terminal: Terminal, tmp_path: Path) -> None:
    done = runner.invoke(app, ["simulate", "--out", str(tmp_path / "c"), "--patients", "2"])
    assert done.exit_code == 0, done.output
    assert "simulating 2 patients" in terminal.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal(dataset: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(thrombo.cli.output, "stderr", Console(file=piped, force_terminal=True))
    done = runner.invoke(app, ["import", str(dataset), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert done.exit_code == 0, done.output
    assert piped.getvalue() == ""


def test_a_bar_counts_to_its_total(terminal: Terminal) -> None:
    with progress("screening", enabled=True, total=4) as advance:
        for _ in range(4):
            advance(1)
    assert "4/4" in terminal.getvalue()


def test_bench_shows_a_spinner_on_a_terminal_only(terminal: Terminal,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark itself is replaced: only what the command shows around it is checked."""
    monkeypatch.setattr(bench, "run", lambda *_args: bench.BenchResult(
        10, "duckdb", 0.1, 100, 0.0, 1, True, 1, 1, 10, 10.0, 1))
    done = runner.invoke(app, ["bench", "screen", "--rows", "10"])
    assert done.exit_code == 0, done.output
    assert "benchmarking 10 rows" in terminal.getvalue()
    silent = Terminal()
    monkeypatch.setattr(thrombo.cli.output, "stderr", Console(file=silent, force_terminal=True))
    assert runner.invoke(app, ["bench", "screen", "--rows", "10", "--json"]).exit_code == 0
    assert silent.getvalue() == ""


@pytest.mark.parametrize(("command", "shown"), [("screen", "screening"),
                                                ("study", "reading and screening the cohort")])
def test_screen_and_study_show_progress_on_a_terminal_only(
        command: str, shown: str, terminal: Terminal, dataset: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    done = runner.invoke(app, [command, str(dataset)])
    assert done.exit_code == 0, done.output
    assert shown in terminal.getvalue()
    silent = Terminal()
    monkeypatch.setattr(thrombo.cli.output, "stderr", Console(file=silent, force_terminal=True))
    assert runner.invoke(app, [command, str(dataset), "--json"]).exit_code == 0
    assert silent.getvalue() == ""
