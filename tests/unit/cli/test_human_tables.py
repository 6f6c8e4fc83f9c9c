"""What people read in the terminal: at 80 and 120 columns and through a pipe, no identifier or
date is cut, and no Python value (None, True, False) or snake_case name is shown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from thrombo.cli.records import Column, human, print_records
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

PYTHON_WORDS = re.compile(r"\b(None|True|False|nan)\b")
SNAKE_CASE = re.compile(r"(?<!option )\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
"""A snake_case word, except an option's own name (`option dipstick_1plus_is_30_mg_dl`), which a
user types as it is."""
COMMANDS = {"screen": ["screen"], "screen-all": ["screen", "--criteria", "all"],
            "assess": ["assess"], "itp": ["itp"]}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort") / "dataset"
    write_dataset(SimulationConfig(seed=11, patients=8, itp_patients=3, centers=1,
                                   tma_fraction=0.5), folder)
    return folder


def thrombo(*args: str, columns: int | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    done = subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()", *args],
                          capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def documents(dataset: Path) -> dict[str, dict[str, Any]]:
    return {name: json.loads(thrombo(*command, str(dataset), "--json"))
            for name, command in COMMANDS.items()}


@pytest.mark.parametrize("columns", [80, 120, None], ids=["80-columns", "120-columns", "piped"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_ids_and_dates_whole_and_no_python_values(dataset: Path, documents: dict[str, Any],
                                                  name: str, columns: int | None) -> None:
    command = COMMANDS[name]
    document = documents[name]
    patients = document.get("patients") or document["results"][0]["patients"]
    text = thrombo(*command, str(dataset), columns=columns)
    assert "…" not in text
    for p in patients:
        assert p["patient_id"] in text
        for key in ("first_met", "treatment_start", "response_date"):
            if p.get(key):
                assert p[key] in text, (key, p[key])
    assert not PYTHON_WORDS.findall(text)
    # Words, not lines: a legend wraps, and "option" may end one line before its name.
    assert not SNAKE_CASE.findall(" ".join(text.replace("--json", "").split()))


def test_status_legend_is_printed(dataset: Path) -> None:
    text = " ".join(thrombo("screen", str(dataset), columns=120).split())  # wrapped prose
    assert "status ta-tma: the criteria were met on at least one day" in text
    assert "active: they are still met on the as-of date" in text


def render(width: int, columns: list[Column], rows: list[tuple[str, ...]]) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    print_records(console, "title", columns, rows)
    return console.export_text()


COLUMNS = [Column("patient", whole=True), Column("first met", whole=True),
           Column("criteria met", keep=3), Column("indeterminate", keep=1),
           Column("high risk", keep=2)]
ROW = ("HSCT-000001", "2024-12-12", "anemia, thrombocytopenia, LDH", "sC5b-9", "yes (UPCR >= 1)")


def test_wide_terminal_shows_every_column() -> None:
    text = render(120, COLUMNS, [ROW])
    assert all(c.header in text for c in COLUMNS)
    assert "not shown" not in text


def test_narrow_terminal_drops_the_least_valued_column_first_and_says_so() -> None:
    text = render(70, COLUMNS, [ROW])
    assert "not shown at this width: indeterminate" in text
    assert "HSCT-000001" in text and "2024-12-12" in text and "thrombocytopenia" in text


def test_very_narrow_terminal_prints_one_block_per_record() -> None:
    text = render(30, COLUMNS, [ROW, ("HSCT-000002", "", "", "", "")])
    assert "patient: HSCT-000001" in text
    assert "criteria met: anemia, thrombocytopenia, LDH" in text
    assert "patient: HSCT-000002" in text
    assert "first met:" in text.split("HSCT-000002")[0]  # empty cells are left out
    assert text.count("first met:") == 1


@pytest.mark.parametrize(("value", "missing", "shown"), [
    (None, "not assessed", "not assessed"), (None, "none", "none"), (True, "", "yes"),
    (False, "", "no"), ("platelet_count_decreased", "", "platelet count decreased"),
    ("anti_d", "", "anti-D"), ("ldh_2x_uln", "", "LDH >= 2x ULN"), (["ivig", None], "-", "IVIG, -"),
    ("ta-tma", "", "ta-tma"), (2.50, "", "2.5")])
def test_human_values(value: object, missing: str, shown: str) -> None:
    assert human(value, missing) == shown


def test_assess_for_one_patient(dataset: Path, documents: dict[str, Any]) -> None:
    """`assess --patient ID`, like `plan`: that patient's row only; an unknown id is exit 2."""
    first = documents["assess"]["patients"][0]
    one = json.loads(thrombo("assess", str(dataset), "--patient", first["patient_id"], "--json"))
    assert one["patients"] == [first]
    done = subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()",
                           "assess", str(dataset), "--patient", "NOBODY"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"thrombo: error: no patient 'NOBODY' in {dataset}"
