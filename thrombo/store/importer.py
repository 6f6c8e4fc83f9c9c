"""Streaming import: sources of any size into the store in bounded memory, all or nothing.

Records are normalised and written in chunks inside one transaction, so memory holds one chunk
(plus records waiting for a patient that has not been read yet) while a crash or error still
leaves no part of the import behind. Duplicates are recognised against what the store (including
earlier chunks of the same import) already holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from thrombo.domain.records import Patient
from thrombo.normalize.assemble import Accepted, accept, unknown_patient
from thrombo.normalize.build import Context
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SourceSummary
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
) -> ImportSummary:
    totals = ImportSummary()
    with store.engine.begin() as conn:
        import_id = begin_import(conn, actor, command)
        stored = conn.execute(select(patients.c.patient_id, patients.c.birth_date,
                                     patients.c.sex)).all()
        known: set[str] = {row.patient_id for row in stored}
        # Age and sex of stored patients, for the site's banded lab ranges (normalize.labranges).
        for row in stored:
            ctx.patients.setdefault(row.patient_id, (row.birth_date, row.sex))
        waiting: list[tuple[SourceSummary, Accepted]] = []
        for path, fmt, records, ignored in sources:
            summary = SourceSummary(path=path, format=fmt, ignored_files=ignored)
            totals.sources.append(summary)
            batch: list[tuple[SourceSummary, Accepted]] = []
            for record in records:
                summary.records += 1
                item = accept(record, ctx, summary, totals)
                if item is None:
                    continue
                known.update(r.patient_id for r in item.records if isinstance(r, Patient))
                if unknown_patient(item, known) is None:
                    batch.append((summary, item))
                else:
                    waiting.append((summary, item))
                if len(batch) >= chunk_records:
                    write_accepted(conn, batch, import_id)
                    batch = []
            write_accepted(conn, batch, import_id)
        # Records read before their patient: resolvable now, or quarantined as unknown.
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
        finish_import(conn, import_id, totals, actor, command)
    return totals
