"""The accounting of the direct screen's observation rows, read from the checked scratch table.

The accounting has the shape of `load_source(...).input_json()` (interface.md, `import --json`):
the same per-source counts, and quarantine entries of the same fields (source, location,
reason). Refused observation rows are grouped by kind, though: the quarantine list gives the
first row of each kind (with the reason the normal reader gives for that row) instead of one
entry per row, and a warning says how many rows of that kind there are: a feed with a million
bad rows must not print a million lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from thrombo.domain.records import Provenance
from thrombo.io.raw import RawObservation, SourceRecord
from thrombo.normalize import row_checks as rc
from thrombo.normalize.assemble import Dataset
from thrombo.normalize.canonical_records import Context, normalize_record
from thrombo.normalize.canonical_records import unverified_loinc_note as loinc_note
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SkipGroup
from thrombo.normalize.row_checks import Skip, resolve_analyte
from thrombo.normalize.units import unverified_molar_note
from thrombo.normalize.values import ValueProblem
from thrombo.population import dataset_views as views
from thrombo.population.checked_rows import CHECKED, mark_copies


def reason_kind(reason: str) -> str | None:
    """The kind of a quarantine reason the normal reader gives for an observation row."""
    return rc.problem_of(reason)


@dataclass(frozen=True)
class RefusedRows:
    """Observation rows quarantined for one kind of problem: how many, and the first of them."""

    kind: str
    count: int
    source: str
    location: str
    reason: str
    """The reason the normal reader gives for the example row."""

    def to_json(self) -> dict[str, str]:
        """The first row's entry, as the normal reader's quarantine lists it."""
        return QuarantineEntry(self.source, self.location, self.reason).to_json()

    def note(self) -> str | None:
        """The warning that the quarantine list gives only the first of several rows."""
        if self.count == 1:
            return None
        return (f"{self.source}: {self.count} rows quarantined as {rc.WORDS[self.kind]}; "
                f"the quarantine lists the first of them ({self.location})")


@dataclass(frozen=True)
class DirectAccounting:
    """The read summary: the normal reader's for patients, medications and events, plus the
    observation rows, stored, duplicate, skipped or quarantined (grouped by kind)."""

    summary: ImportSummary
    refused: tuple[RefusedRows, ...] = ()

    def quarantined_by_kind(self) -> dict[str, int]:
        return {r.kind: r.count for r in self.refused}

    def to_json(self) -> dict[str, Any]:
        document = self.summary.to_json()
        document["quarantine"] = [*document["quarantine"], *(r.to_json() for r in self.refused)]
        notes = (r.note() for r in self.refused)
        document["warnings"] = [*document["warnings"], *(n for n in notes if n is not None)]
        return document


class Feed(Protocol):
    """Where the observation rows came from, as the normal reader names and explains them."""

    @property
    def label(self) -> str:
        """The source the normal reader's quarantine entries name."""

    def rejects(self, con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
        """Rows the file reader could not split into fields (line, reason), in file order."""

    def location(self, seq: int, reject_lines: list[int]) -> str:
        """The normal reader's location of the row numbered `seq`."""

    def reasons(
        self, con: duckdb.DuckDBPyConnection, examples: list[tuple[str, int]], ctx: Context
    ) -> list[str]:
        """The normal reader's own reason for refusing each (kind, row number) example, all
        asked at once so that a feed that must read its file again reads it once."""


@dataclass(frozen=True)
class DatasetFeed:
    """`observations.csv|parquet` of a dataset folder (thrombo.io.csv_dataset)."""

    path: Path

    @property
    def label(self) -> str:
        return str(self.path)

    def rejects(self, con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
        return _rejects(con, self.path)

    def location(self, seq: int, reject_lines: list[int]) -> str:
        return _location(self.path, seq, reject_lines)

    def reasons(
        self, con: duckdb.DuckDBPyConnection, examples: list[tuple[str, int]], ctx: Context
    ) -> list[str]:
        return [_example_reason(con, kind, seq, ctx, self.path) for kind, seq in examples]


@dataclass
class Tally:
    """Observation figures gathered over the check pass and the ranges, folded into the
    summary at the end."""

    records: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: list[RefusedRows] = field(default_factory=list)
    skipped: list[SkipGroup] = field(default_factory=list)
    unverified: dict[str, int] = field(default_factory=dict)


_ACCOUNT_SQL = (f"SELECT kind, code, source_unit, count(*) AS n, min(seq) AS first FROM {CHECKED} "
                "GROUP BY ALL")
# Rows the normal reader reads before it refuses them for their patient or keys them as
# copies: each counts towards the unverified mappings it was read through.
_READ_KINDS = (*rc.COPIED_KINDS, rc.REPEATED_ID, rc.REPEATED_CONTENT)


def account_observations(
    con: duckdb.DuckDBPyConnection, feed: Feed, ctx: Context, tally: Tally
) -> None:
    """The observation rows by problem kind and code, each with its first row (read from the
    checked table, so the file is not read again); copies of rows read are duplicates (the
    copies of usable rows are counted range by range, checked_rows.select_range)."""
    mark_copies(con)
    groups = con.execute(_ACCOUNT_SQL).fetchall()
    rejects = feed.rejects(con)
    tally.records = sum(int(n) for _, _, _, n, _ in groups) + len(rejects)
    by_kind: dict[str, tuple[int, int]] = {}
    skips: dict[str, tuple[int, int]] = {}
    for kind, code, unit, n, first in groups:
        if kind in _READ_KINDS:
            _note_unverified(tally, code, unit, int(n), ctx)
        if kind in (rc.REPEATED_ID, rc.REPEATED_CONTENT):
            tally.duplicates += int(n)
            continue
        if kind == rc.SKIPPED.name:
            _add(skips, _skip_reason(code, ctx), int(n), int(first))
        elif kind is not None:
            _add(by_kind, kind, int(n), int(first))
    lines = sorted(line for line, _ in rejects)
    tally.skipped = [SkipGroup(reason, count, f"{feed.label} {feed.location(seq, lines)}")
                     for reason, (count, seq) in sorted(skips.items(), key=lambda i: i[1][1])]
    examples = [(kind, seq) for kind, (_, seq) in by_kind.items()]
    tally.refused = [
        RefusedRows(kind, count, feed.label, feed.location(seq, lines), reason)
        for (kind, (count, seq)), reason in zip(by_kind.items(),
                                                feed.reasons(con, examples, ctx), strict=True)
    ]
    if rejects:
        tally.refused = [*_with_rejects(tally.refused, rejects, feed.label)]


def _add(groups: dict[str, tuple[int, int]], key: str, n: int, first: int) -> None:
    """Add n rows, the earliest at row `first`, to a group's (count, earliest row)."""
    count, seq = groups.get(key, (0, first))
    groups[key] = (count + n, min(seq, first))


def _with_rejects(
    refused: list[RefusedRows], rejects: list[tuple[int, str]], label: str
) -> Iterator[RefusedRows]:
    """Rows DuckDB rejected outright join the other malformed rows (the earliest is the example)."""
    first = RefusedRows(rc.MALFORMED.name, len(rejects), label, f"line {rejects[0][0]}",
                        rejects[0][1])
    for group in refused:
        if group.kind != rc.MALFORMED.name:
            yield group
            continue
        line = int(group.location.split()[-1])
        example = group if line < rejects[0][0] else first
        first = RefusedRows(rc.MALFORMED.name, group.count + len(rejects), label,
                            example.location, example.reason)
    yield first


def _rejects(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[int, str]]:
    """CSV rows DuckDB could not split into the header's fields (line, reason), in file order."""
    if path.suffix == ".parquet":
        return []
    rows = con.execute("SELECT line, error_message FROM obs_rejects ORDER BY line").fetchall()
    return [(int(line), f"malformed CSV: {message}") for line, message in rows]


def _location(path: Path, seq: int, reject_lines: list[int]) -> str:
    """`row N` in Parquet; in CSV the editor's line (header line 1), counting the rejected
    lines before it (a blank line or a quoted cell over several lines is not counted)."""
    if path.suffix == ".parquet":
        return f"row {seq}"
    line = seq + 1
    for rejected in reject_lines:
        if rejected <= line:
            line += 1
    return f"line {line}"


def _skip_reason(code: str, ctx: Context) -> str:
    try:
        resolve_analyte(code, ctx.codemap)
    except Skip as skip:
        return str(skip)
    raise AssertionError(f"code {code!r} was skipped in SQL but resolves in Python")


def _note_unverified(tally: Tally, code: str, unit: str | None, n: int, ctx: Context) -> None:
    """The normal reader's note for these rows (build.observation_note): the unverified LOINC
    mapping, else the unverified molar mass a conversion rests on."""
    analyte = resolve_analyte(code, ctx.codemap)
    note = loinc_note(code, analyte.key)
    if note is None and unit is not None and analyte.units:
        note = unverified_molar_note(analyte, unit)
    if note is not None:
        tally.unverified[note] = tally.unverified.get(note, 0) + n


def _example_reason(
    con: duckdb.DuckDBPyConnection, kind: str, seq: int, ctx: Context, path: Path
) -> str:
    """The normal reader's own reason for the example row (its normaliser, run on that row)."""
    row = con.execute(
        "SELECT patient_id, time_text, code, value_text, source_unit, ref_low_text, "
        f"ref_high_text, fields FROM {CHECKED} WHERE seq = {int(seq)}"
    ).fetchall()[0]
    pid, moment, code, value, unit, low, high, fields = row
    if kind == rc.MALFORMED.name:
        return f"{fields} fields where the header has {len(views.csv_header(path))}"
    if kind == rc.UNKNOWN_PATIENT.name:
        return f"unknown patient {pid!r}"
    if kind == rc.MISSING.name:
        named = zip(("patient_id", "time", "code", "value"), (pid, moment, code, value),
                    strict=True)
        return f"required value missing: {', '.join(n for n, v in named if v is None)}"
    raw = RawObservation(pid, moment, code, value, unit, low, high)
    try:
        normalize_record(SourceRecord(Provenance(str(path), ""), (raw,)), ctx)
    except ValueProblem as problem:
        return str(problem)
    return f"{kind} (this row alone passes the normal reader's checks)"


def accounting(side: Dataset, tally: Tally) -> DirectAccounting:
    summary = side.summary
    folder = summary.sources[0]
    folder.records += tally.records
    folder.stored += tally.stored
    folder.duplicates += tally.duplicates
    folder.skipped += sum(g.count for g in tally.skipped)
    folder.quarantined += sum(r.count for r in tally.refused)
    for group in tally.skipped:
        known = summary.skipped.get(group.reason)
        if known is None:
            summary.skipped[group.reason] = group
        else:
            known.count += group.count
    for mapping, count in tally.unverified.items():
        summary.unverified[mapping] = summary.unverified.get(mapping, 0) + count
    return DirectAccounting(summary, tuple(tally.refused))
