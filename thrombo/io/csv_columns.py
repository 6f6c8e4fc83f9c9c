"""The dataset folder's observations.csv read in columns (pyarrow), for the import's fast lane.

The import reads millions of observation rows; reading them with the csv module builds a list
and a record object per row. Here the file is cut into blocks at line ends and each block that
is plain (no quote character, no NUL, no carriage return outside a CRLF line end, no blank
line) is read by pyarrow with every column as text: on such a block each physical line is one
row, so the cells are exactly what the csv module gives and a row's line number is the block's
first line plus its place. Anything else is read by the csv module's path
(`csv_dataset`), with the same line numbers:

- a file whose header line is not plain, that lacks a required column or cannot be read: the
  whole file (the csv path gives its errors);
- a block with a quote, a NUL or a lone carriage return: the rest of the file from that
  block's first line (a quoted field may run over lines, so no later line end is certain);
- a block pyarrow refuses (a row with more or fewer fields than the header): that block;
- text that is not UTF-8: the csv path over the whole file, which raises its error.

The rows of a block are given as `ObservationBlock`: the lane takes the rows it is sure of from
its columns, and `ObservationBlock.record` gives any other row as the csv path's record.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from thrombo.domain.records import Provenance
from thrombo.io import csv_dataset
from thrombo.io.raw import SourceRecord

BLOCK_BYTES = 1 << 22
"""[Design] Bytes of the file read into one block (4 MiB, about 50 k rows): large enough that
pyarrow's per-call cost vanishes, small enough that memory stays bounded on any file."""


@dataclass(frozen=True, slots=True)
class ObservationBlock:
    """Consecutive rows of observations.csv, one per line from `first_line`, as text columns
    (cells as the csv module gives them, not stripped)."""

    source: str
    first_line: int
    header: list[str]
    columns: list[list[str]]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def fields(self) -> Iterator[tuple[Any, ...] | None]:
        """Each row's raw observation fields (patient id, time, code, value, unit, ref_low,
        ref_high, extra), as `csv_dataset._ObservationRows` reads them, or None where that
        reader would not give a plain observation (a required cell empty, a blank row)."""
        rows = csv_dataset.ObservationRows(self.header)
        cells = [[c.strip() for c in column] for column in self.columns]
        cells.append([""] * len(self))  # an optional column not in the file: empty cells
        pid, time, code, value, unit, low, high = (cells[i] for i in rows.places)
        extra = [(h, cells[i]) for h, i in rows.extra]
        for n, p in enumerate(pid):
            if not (p and time[n] and code[n] and value[n]):
                yield None
                continue
            yield (p, time[n], code[n], value[n], unit[n] or None, low[n] or None,
                   high[n] or None, {h: col[n] for h, col in extra if col[n]} if extra else {})

    def location(self, n: int) -> str:
        return f"line {self.first_line + n}"

    def record(self, n: int) -> SourceRecord | None:
        """The n-th row as the csv path reads it; None for a blank row (not a record)."""
        row = [column[n] for column in self.columns]
        if not "".join(row).strip():
            return None
        rows = csv_dataset.ObservationRows(self.header)
        return rows(row, Provenance(self.source, self.location(n)))


Item = SourceRecord | ObservationBlock


@runtime_checkable
class BlockSource(Protocol):
    """Records that can also be read with their observation rows in blocks."""

    def with_blocks(self) -> Iterator[Item]: ...


class DatasetRecords:
    """A dataset folder's records (iterating gives `SourceRecord`s, as csv_dataset reads them);
    `with_blocks` gives the same records with observations.csv's plain rows in blocks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __iter__(self) -> Iterator[SourceRecord]:
        return csv_dataset.read_dataset(self.folder)

    def with_blocks(self) -> Iterator[Item]:
        for path, records in csv_dataset.dataset_files(self.folder):
            if path.name == csv_dataset.OBSERVATIONS:
                yield from observation_items(path)
            else:
                yield from records


def observation_items(path: Path) -> Iterator[Item]:
    """observations.csv's records: plain blocks as `ObservationBlock`, the rest as records."""
    try:
        handle = path.open("rb")
    except OSError:
        handle = None
    if handle is None:
        yield from csv_dataset.read_file(path)  # its error
        return
    with handle:
        head = handle.read(BLOCK_BYTES)
        header, start = _plain_header(head)
        if header is None:
            yield from csv_dataset.read_file(path)
            return
        yield from _blocks(path, handle, head[start:], header)


def _plain_header(head: bytes) -> tuple[list[str] | None, int]:
    """The header's names and where its line ends, when the line is plain and names every
    required column; else None (the csv path reads the file)."""
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    end = head.find(b"\n", start)
    line = head[start:end + 1]
    if end < 0 or b'"' in line or b"\x00" in line or line.count(b"\r") != line.count(b"\r\n"):
        return None, 0
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None, 0
    header = [h.strip() for h in next(csv.reader([text]))]
    required = csv_dataset.REQUIRED_COLUMNS[csv_dataset.OBSERVATIONS]
    if any(c not in header for c in required):
        return None, 0
    return header, end + 1


def _blocks(path: Path, handle: io.BufferedReader, rest: bytes, header: list[str]
            ) -> Iterator[Item]:
    source, line = str(path), 2
    while True:
        more = handle.read(BLOCK_BYTES)
        cut = len(rest) if not more else rest.rfind(b"\n") + 1
        if more and cut == 0:
            rest += more  # no line end yet: a longer block
            continue
        block, rest = rest[:cut], rest[cut:] + more
        if not block:
            return
        if not _plain(block):
            # The rest of the file from this block's first line, by the csv path.
            handle.seek(handle.tell() - len(block) - len(rest))
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            yield from _csv_rows(path, text, header, line)
            return
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
        columns = _columns(path, block, len(header))
        if columns is None:
            yield from _csv_rows(path, io.StringIO(block.decode("utf-8"), newline=""), header,
                                 line)
        else:
            yield ObservationBlock(source, line, header, columns)
        line += lines


def _plain(block: bytes) -> bool:
    """Whether every line of the block is one row pyarrow and the csv module read alike."""
    return (b'"' not in block and b"\x00" not in block and not block.startswith((b"\n", b"\r"))
            and b"\n\n" not in block and b"\n\r" not in block
            and block.count(b"\r") == block.count(b"\r\n"))


def _columns(path: Path, block: bytes, width: int) -> list[list[str]] | None:
    """The block's cells by column, or None when pyarrow refuses it (a ragged row)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        for _ in csv_dataset._text(path):  # the csv path's error, as it words it
            pass
        raise
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(block),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    return [column.to_pylist() for column in table.columns]


def _csv_rows(path: Path, lines: Iterable[str], header: list[str], line: int
              ) -> Iterator[SourceRecord]:
    """Lines read by the csv path, the first being line `line` of the file; text that is not
    UTF-8 raises the csv path's error, as it words it."""
    rows = csv_dataset.row_reader(csv_dataset.OBSERVATIONS, header)
    try:
        yield from csv_dataset.csv_records(csv.reader(lines), str(path), rows, line - 1)
    except UnicodeDecodeError:
        for _ in csv_dataset._text(path):
            pass
        raise


def items_of(records: Iterable[SourceRecord], blocks: bool) -> Iterable[Item]:
    """The records, in blocks where their reader offers them and `blocks` is asked for."""
    if blocks and isinstance(records, BlockSource):
        return records.with_blocks()
    return records
