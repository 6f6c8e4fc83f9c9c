"""A deliberately generous reading of the harmonized 2023 TA-TMA criteria for simulated rows.

Used only to check the simulator: each of the seven criteria is counted positive on a date when
the loosest plausible reading of it is met (any red-cell or platelet transfusion; any fall of
haemoglobin >= 1 g/dL or platelets >= 50% below an earlier value; LDH above the lab's ULN;
schistocytes seen; blood pressure above the lowest 99th percentile for the age at any height;
UPCR >= 1 mg/mg; sC5b-9 >= the lab's ULN). Source: clinical-reference.md A1 (Schoettler 2023).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

from thrombo.simulate.rows import SimulatedPatient

# Fourth Report 2004 99th percentile, lowest and highest over sex and height percentile, by age
# (SBP low, SBP high, DBP low, DBP high), from /work/shared/data/reference/
# pediatric_bp_percentiles.csv (source=fourth-report-2004).
BP_99TH = {
    1: (105, 114, 61, 67), 2: (109, 117, 66, 72), 3: (111, 120, 71, 76), 4: (112, 122, 74, 79),
    5: (114, 123, 77, 82), 6: (115, 125, 80, 84), 7: (117, 126, 81, 86), 8: (119, 127, 82, 88),
    9: (120, 129, 83, 89), 10: (122, 130, 84, 90), 11: (124, 132, 85, 90),
    12: (126, 135, 86, 91), 13: (128, 137, 87, 91), 14: (130, 140, 87, 92),
    15: (131, 142, 88, 93), 16: (132, 145, 90, 94), 17: (133, 147, 90, 97),
}
ADULT_SBP, ADULT_DBP = 140, 90
WINDOW_DAYS = 14
CRITERIA = ("anemia", "thrombocytopenia", "ldh", "schistocytes", "hypertension", "proteinuria",
            "sc5b9")


def age_years(birth: date, on: date) -> int:
    return int((on - birth).days / 365.25)


def hypertensive(sbp: float, dbp: float, age: int, *, strict: bool) -> bool:
    """Generous: above the lowest 99th percentile; strict: above the highest."""
    if age >= 18:
        return sbp >= ADULT_SBP or dbp >= ADULT_DBP
    sbp_low, sbp_high, dbp_low, dbp_high = BP_99TH[max(age, 1)]
    if strict:
        return sbp > sbp_high or dbp > dbp_high
    return sbp > sbp_low or dbp > dbp_low


def positive_dates(patient: SimulatedPatient, *, count_falls: bool = True) -> dict[str, set[date]]:
    birth = date.fromisoformat(patient.patient[1])
    engraftment = patient.patient[7]
    positive: dict[str, set[date]] = defaultdict(set)
    for _, time, event, *_ in patient.events:
        if event == "rbc_transfusion":
            positive["anemia"].add(date.fromisoformat(time[:10]))
        if event == "platelet_transfusion":
            positive["thrombocytopenia"].add(date.fromisoformat(time[:10]))
    highest: dict[str, float] = {}
    pressures: dict[str, dict[str, float]] = defaultdict(dict)
    for _, time, code, value, unit, _low, high in patient.observations:
        day = date.fromisoformat(time[:10])
        if code == "718-7" and count_falls:
            hb = float(value) / (10.0 if unit == "g/L" else 1.0)
            if hb <= highest.get("hb", hb) - 1.0:
                positive["anemia"].add(day)
            highest["hb"] = max(highest.get("hb", hb), hb)
        elif code == "777-3" and count_falls and engraftment and time[:10] >= engraftment:
            plt = float(value)
            if plt <= 0.5 * highest.get("plt", 0.0):
                positive["thrombocytopenia"].add(day)
            highest["plt"] = max(highest.get("plt", plt), plt)
        elif code == "2532-0" and float(value) > float(high):
            positive["ldh"].add(day)
        elif code in ("800-3", "schistocytes") and value not in ("absent", "0"):
            positive["schistocytes"].add(day)
        elif code == "2890-2" and float(value) >= 1.0:
            positive["proteinuria"].add(day)
        elif code == "sc5b9" and float(value) >= float(high):
            positive["sc5b9"].add(day)
        elif code in ("8480-6", "8462-4"):
            pressures[time][code] = float(value)
    for time, reading in pressures.items():
        day = date.fromisoformat(time[:10])
        age = age_years(birth, day)
        if count_falls and hypertensive(reading["8480-6"], reading["8462-4"], age, strict=False):
            positive["hypertension"].add(day)
    return positive


def criteria_by_day(patient: SimulatedPatient, *, count_falls: bool = True) -> dict[date, int]:
    """Number of criteria met on each assessment day (a positive in the 14 days ending on it)."""
    positive = positive_dates(patient, count_falls=count_falls)
    days = sorted({date.fromisoformat(row[1][:10]) for row in patient.observations})
    counts = {}
    for day in days:
        first = day - timedelta(days=WINDOW_DAYS - 1)
        counts[day] = sum(
            any(first <= hit <= day for hit in positive.get(name, ())) for name in CRITERIA
        )
    return counts


def first_diagnosis(counts: dict[date, int], needed: int = 4) -> date | None:
    """The second of two consecutive assessment days with >= `needed` criteria."""
    days = sorted(counts)
    for earlier, later in pairwise(days):
        if counts[earlier] >= needed and counts[later] >= needed:
            return later
    return None
