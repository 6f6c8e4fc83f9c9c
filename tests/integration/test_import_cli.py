"""`thrombo import` through the real command line (interface.md section 3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BAD_ROWS = Path(__file__).parents[1] / "fixtures" / "datasets" / "bad_rows"


def thrombo(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", *args, "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )


def test_import_json_counts_then_reimport_stores_nothing(sqlite_url: str) -> None:
    first = thrombo("import", str(BAD_ROWS), "--json", db=sqlite_url)
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    (source,) = document["sources"]
    assert source["format"] == "csv-dataset"
    assert source["records"] == 29
    assert source["stored"] + source["duplicates"] + source["skipped"] + source["quarantined"] == 29
    assert len(document["quarantine"]) == source["quarantined"] == 11
    assert {"source", "location", "reason"} <= set(document["quarantine"][0])
    again = json.loads(thrombo("import", str(BAD_ROWS), "--json", db=sqlite_url).stdout)
    assert again["sources"][0]["stored"] == 0


def test_missing_source_is_one_line_and_exit_2(sqlite_url: str, tmp_path: Path) -> None:
    out = thrombo("import", str(tmp_path / "nope"), db=sqlite_url)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "no such file or folder" in out.stderr
    assert "Traceback" not in out.stderr


def test_human_output_lists_quarantined_rows(sqlite_url: str) -> None:
    out = thrombo("import", str(BAD_ROWS), db=sqlite_url)
    assert out.returncode == 0
    assert "unknown patient 'P99'" in out.stdout
    assert "line 15" in out.stdout
