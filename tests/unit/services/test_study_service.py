"""`thrombo study` and the service's /study run one use case (thrombo.services.study): a record
that cannot be analysed is left out with a reason on the command line as in the API (issue 20,
item 7), instead of failing the whole study."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

import thrombo.cli.study  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.services.study import UNANALYSABLE
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.schema import patients
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store


def test_a_patient_born_in_year_1_is_left_out_of_the_study_with_a_reason(tmp_path: Path
                                                                          ) -> None:
    write_dataset(SimulationConfig(seed=7, patients=10, centers=2, tma_fraction=0.5),
                  tmp_path / "d")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    store.import_dataset(read_sources([str(tmp_path / "d")]), actor="test", command="test")
    with store.engine.begin() as conn:
        conn.execute(update(patients).where(patients.c.patient_id == "HSCT-000001")
                     .values(birth_date=date(1, 1, 1)))
    store.engine.dispose()
    result = CliRunner().invoke(app, ["study", url, "--json", "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    flow = json.loads(result.stdout)["flow"]
    assert flow[0]["n"] == 9
    assert {e["reason"]: e["n"] for e in flow[0]["excluded"]}[UNANALYSABLE] == 1
    assert "HSCT-000001" not in result.stdout
