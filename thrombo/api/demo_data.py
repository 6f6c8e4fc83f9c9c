"""The demo cohort `thrombo serve --dev` loads into an empty store, so that a fresh clone shows a
working dashboard. Simulated patients only (thrombo.simulate), never real data."""

from __future__ import annotations

import tempfile
from pathlib import Path

from thrombo.normalize.quarantine import ImportSummary
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

DEMO_SEED = 2026
DEMO_TMA_FRACTION = 0.35
"""Raised above the population incidence so that the demo shows treated TA-TMA courses."""
DEMO_CENTRES = 2


def load_demo_cohort(store: Store, patients: int, itp_patients: int = 6) -> ImportSummary | None:
    """Simulate and import the demo cohort, unless the store already holds patients."""
    if store.known_patient_ids():
        return None
    config = SimulationConfig(seed=DEMO_SEED, patients=patients, itp_patients=itp_patients,
                              centers=DEMO_CENTRES, tma_fraction=DEMO_TMA_FRACTION)
    with tempfile.TemporaryDirectory(prefix="thrombo-demo-") as tmp:
        folder = Path(tmp) / "demo-cohort"
        write_dataset(config, folder)
        data = read_sources([str(folder)])
        return store.import_dataset(data, actor="serve --dev", command="demo cohort")
