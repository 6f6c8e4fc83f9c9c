"""A hand-built cohort: ten treated patients and five screened out, every number checkable by hand.

All ten start defibrotide on 2025-01-01 (day 0). Days are counted from there.

| id  | resolved | died | last contact | renal | neuro | adverse events (day, grade)            |
| --- | -------- | ---- | ------------ | ----- | ----- | -------------------------------------- |
| T01 | 10       |      | 200          | yes   |       | hypotension 2 (day 3), 1 (day 5)       |
| T02 | 14       |      | 200          | yes   | yes   | hypotension 1 (day 2)                  |
| T03 | 14       | 150  |              | no    |       | diarrhea 1 (day 4)                     |
| T04 | 21       |      | 250          |       | yes   | gastrointestinal hemorrhage 3 (day 9)  |
| T05 | 28       |      | 90           |       |       | hypotension 3 on day -2 (before start) |
| T06 | 20       |      | 200          |       |       |                                        |
| T07 | 35       |      | 300          | yes   |       |                                        |
| T08 |          | 15   |              | no    |       |                                        |
| T09 |          |      | 60           |       |       |                                        |
| T10 |          | 100  |              |       | no    |                                        |

Screened out: S11 no allogeneic HSCT, S12 aged 19, S13 no TA-TMA, S14 insufficient data,
S15 diagnosed but not treated.
"""

from __future__ import annotations

from datetime import date, timedelta

from thrombo.analytics.cohort import AdverseEvent, LabPoint, StudyPatient

START = date(2025, 1, 1)
HSCT = date(2024, 11, 1)
DIAGNOSIS = date(2024, 12, 30)


def day(n: int) -> date:
    return START + timedelta(days=n)


def treated(pid: str, resolved: int | None, died: int | None, last: int | None,
            renal: bool | None = None, neuro: bool | None = None,
            events: tuple[tuple[str, int, int], ...] = (), center: str = "A",
            sex: str = "F", age: float = 8.0) -> StudyPatient:
    labs = tuple(LabPoint(day(d), ldh=900.0 - 20 * d, platelets=20.0 + 3 * d)
                 for d in range(-4, 40, 4))
    return StudyPatient(
        patient_id=pid, center=center, age_years=age, sex=sex, hsct_date=HSCT,
        screening_status="ta-tma", diagnosis_date=DIAGNOSIS, criteria_set="harmonized-2023",
        treatment_start=START,
        resolution_date=None if resolved is None else day(resolved),
        death_date=None if died is None else day(died),
        last_contact_date=None if last is None else day(last),
        renal_recovery=renal, neurological_recovery=neuro,
        adverse_events=tuple(AdverseEvent(t, g, day(d)) for t, g, d in events),
        labs=labs)


def ten_treated() -> list[StudyPatient]:
    return [
        treated("T01", 10, None, 200, renal=True,
                events=(("hypotension", 2, 3), ("hypotension", 1, 5)), sex="M", age=4.0),
        treated("T02", 14, None, 200, renal=True, neuro=True, events=(("hypotension", 1, 2),),
                age=12.5),
        treated("T03", 14, 150, None, renal=False, events=(("diarrhea", 1, 4),), sex="M",
                age=15.0),
        treated("T04", 21, None, 250, neuro=True,
                events=(("gastrointestinal hemorrhage", 3, 9),), center="B", age=2.0),
        treated("T05", 28, None, 90, events=(("hypotension", 3, -2),), center="B", sex="M",
                age=6.0),
        treated("T06", 20, None, 200, center="B", age=9.0),
        treated("T07", 35, None, 300, renal=True, sex="M", age=11.0),
        treated("T08", None, 15, None, renal=False, center="B", sex="M", age=3.0),
        treated("T09", None, None, 60, age=16.0),
        treated("T10", None, 100, None, neuro=False, sex="M", age=1.5),
    ]


def screened_out() -> list[StudyPatient]:
    return [
        StudyPatient("S11", center="A", age_years=7.0, hsct_date=None,
                     screening_status="not-applicable"),
        StudyPatient("S12", center="A", age_years=19.0, hsct_date=HSCT,
                     screening_status="ta-tma", diagnosis_date=DIAGNOSIS),
        StudyPatient("S13", center="A", age_years=5.0, hsct_date=HSCT,
                     screening_status="no-ta-tma", last_contact_date=day(100)),
        StudyPatient("S14", center="B", age_years=5.0, hsct_date=HSCT,
                     screening_status="insufficient-data"),
        StudyPatient("S15", center="B", age_years=10.0, hsct_date=HSCT,
                     screening_status="ta-tma", diagnosis_date=DIAGNOSIS),
    ]


def hand_cohort() -> list[StudyPatient]:
    return ten_treated() + screened_out()
