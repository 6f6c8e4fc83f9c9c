"""The store's reader makes each distinct time, quantity and code once and shares it between
records (they are immutable); what a record may change stays its own (its attributes), and the
cycle collector it pauses while reading is handed back as it was found."""

from __future__ import annotations

import gc
from itertools import pairwise
from pathlib import Path

from thrombo.domain.timeline import PatientTimeline
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.read import read_timelines
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store


def _timelines(tmp_path: Path) -> list[PatientTimeline]:
    folder = tmp_path / "cohort"
    write_dataset(SimulationConfig(patients=2, seed=5), folder)
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    store.import_dataset(read_sources([str(folder)]), actor="test", command="test")
    with store.engine.connect() as conn:
        return read_timelines(conn)


def test_records_share_times_but_not_attributes(tmp_path: Path) -> None:
    records = [o for t in _timelines(tmp_path) for o in t.observations]
    first, second = next((a, b) for a, b in pairwise(records) if a.time == b.time)
    assert first.time is second.time  # one draw's results: one time object
    assert first.attributes is not second.attributes
    first.attributes["note"] = "changed"
    assert "note" not in second.attributes


def test_the_collector_is_handed_back_as_it_was(tmp_path: Path) -> None:
    assert gc.isenabled()
    _timelines(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}", existing=True).engine.connect(
        ) as conn:
            read_timelines(conn)
        assert not gc.isenabled()
    finally:
        gc.enable()
