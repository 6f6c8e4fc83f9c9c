"""What a person reads in the terminal (issue 21 item 1), kept as snapshots: `screen`, `assess`
and `itp` over a small simulated store, at 80 and 120 columns and piped (no terminal: Rich's
80 columns, no colour codes). Beyond the snapshot, every width keeps its promises: no line
wider than the terminal, no identifier or date cut, no Python value.

A deliberate change of the output is recorded with THROMBO_UPDATE_SNAPSHOTS=1 and reviewed in
the diff of tests/unit/cli/snapshots/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.unit.cli.test_human_tables import thrombo
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = "2025-06-30"
COMMANDS = ("screen", "assess", "itp")
PATIENT_IDS = ("HSCT-000001", "HSCT-000002", "HSCT-000003", "HSCT-000004", "ITP-000001",
               "ITP-000002")
PYTHON_WORDS = re.compile(r"\b(None|True|False|nan)\b")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Four transplant recipients (one with TA-TMA treated by defibrotide) and two children
    with ITP: seed 7, the simulator's fixed cohort epoch, so every run writes the same store."""
    root = tmp_path_factory.mktemp("snapshots")
    write_dataset(SimulationConfig(seed=7, patients=4, itp_patients=2, centers=1,
                                   tma_fraction=0.5), root / "cohort")
    url = f"sqlite:///{root / 'store.db'}"
    Store.open(url).import_dataset(read_sources([str(root / "cohort")]), actor="test",
                                   command="fixture")
    return url


def run(command: str, store: str, columns: int | None) -> str:
    return thrombo(command, store, "--as-of", AS_OF, columns=columns)


def matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("THROMBO_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name}: the output differs from {path}; if the change is meant, record it with "
        "THROMBO_UPDATE_SNAPSHOTS=1")


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", COMMANDS)
def test_output_at_a_terminal_width(command: str, columns: int, store: str) -> None:
    text = run(command, store, columns)
    matches_snapshot(f"{command}-{columns}", text)
    widest = max(len(line) for line in text.splitlines())
    assert widest <= columns, f"a line of {widest} characters in {columns} columns"
    assert "…" not in text, "nothing is cut"
    assert not PYTHON_WORDS.search(text)
    wanted = PATIENT_IDS if command != "itp" else PATIENT_IDS[4:]
    assert all(pid in text for pid in wanted), "every identifier whole"
    assert AS_OF in text


@pytest.mark.parametrize("command", COMMANDS)
def test_piped_output_is_the_80_column_text_without_colour(command: str, store: str) -> None:
    text = run(command, store, None)
    assert "\x1b[" not in text
    assert text == (SNAPSHOTS / f"{command}-80.txt").read_text(encoding="utf-8")
