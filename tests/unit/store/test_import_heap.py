"""An import keeps the cycle collector away from the heap that was alive before it, and leaves
a heap frozen by someone else frozen: an upload is imported in the service's process, whose
status cache is frozen after its warm-up (web.patient_page), and thawing it would hand every
cached object back to each full collection."""

from __future__ import annotations

import gc
from pathlib import Path

from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources
from thrombo.store.sql import Store

SIMULATED = Path(__file__).parents[2] / "fixtures" / "import_differential" / "simulated_csv"


def _import(db: Path) -> int:
    specs, ctx = plan_sources([str(SIMULATED)])
    store = Store.open(f"sqlite:///{db}")
    try:
        summary = import_sources(store, specs, ctx, actor="tester", command="thrombo import")
    finally:
        store.engine.dispose()
    return sum(source.stored for source in summary.sources)


def test_a_heap_frozen_before_the_import_stays_frozen(tmp_path: Path) -> None:
    cache = [{"row": i} for i in range(1000)]  # what the service freezes after its warm-up
    was = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert _import(tmp_path / "store.db") == 2789
        # Still in the permanent generation (objects freed meanwhile leave it: the count may
        # fall a little), not handed back to the collector's generations.
        assert frozen >= gc.get_freeze_count() > frozen // 2
        assert id(cache) not in {id(o) for o in gc.get_objects()}
    finally:
        if not was:
            gc.unfreeze()
    del cache


def test_an_import_leaves_nothing_frozen_when_nothing_was(tmp_path: Path) -> None:
    was = gc.get_freeze_count()
    gc.unfreeze()  # as in a fresh process (an earlier test may have frozen the heap)
    try:
        assert _import(tmp_path / "store.db") == 2789
        assert gc.get_freeze_count() == 0
    finally:
        if was:
            gc.freeze()
