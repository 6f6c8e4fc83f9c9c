"""Same seed, same bytes; patient k does not depend on the cohort size or the chunking."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from thrombo.simulate import (
    SimulationConfig,
    simulate_hsct_patient,
    simulate_itp_patient,
    write_dataset,
)

FILES = ("patients.csv", "medications.csv", "events.csv", "truth.csv")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_identical_bytes(tmp_path: Path, fmt: str) -> None:
    config = SimulationConfig(seed=7, patients=12, itp_patients=4, centers=2, tma_fraction=0.5)
    first = write_dataset(config, tmp_path / "a", fmt)
    write_dataset(config, tmp_path / "b", fmt)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert first.observations > 0


def test_chunking_does_not_change_the_content(tmp_path: Path) -> None:
    """CSV bytes are identical whatever the chunk size; parquet row groups differ, rows do not."""
    config = SimulationConfig(seed=8, patients=12, itp_patients=4, tma_fraction=0.5)
    write_dataset(config, tmp_path / "one", "csv")
    write_dataset(config, tmp_path / "many", "csv", chunk_patients=5)
    assert digests(tmp_path / "one") == digests(tmp_path / "many")
    write_dataset(config, tmp_path / "p1", "parquet")
    write_dataset(config, tmp_path / "p5", "parquet", chunk_patients=5)
    one = pq.read_table(tmp_path / "p1" / "observations.parquet")
    assert one.equals(pq.read_table(tmp_path / "p5" / "observations.parquet"))
    assert one.num_rows == len((tmp_path / "one" / "observations.csv").read_text().splitlines()) - 1


def test_another_seed_gives_another_cohort(tmp_path: Path) -> None:
    write_dataset(SimulationConfig(seed=1, patients=5), tmp_path / "a")
    write_dataset(SimulationConfig(seed=2, patients=5), tmp_path / "b")
    name = "observations.csv"
    assert digests(tmp_path / "a")[name] != digests(tmp_path / "b")[name]


def test_patient_k_is_the_same_in_a_cohort_of_5_and_of_50() -> None:
    small = SimulationConfig(seed=3, patients=5, itp_patients=5)
    large = SimulationConfig(seed=3, patients=50, itp_patients=50)
    for index in range(5):
        assert simulate_hsct_patient(small, index) == simulate_hsct_patient(large, index)
        assert simulate_itp_patient(small, index) == simulate_itp_patient(large, index)


def test_patient_k_written_identically_whatever_the_cohort_size(tmp_path: Path) -> None:
    write_dataset(SimulationConfig(seed=4, patients=5), tmp_path / "five")
    write_dataset(SimulationConfig(seed=4, patients=50), tmp_path / "fifty")
    for name in ("observations.csv", *FILES):
        five = (tmp_path / "five" / name).read_text().splitlines()
        fifty = (tmp_path / "fifty" / name).read_text().splitlines()
        ids = {r.split(",")[0] for r in five}
        kept = [line for line in fifty if line.split(",")[0] in ids]
        assert kept == five
