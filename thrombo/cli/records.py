"""Tables of records for people: never a cut identifier or date, never a Python value.

Rich shortens a cell that does not fit with an ellipsis, which turned every patient id into
`HSCT-000…` in an 80-column terminal or a pipe. Here the columns a reader needs whole (ids,
dates) are never wrapped or cut; the rest wrap on words; when even that does not fit, the columns
of least value are dropped first (and named in a note); when the table still does not fit, each
record is printed as its own block of `name: value` lines.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from thrombo.report.words import cite, human, term

__all__ = ["Column", "human", "print_records", "term"]

BORDER_PER_COLUMN = 3
"""Rich's default box: one rule and one space of padding either side of each cell."""

@dataclass(frozen=True)
class Column:
    header: str
    whole: bool = False
    """An identifier or a date: printed whole, never wrapped, never dropped."""
    keep: int = 0
    """Which columns go first when the terminal is narrow: the lowest `keep` is dropped first."""


def print_records(console: Console, title: str, columns: Sequence[Column],
                  rows: Iterable[Sequence[str]], notes: Sequence[str] = ()) -> None:
    """Print rows under `title` as a table that fits the console, or as blocks."""
    cells = [list(r) for r in rows]
    shown = _columns_that_fit(console.width, columns, cells)
    if shown is None:
        _print_blocks(console, title, columns, cells)
    else:
        _print_table(console, title, columns, cells, shown)
        dropped = [c.header for i, c in enumerate(columns) if i not in shown]
        if dropped:
            _print_prose(console, f"not shown at this width: {', '.join(dropped)} "
                                  "(a wider terminal, or --json, shows every column)")
    for note in notes:
        _print_prose(console, note)


def _print_prose(console: Console, text: str) -> None:
    """Legends and warnings wrapped between words at the console's width, as the table is: a
    terminal would cut a long line mid-word, and a pipe gets the same 80 columns. A word longer
    than the line (a path, an identifier) stays whole."""
    for line in textwrap.wrap(cite(text), width=console.width, break_long_words=False,
                              break_on_hyphens=False) or [""]:
        console.print(line, soft_wrap=True, markup=False, highlight=False)


def _min_width(column: Column, cells: list[str]) -> int:
    texts = [column.header, *cells]
    if column.whole:
        return max(len(t) for t in cells) if cells else max(len(w) for w in column.header.split())
    return max((len(word) for t in texts for word in t.split()), default=1)


def _columns_that_fit(width: int, columns: Sequence[Column],
                      rows: list[list[str]]) -> list[int] | None:
    minimum = {i: _min_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)}
    shown = list(range(len(columns)))
    order = sorted((i for i, c in enumerate(columns) if not c.whole),
                   key=lambda i: (columns[i].keep, -i))
    droppable = len(order)
    while sum(minimum[i] for i in shown) + BORDER_PER_COLUMN * len(shown) + 1 > width:
        if 2 * (droppable - len(order) + 1) > droppable:
            return None  # most of the record would be missing: one block per record instead
        shown.remove(order.pop(0))
    return shown


def _widths(width: int, columns: Sequence[Column], rows: list[list[str]],
            shown: list[int]) -> dict[int, int]:
    """Each shown column's width: its minimum (`_min_width`), and the room left over shared in
    proportion to what each column's longest cell still lacks. Set explicitly because Rich's own
    shrinking can leave a table wider than the terminal when many columns have minimums."""
    minimum = {i: _min_width(columns[i], [r[i] for r in rows]) for i in shown}
    natural = {i: max([len(columns[i].header), *(len(r[i]) for r in rows)]) for i in shown}
    room = width - BORDER_PER_COLUMN * len(shown) - 1 - sum(minimum.values())
    wants = {i: max(natural[i] - minimum[i], 0) for i in shown}
    total = sum(wants.values())
    if total <= room:
        return natural
    return {i: minimum[i] + (wants[i] * room) // total for i in shown}


def _print_table(console: Console, title: str, columns: Sequence[Column],
                 rows: list[list[str]], shown: list[int]) -> None:
    table = Table(title=title)
    widths = _widths(console.width, columns, rows, shown)
    for i in shown:
        column = columns[i]
        table.add_column(column.header, no_wrap=column.whole, overflow="fold", width=widths[i])
    for row in rows:
        table.add_row(*(Text(row[i]) for i in shown))
    console.print(table)


def _print_blocks(console: Console, title: str, columns: Sequence[Column],
                  rows: list[list[str]]) -> None:
    console.print(title, soft_wrap=True)
    for row in rows:
        console.print("")
        for column, cell in zip(columns, row, strict=True):
            if cell:
                console.print(f"{column.header}: {cell}", soft_wrap=True, markup=False,
                              highlight=False)
