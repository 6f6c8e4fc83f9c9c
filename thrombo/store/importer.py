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
from thrombo.normalize.identity import KEPT_WHEN_MISSING, Identities
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
    update: bool = False,
) -> ImportSummary:
    """`update`: the patient records are corrections of the stored ones (normalize.identity)."""
    totals = ImportSummary()
    with store.engine.begin() as conn:
        import_id = begin_import(conn, actor, command)
        columns = ("birth_date", "sex", "death_date", *KEPT_WHEN_MISSING)
        stored = conn.execute(select(patients.c.patient_id,
                                     *(patients.c[c] for c in columns))).all()
        known: set[str] = {row.patient_id for row in stored}
        identities = Identities({row.patient_id: dict(zip(columns, row[1:], strict=True))
                                 for row in stored}, update=update)
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
                if item is None or _held(item, identities, ctx, summary, totals):
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
        # Records read before their patient: resolvable now, or quarantined as unknown (or held
        # back with a patient record that contradicts the stored one).
        waiting = [w for w in waiting if not _held(w[1], identities, ctx, w[0], totals)]
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


def _held(item: Accepted, identities: Identities, ctx: Context, summary: SourceSummary,
          totals: ImportSummary) -> bool:
    """Quarantine the item when its patient record contradicts the stored patient, or when it
    belongs to such a patient (normalize.identity); its patient's known age and sex stay those of
    the stored patient."""
    reason = identities.screen(item)
    if reason is None:
        return False
    for record in item.records:
        known = identities.birth_and_sex(record.patient_id)
        if known is not None:
            ctx.patients[record.patient_id] = known
    summary.quarantined += 1
    prov = item.provenance
    totals.quarantine.append(QuarantineEntry(prov.source, prov.location, reason))
    return True
