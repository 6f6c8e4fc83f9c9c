"""`--lab-ranges FILE` on plan, assess, itp and study, as on screen and import (issue 17, 21).

The case is tests/spec/results/test_site_lab_ranges.py's girl: three harmonized-2023 markers met
(clinical-reference.md A1) and sC5b-9 180-190 ng/mL reported without a range. The site's file,
given outside the dataset folder, decides sC5b-9 (ULN 244: not met), so the TA-TMA plan's
screening reads no-ta-tma instead of insufficient-data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import thrombo.cli.assess
import thrombo.cli.itp
import thrombo.cli.plan
import thrombo.cli.study  # noqa: F401  (each registers its command)
from tests.spec.results.test_site_lab_ranges import SITE_RANGES, dataset
from thrombo.cli.app import app
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

runner = CliRunner()
AS_OF = ["--as-of", "2026-02-20"]


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site-ranges.toml"
    site.write_text(SITE_RANGES)
    return dataset(tmp_path / "d", site_ranges=False), site


def screening_status(arguments: list[str]) -> str:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["summary"]["status"])


def test_plan_reads_the_sites_ranges(case: tuple[Path, Path]) -> None:
    folder, site = case
    plan = ["plan", str(folder), "--patient", "P01", *AS_OF, "--json"]
    assert screening_status(plan) == "insufficient-data"
    assert screening_status([*plan, "--lab-ranges", str(site)]) == "no-ta-tma"


@pytest.mark.parametrize("command", [
    ["assess", *AS_OF], ["itp", *AS_OF], ["plan", "--patient", "P01", *AS_OF], ["study"],
])
def test_every_command_reading_a_source_takes_the_file(case: tuple[Path, Path],
                                                       command: list[str]) -> None:
    folder, site = case
    name, *rest = command
    given = runner.invoke(app, [name, str(folder), *rest, "--json", "--lab-ranges", str(site)])
    assert given.exit_code == 0, given.output
    missing = runner.invoke(app, [name, str(folder), *rest, "--lab-ranges",
                                  str(site.with_name("none.toml"))])
    assert "none.toml: no such lab-ranges file" in str(missing.exception)


def test_help_names_the_option() -> None:
    for name in ("plan", "assess", "itp", "study"):
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert "--lab-ranges" in shown.stdout and "thrombo-lab-ranges.toml" in shown.stdout


def test_a_store_keeps_the_ranges_of_its_import(case: tuple[Path, Path], tmp_path: Path) -> None:
    """A store's results carry the ranges they were imported with: --lab-ranges on a store URL
    would silently change nothing, so it is refused with where to give it instead."""
    folder, site = case
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(folder)]), actor="test", command="test")
    store.engine.dispose()
    refused = runner.invoke(app, ["assess", url, "--lab-ranges", str(site)])
    assert "give --lab-ranges to `thrombo import`" in str(refused.exception)
