"""Exposure rows for the hand-built study cohort (tests/unit/study/hand_cohort.py).

Every treated patient starts defibrotide on 2025-01-01; each day of the course receives
25 mg/kg x RDI. T09's weight is unknown (RDI unknown). T04 adds eculizumab on day 5.

| id  | RDI  | course days | interruptions              | resolved by day 28 |
| --- | ---- | ----------- | -------------------------- | ------------------ |
| T01 | 1.0  | 21          |                            | yes (day 10)       |
| T02 | 1.0  | 21          |                            | yes (day 14)       |
| T03 | 1.0  | 21          |                            | yes (day 14)       |
| T04 | 1.0  | 21          | day 9, 12 h, bleeding      | yes (day 21)       |
| T05 | 1.0  | 21          |                            | yes (day 28)       |
| T06 | 0.8  | 10          |                            | yes (day 20)       |
| T07 | 0.8  | 10          | day 3, 24 h, procedure     | no (day 35)        |
| T08 | 0.8  | 10          |                            | no (died day 15)   |
| T09 | ?    | 14          |                            | no                 |
| T10 | 0.95 | 14          |                            | no (died day 100)  |
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from thrombo.analytics.exposure import DoseDay, DrugExposure
from thrombo.analytics.exposure_reasons import Interruption

START = date(2025, 1, 1)

COURSES: dict[str, tuple[float | None, int]] = {
    "T01": (1.0, 21), "T02": (1.0, 21), "T03": (1.0, 21), "T04": (1.0, 21), "T05": (1.0, 21),
    "T06": (0.8, 10), "T07": (0.8, 10), "T08": (0.8, 10), "T09": (None, 14), "T10": (0.95, 14)}
GAPS = {"T04": (9, 12, "bleeding"), "T07": (3, 24, "procedure")}


def _gap(day: int, hours: int, reason: str) -> Interruption:
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=day)
    end = start + timedelta(hours=hours)
    return Interruption(start, end, hours // 6, reason, (f"{reason} on day {day}",),
                        start.date().isoformat(), end.date().isoformat())


def course(pid: str, rdi: float | None, days: int) -> DrugExposure:
    weight = None if rdi is None else 20.0
    daily = tuple(DoseDay(START + timedelta(days=n), 4, 4, None if rdi is None else 500 * rdi,
                          25.0, None if rdi is None else 25.0 * rdi) for n in range(days))
    gaps = (_gap(*GAPS[pid]),) if pid in GAPS else ()
    return DrugExposure(
        pid, "defibrotide", START, START + timedelta(days=days - 1), days, 25.0,
        None if rdi is None else 25.0 * rdi, rdi, None if rdi is None else 25.0 * rdi * days,
        4 * days, 4 * days, gaps, daily, weight, "hand-built", 0)


def hand_exposure() -> list[DrugExposure]:
    rows = [course(pid, rdi, days) for pid, (rdi, days) in COURSES.items()]
    rows.append(DrugExposure("T04", "eculizumab", START + timedelta(days=5),
                             START + timedelta(days=19), 15, None, None, None, None, None, 3,
                             day_from_treatment_start=5))
    return rows
