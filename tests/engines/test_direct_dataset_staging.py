"""The direct screen's one check pass (thrombo.population.checked_rows): the scratch space is
removed whatever happens, patient ranges cover every patient once with bounded rows, a table not in
patient order is told from one that is, and the sorted path screens as the reference."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrombo.engines.duck import connect
from thrombo.errors import SourceError
from thrombo.io import csv_dataset
from thrombo.normalize.labranges import LabRanges
from thrombo.population import checked_rows, dataset_folder
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

from .test_direct_dataset import assert_same_verdicts, bad_folder


@pytest.fixture
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect()
    with checked_rows.scratch_space(con):
        yield con


def checked_table(con: duckdb.DuckDBPyConnection, rows_by_patient: list[int]) -> None:
    """pat_all and a checked table: patient i has rows_by_patient[i] usable rows plus one
    refused row (which must not count towards a range)."""
    ids = [f"P{i:04d}" for i in range(len(rows_by_patient))]
    con.register("pat_all", pa.table({"patient_id": ids}))
    con.execute(f"CREATE TABLE {checked_rows.CHECKED} (patient_id VARCHAR, kind VARCHAR)")
    for pid, n in zip(ids, rows_by_patient, strict=True):
        con.execute(f"INSERT INTO {checked_rows.CHECKED} SELECT ?, NULL FROM range(?) "
                    "UNION ALL SELECT ?, 'implausible-value'", [pid, n, pid])


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.integers(0, 50), min_size=1, max_size=40), limit=st.integers(1, 120))
def test_ranges_cover_every_patient_once_with_rows_bounded_by_the_range_size(
    rows: list[int], limit: int
) -> None:
    """Property: ranges are disjoint, in order, cover every patient (those without rows too,
    refused rows not counted); there are at most ceil(usable/limit) of them and each holds at
    most its share of the usable rows plus one patient's (a patient is never split)."""
    con = connect()
    with checked_rows.scratch_space(con):
        checked_table(con, rows)
        ranges = checked_rows.patient_ranges(con, limit)
    ids = [f"P{i:04d}" for i in range(len(rows))]
    covered = [[i for i, pid in enumerate(ids) if low <= pid <= high] for low, high in ranges]
    assert [i for group in covered for i in group] == list(range(len(rows)))
    total = sum(rows)
    buckets = max(1, -(-total // limit))
    assert len(ranges) <= buckets
    for group in covered:
        assert sum(rows[i] for i in group) <= -(-total // buckets) + max(rows)


def test_ranges_split_a_cohort_by_rows_not_by_patients(scratch: duckdb.DuckDBPyConnection) -> None:
    """Hand-checked: rows 90, 10, 10, 10, 10, 10, 10 (150) in ranges of at most 100 rows make
    two ranges of ~75 rows: the heavy first patient alone would have been half the patients'
    range otherwise (90 + 10 + 10 + 10 = 120 rows, over the limit)."""
    checked_table(scratch, [90, 10, 10, 10, 10, 10, 10])
    assert checked_rows.patient_ranges(scratch, 100) == [("P0000", "P0000"), ("P0001", "P0006")]


def test_a_table_in_patient_order_is_read_as_is_a_shuffled_one_is_sorted(
    scratch: duckdb.DuckDBPyConnection,
) -> None:
    """500,000 rows (five DuckDB row groups) of 1,000 patients: written patient by patient,
    no row group reaches back into the previous one's patients; shuffled, nearly all do."""
    scratch.execute(f"""CREATE TABLE {checked_rows.CHECKED} AS
        SELECT printf('P%04d', i // 500) AS patient_id, i AS seq, CAST(NULL AS VARCHAR) AS kind
        FROM range(500000) t(i)""")
    scratch.execute("CHECKPOINT scratch")
    assert checked_rows.mixed_share(scratch, checked_rows.CHECKED) == 0.0
    in_place = f"(SELECT * FROM {checked_rows.CHECKED} WHERE kind IS NULL)"
    assert checked_rows.usable_rows(scratch, 2) == in_place
    scratch.execute(f"CREATE OR REPLACE TABLE {checked_rows.CHECKED} AS "
                    f"SELECT * FROM {checked_rows.CHECKED} ORDER BY hash(seq)")
    scratch.execute("CHECKPOINT scratch")
    share = checked_rows.mixed_share(scratch, checked_rows.CHECKED)
    assert share > checked_rows.MIXED_ROW_GROUP_SHARE
    assert checked_rows.usable_rows(scratch, 2) == checked_rows.USABLE_SORTED
    assert checked_rows.usable_rows(scratch, 1) == in_place  # one range: no sort needed


def shuffled_folder(root: Path) -> Path:
    config = SimulationConfig(seed=21, patients=25, itp_patients=2, tma_fraction=0.3)
    write_dataset(config, root, "parquet")
    path = root / "observations.parquet"
    table = pq.read_table(path)
    order = sorted(range(table.num_rows), key=lambda i: (i * 7919) % table.num_rows)
    pq.write_table(table.take(order), path)
    return root


def test_the_sorted_path_screens_and_counts_as_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated folder whose observations are shuffled, with the sort forced (a small file
    is one row group, which never looks mixed): same verdicts as the reference, same counts
    as load_source, in several ranges."""
    folder = shuffled_folder(tmp_path)
    sorts: list[str] = []
    real = checked_rows.usable_rows

    def counting(con: duckdb.DuckDBPyConnection, ranges: int) -> str:
        found = real(con, ranges)
        sorts.append(found)
        return found

    monkeypatch.setattr(checked_rows, "MIXED_ROW_GROUP_SHARE", -1.0)
    monkeypatch.setattr(checked_rows, "usable_rows", counting)
    loaded, accounting = assert_same_verdicts(folder, "Europe/Berlin", rows_per_range=4_000)
    assert accounting.to_json() == loaded.input_json()
    assert sorts and set(sorts) == {checked_rows.USABLE_SORTED}


def scratch_dirs(root: Path) -> list[Path]:
    return sorted(root.glob("thrombo-screen-*"))


def test_the_scratch_space_is_removed_after_a_screen_and_after_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary directory (scratch database, DuckDB spill files) is gone after a
    successful screen and after a failure in the middle of the check pass."""
    (tmp_path / "data").mkdir()
    folder = bad_folder(tmp_path / "data")
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    seen: list[Path] = []
    real = checked_rows.check_once

    def watching(con: duckdb.DuckDBPyConnection, ranges: LabRanges | None = None) -> None:
        seen.extend(p / "scratch.duckdb" for p in scratch_dirs(spill))
        assert seen[-1].exists()
        real(con, ranges)

    monkeypatch.setattr(checked_rows, "check_once", watching)
    dataset_folder.screen_dataset(folder, criteria_set("jodele-2014"),
                                      BulkOptions(date(2025, 2, 28)))
    assert len(seen) == 1
    assert scratch_dirs(spill) == []

    def failing(con: duckdb.DuckDBPyConnection, ranges: LabRanges | None = None) -> None:
        seen.extend(scratch_dirs(spill))
        raise RuntimeError("disk full")

    monkeypatch.setattr(checked_rows, "check_once", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        dataset_folder.screen_dataset(folder, criteria_set("jodele-2014"),
                                      BulkOptions(date(2025, 2, 28)))
    assert len(seen) == 2 and scratch_dirs(spill) == []


def test_read_file_reads_each_dataset_file_as_read_dataset_does(tmp_path: Path) -> None:
    """csv_dataset.read_file, file by file, gives read_dataset's records in its order; a file
    that is not part of the format is refused with its name."""
    folder = bad_folder(tmp_path)
    by_file = [record for name in ("patients.csv", "observations.csv", "medications.csv",
                                   "events.csv")
               for record in csv_dataset.read_file(folder / name)]
    assert by_file == list(csv_dataset.read_dataset(folder))
    with pytest.raises(SourceError, match=r"notes\.txt: not a dataset file"):
        csv_dataset.read_file(folder / "notes.txt")
