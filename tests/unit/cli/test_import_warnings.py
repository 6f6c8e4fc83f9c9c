"""Import warnings grouped and short (issue 21 item 15): one heading, then one line per mapping
the clinical reference marks from memory, unverified, with its record count; other warnings as
they are. `--json` keeps each warning whole."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from thrombo.cli.app import app
from thrombo.cli.importing import grouped_warnings
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

runner = CliRunner()
RXNORM = ("1 record read through the mapping prednisolone -> prednisone (counted mg for mg), "
          "which is from memory, unverified: check it")
LOINC = ("795 records read through the mapping http://loinc.org|777-3 -> platelets, which is "
         "from memory, unverified: check it")
OTHER = "bilirubin in umol/L converted with a molar mass from memory, unverified"


def test_unverified_mappings_become_one_line_each() -> None:
    mappings, others = grouped_warnings([RXNORM, OTHER, LOINC])
    assert mappings == [("prednisolone -> prednisone (counted mg for mg)", "1 record"),
                        ("LOINC 777-3 -> platelets", "795 records")]
    assert others == [OTHER]


def test_the_import_summary_groups_them(tmp_path: Path) -> None:
    """A simulated dataset with one prednisolone row (counted as prednisone, an equivalence the
    clinical reference does not confirm)."""
    folder = tmp_path / "d"
    write_dataset(SimulationConfig(seed=4, patients=1, itp_patients=1, centers=1), folder)
    with (folder / "medications.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(
            ["ITP-000001", "prednisolone", "2026-12-01", "2026-12-04", "30", "mg", "PO", ""])
    url = f"sqlite:///{tmp_path / 's.db'}"
    shown = runner.invoke(app, ["import", str(folder), "--db", url])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    heading = lines.index("warning: records read through mappings the clinical reference marks "
                          "from memory, unverified (check them):")
    assert lines[heading + 1] == "  prednisolone -> prednisone (counted mg for mg): 1 record"
    again = runner.invoke(app, ["import", str(folder), "--db", f"sqlite:///{tmp_path / 'j.db'}",
                                "--json"])
    assert RXNORM in json.loads(again.stdout)["warnings"]
