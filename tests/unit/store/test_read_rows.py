"""The store's observation reader (plain tuples, times parsed once) gives the records the typed
SQLAlchemy path gives, field for field: a simulated cohort with censored results, site lab
ranges, reported units, codes, time-zone offsets, extra columns and an amended result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from thrombo.domain.codes import Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Provenance
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.read import read_timelines
from thrombo.store.schema import observations
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store


def typed_observations(conn: Connection) -> list[Observation]:
    """The reader as it was: every row through SQLAlchemy's column types."""
    found = []
    for row in conn.execute(select(observations)):
        bound = row.comparator or None
        tz = timezone(timedelta(minutes=row.utc_offset_minutes))
        found.append(Observation(
            id=row.id, patient_id=row.patient_id, analyte=row.analyte,
            time=row.time_utc.replace(tzinfo=UTC).astimezone(tz),
            quantity=Quantity(row.value, row.unit, bound) if row.value is not None else None,
            category=row.category, ref_low=row.ref_low, ref_high=row.ref_high,
            code=Code(row.code_system, row.code) if row.code else None,
            reported=(Quantity(row.reported_value, row.reported_unit, bound)
                      if row.reported_value is not None else None),
            version=row.version, attributes=row.attributes or {},
            provenance=Provenance(row.source, row.location) if row.source else None,
            ref_source=row.ref_source,
        ))
    return found


def _fields(records: Sequence[Observation]) -> dict[str, tuple[Any, ...]]:
    # attributes and provenance are left out of Observation's equality: compare them too, and
    # the offset each time comes back in.
    return {o.id: (o, o.attributes, o.provenance, o.time.utcoffset()) for o in records}


# Rows beside the simulated ones: censored, another offset, a reported unit converted (LDH in
# ukat/L), a site code column the reader keeps as an attribute.
EXTRA_ROWS = (
    "{pid},2025-01-10T08:00:00+02:00,777-3,<10,10*9/L,,,x1",
    "{pid},2025-01-10T09:30:00-05:00,2532-0,6.0,ukat/L,2.0,4.5,x2",
    "{pid},2025-01-11T07:00:00,2532-0,>2500,U/L,140,280,",
)


def _cohort(folder: Path) -> None:
    write_dataset(SimulationConfig(patients=6, seed=5), folder)
    path = folder / "observations.csv"
    lines = path.read_text().splitlines()
    pid = lines[1].split(",")[0]
    rows = [lines[0] + ",site_code", *(line + "," for line in lines[1:]),
            *(row.format(pid=pid) for row in EXTRA_ROWS)]
    path.write_text("\n".join(rows) + "\n")


def test_plain_rows_give_the_typed_records(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    _cohort(folder)
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    store.import_dataset(read_sources([str(folder)]), actor="test", command="test")
    with store.engine.connect() as conn:
        expected = typed_observations(conn)
        got = [o for t in read_timelines(conn) for o in t.observations]
    assert len(got) == len(expected) > 1000
    assert _fields(got) == _fields(expected)
    assert {o.time.utcoffset() for o in got} >= {timedelta(hours=2), timedelta(hours=-5)}
    assert any(o.quantity and o.quantity.comparator == "<" for o in got)
    assert any(o.reported and o.reported.unit == "ukat/L" for o in got)
    assert any(o.attributes.get("site_code") == "x1" for o in got)
