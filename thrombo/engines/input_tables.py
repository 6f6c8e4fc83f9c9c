"""The engine-neutral input tables: patients, observations and events as Arrow tables.

Days are local calendar days counted from 1970-01-01 and times are UTC microseconds, so the
compiled SQL needs no date functions. `seq` orders a patient's observations exactly as
`PatientTimeline` does (time, analyte, id): the reference's tie-break for first/last baselines
and for the latest height.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline

EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
US_PER_DAY = 86_400_000_000
# Completed-years thresholds given as birthdays to every engine (blood-pressure age bands).
ANNIVERSARY_YEARS = (1, 3, 18)


def day_number(day: date | None) -> int | None:
    return None if day is None else (day - EPOCH_DAY).days


def from_day_number(n: int | None) -> date | None:
    return None if n is None else EPOCH_DAY + timedelta(days=int(n))


def anniversary(birth: date, years: int) -> date:
    """The day a child completes `years` (29 February birthdays fall on 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def patient_row(p: Patient) -> dict[str, object]:
    row: dict[str, object] = {
        "patient_id": p.patient_id,
        "birth_day": day_number(p.birth_date),
        "sex": p.sex,
        "hsct_day": day_number(p.hsct_date),
        "allo": p.had_allogeneic_hsct,
        "cond_day": day_number(p.conditioning_start_date),
        "neut_day": day_number(p.neutrophil_engraftment_date),
        "plt_day": day_number(p.platelet_engraftment_date),
    }
    for years in ANNIVERSARY_YEARS:
        row[f"ann_{years}"] = day_number(anniversary(p.birth_date, years))
    return row


PAT_SCHEMA = pa.schema(
    [
        ("patient_id", pa.string()),
        ("birth_day", pa.int32()),
        ("sex", pa.string()),
        ("hsct_day", pa.int32()),
        ("allo", pa.bool_()),
        ("cond_day", pa.int32()),
        ("neut_day", pa.int32()),
        ("plt_day", pa.int32()),
        *[(f"ann_{y}", pa.int32()) for y in ANNIVERSARY_YEARS],
    ]
)
OBS_SCHEMA = pa.schema(
    [
        ("patient_id", pa.string()),
        ("seq", pa.int64()),
        ("analyte", pa.string()),
        ("t_us", pa.int64()),
        ("day", pa.int32()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("category", pa.string()),
        ("ref_low", pa.float64()),
        ("ref_high", pa.float64()),
        # A censored result ('<10'): `value` is NULL, `cmp` its comparator, `bound` its number.
        ("cmp", pa.string()),
        ("bound", pa.float64()),
    ]
)
EVT_SCHEMA = pa.schema(
    [
        ("patient_id", pa.string()),
        ("day", pa.int32()),
        ("event", pa.string()),
        ("grade", pa.int32()),
    ]
)
QD_SCHEMA = pa.schema([("patient_id", pa.string()), ("day", pa.int32())])


def _censored(o: Observation) -> dict[str, object]:
    q = o.quantity
    if q is None or q.comparator is None:
        return {"cmp": None, "bound": None}
    return {"cmp": q.comparator, "bound": q.value}


@dataclass(frozen=True)
class InputTables:
    pat: pa.Table
    obs: pa.Table
    evt: pa.Table
    qd: pa.Table

    @classmethod
    def from_timelines(
        cls, timelines: Iterable[PatientTimeline], days: Iterable[tuple[str, date]] = ()
    ) -> InputTables:
        pats: list[dict[str, object]] = []
        obs: list[dict[str, object]] = []
        evts: list[dict[str, object]] = []
        for tl in timelines:
            pats.append(patient_row(tl.patient))
            for seq, o in enumerate(tl.observations):
                obs.append(
                    {
                        "patient_id": tl.patient_id,
                        "seq": seq,
                        "analyte": o.analyte,
                        "t_us": (o.time - EPOCH) // MICROSECOND,
                        "day": day_number(tl.local_day(o.time)),
                        "value": o.value,
                        "unit": None if o.quantity is None else o.quantity.unit,
                        "category": o.category,
                        "ref_low": o.ref_low,
                        "ref_high": o.ref_high,
                        **_censored(o),
                    }
                )
            evts.extend(
                {
                    "patient_id": tl.patient_id,
                    "day": day_number(tl.local_day(e.time)),
                    "event": e.event,
                    "grade": e.grade,
                }
                for e in tl.events
            )
        qd = [{"patient_id": pid, "day": day_number(d)} for pid, d in days]
        return cls(
            pa.Table.from_pylist(pats, PAT_SCHEMA),
            pa.Table.from_pylist(obs, OBS_SCHEMA),
            pa.Table.from_pylist(evts, EVT_SCHEMA),
            pa.Table.from_pylist(qd, QD_SCHEMA),
        )
