"""A store's file named without its URL scheme: read as the store by the commands that read a
SOURCE, and refused with the URL to use by `import`, which reads sources into a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import thrombo.cli.importing
import thrombo.cli.screen  # noqa: F401  (registers the commands)
from thrombo.cli.app import app
from thrombo.errors import SourceError
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import is_sqlite_file

runner = CliRunner()


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    write_dataset(SimulationConfig(seed=5, patients=4, itp_patients=0, centers=1,
                                   tma_fraction=0.5), folder / "dataset")
    path = folder / "centre.db"
    done = runner.invoke(app, ["import", str(folder / "dataset"), "--db", f"sqlite:///{path}"])
    assert done.exit_code == 0, done.output
    return path


def test_screen_reads_a_store_file_named_without_the_scheme(store_file: Path) -> None:
    plain = runner.invoke(app, ["screen", str(store_file), "--json"])
    url = runner.invoke(app, ["screen", f"sqlite:///{store_file}", "--json"])
    assert plain.exit_code == 0, plain.output
    as_plain, as_url = json.loads(plain.stdout), json.loads(url.stdout)
    assert as_plain["patients"] == as_url["patients"] and as_plain["patients"]


def test_import_of_a_store_file_names_the_url_to_use(store_file: Path, tmp_path: Path) -> None:
    done = runner.invoke(app, ["import", str(store_file), "--db",
                               f"sqlite:///{tmp_path / 'other.db'}"])
    assert isinstance(done.exception, SourceError)
    assert f"name it as a store URL, sqlite:///{store_file}" in str(done.exception)


def test_sqlite_file_is_known_by_its_header(store_file: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("SQLite format 2")
    assert is_sqlite_file(store_file)
    assert not is_sqlite_file(text)
    assert not is_sqlite_file(tmp_path / "missing.db")
