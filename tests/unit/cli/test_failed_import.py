"""A failed `thrombo import` leaves no store behind (issue 21 item 5): a mistyped source path
or a broken file must not create an empty database that later commands would read as "no
patients"."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import thrombo.cli.importing  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.cli.importing import new_sqlite_file
from thrombo.errors import SourceError
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

runner = CliRunner()


def test_a_missing_source_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "new.db"
    done = runner.invoke(app, ["import", str(tmp_path / "no-such-folder"),
                               "--db", f"sqlite:///{store}"])
    assert isinstance(done.exception, SourceError)
    assert "no such file or folder" in str(done.exception)
    assert list(tmp_path.iterdir()) == []


def test_a_source_that_fails_while_importing_leaves_no_store(tmp_path: Path) -> None:
    """The file exists (planning accepts it) but is cut off mid-way: the import fails after
    the store was opened, and the store it created goes again, journal files included."""
    broken = tmp_path / "bundle.json"
    broken.write_text('{"resourceType": "Bundle", "type": "collection", "entry": [')
    store = tmp_path / "new.db"
    done = runner.invoke(app, ["import", str(broken), "--db", f"sqlite:///{store}"])
    assert isinstance(done.exception, SourceError)
    assert "not JSON" in str(done.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json"]


def test_a_failed_import_keeps_an_existing_store(tmp_path: Path) -> None:
    write_dataset(SimulationConfig(seed=3, patients=2, itp_patients=0, centers=1), tmp_path / "d")
    store = tmp_path / "kept.db"
    assert runner.invoke(app, ["import", str(tmp_path / "d"), "--db",
                               f"sqlite:///{store}"]).exit_code == 0
    broken = tmp_path / "bundle.json"
    broken.write_text("{")
    failed = runner.invoke(app, ["import", str(broken), "--db", f"sqlite:///{store}"])
    assert isinstance(failed.exception, SourceError)
    assert store.exists() and store.stat().st_size > 0


def test_only_a_sqlite_file_that_is_not_there_counts_as_new(tmp_path: Path) -> None:
    (tmp_path / "old.db").write_bytes(b"")
    assert new_sqlite_file(f"sqlite:///{tmp_path / 'new.db'}") == tmp_path / "new.db"
    assert new_sqlite_file(f"sqlite:///{tmp_path / 'old.db'}") is None
    assert new_sqlite_file("sqlite://") is None
    assert new_sqlite_file("postgresql://u@h/db") is None
