"""A killed import leaves nothing half-present; re-running completes without duplicates.

The import is killed with SIGKILL at several moments (while reading, while writing); after each
kill the store must hold either the whole import or none of it, and the audit trail must still
verify. A final run then completes with every record stored exactly once.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.reliability.commands import import_args
from thrombo.store import audit
from thrombo.store.schema import imports, observations, patients
from thrombo.store.sql import Store

N_PATIENTS = 200
OBS_PER_PATIENT = 250


def _write_dataset(folder: Path) -> int:
    folder.mkdir()
    with (folder / "patients.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_id", "birth_date", "sex", "hsct_date"])
        for i in range(N_PATIENTS):
            writer.writerow([f"P{i:04d}", "2015-01-01", "F", "2026-01-01"])
    with (folder / "observations.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_id", "time", "code", "value", "unit"])
        for i in range(N_PATIENTS):
            for k in range(OBS_PER_PATIENT):
                day = 1 + k % 28
                writer.writerow(
                    [
                        f"P{i:04d}",
                        f"2026-02-{day:02d}T{k % 24:02d}:{k % 60:02d}:00Z",
                        "platelets",
                        20 + k,
                        "10*9/L",
                    ]
                )
    return N_PATIENTS * OBS_PER_PATIENT


def _import(folder: Path, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(import_args(folder, url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _state(url: str) -> tuple[int, int, int, bool]:
    store = Store.open(url)
    with store.engine.connect() as conn:
        n_imports = conn.execute(select(func.count()).select_from(imports)).scalar_one()
        n_patients = conn.execute(select(func.count()).select_from(patients)).scalar_one()
        n_obs = conn.execute(select(func.count()).select_from(observations)).scalar_one()
        intact = audit.verify_chain(conn).ok
    return n_imports, n_patients, n_obs, intact


@pytest.mark.slow
def test_sigkill_mid_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    n_obs = _write_dataset(folder)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url)  # schema in place before the first kill
    for delay in (0.5, 1.5, 3.0):
        proc = _import(folder, url)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        n_imports, n_patients, stored, intact = _state(url)
        assert intact
        assert (n_patients, stored) in {(0, 0), (N_PATIENTS, n_obs)}
        assert n_imports in (0, 1) if stored == 0 else n_imports >= 1
        if stored:
            break
    final = _import(folder, url)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    _, n_patients, stored, intact = _state(url)
    assert (n_patients, stored) == (N_PATIENTS, n_obs)
    assert intact
