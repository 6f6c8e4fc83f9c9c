"""Implausible dates are quarantined at import with a counted reason, never stored (issue 20,
item 7): a birth in year 1, a result dated 9999, a record dated before the patient's birth.

The limits are thrombo.normalize.dates' [Design] choices: nothing before 1900-01-01, nothing
after the day of import plus one day (a planned medication end excepted), nothing before birth.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from thrombo.domain.records import Medication, Observation
from thrombo.normalize.dates import EARLIEST, FUTURE_SLACK, date_problem, today
from thrombo.store.sources import read_sources

PATIENTS = """patient_id,birth_date,sex,hsct_date,death_date
OK,2016-05-01,F,2024-01-10,
YEAR1,0001-01-01,M,,
LATE,{after},M,,
DIED,2016-05-01,F,,1899-12-31
"""
OBSERVATIONS = """patient_id,time,code,value,unit
OK,2024-02-01,777-3,40,10*9/L
OK,9999-12-31,777-3,41,10*9/L
OK,2016-04-30T23:00:00,777-3,42,10*9/L
OK,2016-05-01T06:00:00,777-3,43,10*9/L
OK,{tomorrow},777-3,44,10*9/L
"""
MEDICATIONS = """patient_id,drug,start,end
OK,defibrotide,2024-02-01,{next_month}
OK,defibrotide,2015-01-01,2015-01-02
OK,defibrotide,1850-01-01,
"""
EVENTS = """patient_id,time,event
OK,{after},bleeding
OK,2024-02-03,bleeding
"""


def _dataset(tmp_path: Path) -> Path:
    day = today()
    values = {"tomorrow": day + FUTURE_SLACK, "after": day + FUTURE_SLACK + timedelta(days=1),
              "next_month": day + timedelta(days=30)}
    for name, text in [("patients", PATIENTS), ("observations", OBSERVATIONS),
                       ("medications", MEDICATIONS), ("events", EVENTS)]:
        (tmp_path / f"{name}.csv").write_text(text.format(**values))
    return tmp_path


def test_each_implausible_date_is_quarantined_with_its_reason_and_counted(
        tmp_path: Path) -> None:
    data = read_sources([str(_dataset(tmp_path))])
    after = (today() + FUTURE_SLACK + timedelta(days=1)).isoformat()
    reasons = {(q.source.rsplit("/", 1)[1], q.location): q.reason for q in data.summary.quarantine}
    assert reasons == {
        ("patients.csv", "line 3"): "birth_date 0001-01-01 is before 1900-01-01: not a "
                                    "plausible date (a placeholder or a typing error)",
        ("patients.csv", "line 4"): f"birth_date {after} is in the future",
        ("patients.csv", "line 5"): "death_date 1899-12-31 is before 1900-01-01: not a "
                                    "plausible date (a placeholder or a typing error)",
        ("observations.csv", "line 3"): "time 9999-12-31 is in the future",
        ("observations.csv", "line 4"): "time 2016-04-30 is before the patient's birth date "
                                        "2016-05-01",
        ("medications.csv", "line 3"): "start 2015-01-01 is before the patient's birth date "
                                       "2016-05-01",
        ("medications.csv", "line 4"): "start 1850-01-01 is before 1900-01-01: not a plausible "
                                       "date (a placeholder or a typing error)",
        ("events.csv", "line 2"): f"time {after} is in the future",
    }
    (source,) = data.summary.sources
    assert (source.records, len(data.accepted), source.quarantined) == (14, 6, 8)
    stored = list(data.records())
    assert sorted({r.patient_id for r in stored}) == ["OK"]
    # A result from the birth day and one dated tomorrow (a site east of UTC) are read, and so
    # is a course whose planned end is a month ahead.
    counts = [r.quantity.value for r in stored if isinstance(r, Observation) and r.quantity]
    assert counts == [40.0, 43.0, 44.0]
    assert len([r for r in stored if isinstance(r, Medication)]) == 1


def test_the_limits_are_inclusive_at_their_edges() -> None:
    as_of = date(2026, 12, 4)
    assert date_problem(EARLIEST, "time", as_of=as_of) is None
    assert date_problem(as_of + FUTURE_SLACK, "time", as_of=as_of) is None
    assert date_problem(EARLIEST - timedelta(days=1), "time", as_of=as_of) is not None
    assert date_problem(as_of + FUTURE_SLACK + timedelta(days=1), "time", as_of=as_of) == (
        "time 2026-12-06 is in the future")
    assert date_problem(date(9999, 1, 1), "end", future_ok=True, as_of=as_of) is None
