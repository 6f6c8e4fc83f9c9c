"""One demo (issue 21 item 7): `thrombo serve --dev` serves the store `make demo` wrote
(thrombo-demo/thrombo.db) when it is there, so a child's id names the same child in the report
and on the dashboard; without it, a development store of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from thrombo.cli.demo_paths import DEMO_OUT, DEMO_STORE
from thrombo.cli.serve import DEV_DB, dev_db


def test_without_the_demo_the_development_store(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert dev_db() == DEV_DB == "sqlite:///thrombo-dev.db"


def test_after_make_demo_its_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / DEMO_OUT).mkdir()
    (tmp_path / DEMO_STORE).write_bytes(b"")
    assert dev_db() == "sqlite:///thrombo-demo/thrombo.db"
    assert str(DEMO_OUT) == "thrombo-demo", "the folder the Makefile's demo target names"
    assert "--out thrombo-demo" in (Path(__file__).parents[3] / "Makefile").read_text()
