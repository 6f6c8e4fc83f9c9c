"""Streaming import: sources of any size into the store in bounded memory, all or nothing.

Records are normalised and written in chunks inside one transaction, so memory holds one chunk
(plus records waiting for a patient that has not been read yet) while a crash or error still
leaves no part of the import behind. Duplicates are recognised against what the store (including
earlier chunks of the same import) already holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from thrombo.domain.heap import heap_frozen
from thrombo.domain.records import Patient
from thrombo.io.csv_columns import ObservationBlock, items_of
from thrombo.io.raw import SourceRecord
from thrombo.normalize.assemble import Accepted, accept, unknown_patient
from thrombo.normalize.canonical_records import Context
from thrombo.normalize.identity import KEPT_WHEN_MISSING, Identities, hold
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SourceSummary
from thrombo.store.bulk_rows import Binds, LaneRow, ObservationLane
from thrombo.store.schema import patients
from thrombo.store.sources import SourceSpec
from thrombo.store.sql import Store, begin_import, finish_import, write_accepted

CHUNK_RECORDS = 20_000


def import_sources(
    store: Store,
    sources: Iterable[SourceSpec],
    ctx: Context,
    *,
    actor: str,
    command: str,
    chunk_records: int = CHUNK_RECORDS,
    update: bool = False,
    lane: bool = True,
) -> ImportSummary:
    """`update`: the patient records are corrections of the stored ones (normalize.identity).
    `lane`: plain laboratory results take the fast lane (store.bulk_rows); without it every
    record takes the per-record path (the same accounting and rows, slower)."""
    totals = ImportSummary()
    with heap_frozen(), store.engine.begin() as conn:
        import_id = begin_import(conn, actor, command)
        identities = stored_identities(conn, update=update)
        known: set[str] = set(identities.known)
        # Age and sex of stored patients, for the site's banded lab ranges (normalize.labranges).
        for pid, fields in identities.known.items():
            ctx.patients.setdefault(pid, (fields["birth_date"], fields["sex"]))
        waiting: list[tuple[SourceSummary, Accepted]] = []
        fast = ObservationLane(ctx, identities, known, totals, Binds.of(conn)) if lane else None
        for path, fmt, records, ignored in sources:
            summary = SourceSummary(path=path, format=fmt, ignored_files=ignored)
            totals.sources.append(summary)
            reading = _Reading(conn, ctx, identities, known, summary, totals, import_id,
                               chunk_records, fast, waiting)
            for read in items_of(records, blocks=fast is not None):
                if isinstance(read, ObservationBlock):
                    reading.block(read)
                else:
                    reading.record(read)
            reading.flush()
        # Records read before their patient: resolvable now, or quarantined as unknown (or held
        # back with a patient record that contradicts the stored one).
        waiting = [w for w in waiting if not hold(w[1], identities, ctx.patients, w[0], totals)]
        write_accepted(
            conn, [w for w in waiting if unknown_patient(w[1], known) is None], import_id
        )
        for summary, item in waiting:
            missing = unknown_patient(item, known)
            if missing is not None:
                summary.quarantined += 1
                prov = item.provenance
                totals.quarantine.append(
                    QuarantineEntry(prov.source, prov.location, f"unknown patient {missing!r}")
                )
        note = identities.note()
        if note is not None:
            totals.notes.append(note)
        finish_import(conn, import_id, totals, actor, command)
    return totals


@dataclass
class _Reading:
    """One source's records on their way to the store, in chunks: through the lane where it
    takes them, else the per-record path (in their place in the file)."""

    conn: Connection
    ctx: Context
    identities: Identities
    known: set[str]
    summary: SourceSummary
    totals: ImportSummary
    import_id: int
    chunk_records: int
    fast: ObservationLane | None
    waiting: list[tuple[SourceSummary, Accepted]]
    batch: list[tuple[SourceSummary, Accepted | LaneRow]] = field(default_factory=list)

    def record(self, record: SourceRecord) -> None:
        self.summary.records += 1
        fast = self.fast
        entry = None if fast is None else fast.take(record, self.import_id)
        if entry is None:
            self._per_record(record)
        else:
            self._add(entry)

    def block(self, block: ObservationBlock) -> None:
        """A block's rows: each the lane takes from its columns, the others as records."""
        take = self.fast.take_fields  # type: ignore[union-attr]  # blocks come with the lane
        source, import_id = block.source, self.import_id
        for n, fields in enumerate(block.fields()):
            entry = None if fields is None else take(fields, source, block.location(n),
                                                      import_id)
            if entry is not None:
                self.summary.records += 1
                self._add(entry)
                continue
            record = block.record(n)
            if record is not None:  # None: a blank line, not a record
                self.summary.records += 1
                self._per_record(record)

    def _per_record(self, record: SourceRecord) -> None:
        item = accept(record, self.ctx, self.summary, self.totals)
        if item is None or hold(item, self.identities, self.ctx.patients, self.summary,
                                self.totals):
            return
        self.known.update(r.patient_id for r in item.records if isinstance(r, Patient))
        if unknown_patient(item, self.known) is not None:
            self.waiting.append((self.summary, item))
            return
        self._add(item)

    def _add(self, entry: Accepted | LaneRow) -> None:
        self.batch.append((self.summary, entry))
        if len(self.batch) >= self.chunk_records:
            self.flush()

    def flush(self) -> None:
        write_accepted(self.conn, self.batch, self.import_id)
        self.batch = []


def stored_identities(conn: Connection, *, update: bool = False) -> Identities:
    """The stored patients, as the identity rule compares an incoming record with them."""
    columns = ("birth_date", "sex", "death_date", *KEPT_WHEN_MISSING, "attributes")
    rows = conn.execute(select(patients.c.patient_id, *(patients.c[c] for c in columns))).all()
    return Identities({row.patient_id: dict(zip(columns, row[1:], strict=True)) for row in rows},
                      update=update)
