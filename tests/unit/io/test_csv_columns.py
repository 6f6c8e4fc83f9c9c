"""observations.csv read in columns (io.csv_columns) fails as the csv module's path fails:
the same SourceError, worded the same, for text that is not UTF-8 (in the first block or a
later one), an empty file and a header without a required column; and a plain file is read in
blocks (the rows the lane takes come without a record object)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from thrombo.errors import SourceError
from thrombo.io import csv_columns
from thrombo.io.csv_columns import ObservationBlock, observation_items
from thrombo.io.csv_dataset import read_file

HEADER = b"patient_id,time,code,value,unit\n"
ROW = b"P1,2024-01-02T08:00:00,2160-0,0.5,mg/dL\n"


def error_of(read: object) -> str:
    with pytest.raises(SourceError) as caught:
        list(read)  # type: ignore[call-overload]
    return str(caught.value)


@pytest.mark.parametrize("content", [
    HEADER + ROW * 50 + b"P1,2024-01-02,2160-0,\xff,mg/dL\n" + ROW,  # a later block
    HEADER + b"P1,2024-01-02,2160-0,\xe9,mg/dL\n",  # the first block
    b"",  # empty
    b"patient_id,time,value,unit\n" + ROW,  # no code column
    b'"patient_id",time,code,value,unit\n' + ROW + b"\xff\n",  # a header read by the csv path
])
def test_errors_are_the_csv_paths(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "observations.csv"
    path.write_bytes(content)
    with mock.patch.object(csv_columns, "BLOCK_BYTES", 64):
        assert error_of(observation_items(path)) == error_of(read_file(path))


def test_plain_rows_come_in_blocks_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "observations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") +
                     ROW.replace(b"\n", b"\r\n") * 3)
    items = list(observation_items(path))
    assert [type(i) for i in items] == [ObservationBlock]
    block = items[0]
    assert isinstance(block, ObservationBlock)
    assert [block.location(n) for n in range(len(block))] == ["line 2", "line 3", "line 4"]
    assert next(block.fields()) == ("P1", "2024-01-02T08:00:00", "2160-0", "0.5", "mg/dL",
                                    None, None, {})
