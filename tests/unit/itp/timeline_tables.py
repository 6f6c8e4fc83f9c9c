"""Build patient timelines from compact tables, for tests a clinician can read.

Days are integers counted from DAY0 (2026-01-01), so `12 platelets 45` is a platelet count of
45 x10^9/L on 2026-01-13 at 08:00 UTC. Rows are whitespace separated; extra `key=value` tokens
set optional fields. A VALUE such as `<10` or `>150` is a censored result (a bound).

- observations: `DAY ANALYTE VALUE [low=L] [high=H] [unit=U] [hour=H]`
- medications:  `DAY DRUG [end=DAY] [intent=rescue] [dose=VALUE] [unit=mg] [hour=H]`
- events:       `DAY EVENT [grade=G] [hour=H]`
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from thrombo.domain.quantities import Quantity, parse_censored
from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.normalize.analytes import CATALOGUE

DAY0 = date(2026, 1, 1)
UNITS = {a.key: a.unit for a in CATALOGUE if a.units}


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def at(n: int, hour: int = 8) -> datetime:
    return datetime.combine(day(n), time(hour), tzinfo=UTC)


def _rows(table: str) -> list[tuple[list[str], dict[str, str]]]:
    rows = []
    for raw in table.strip().splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        tokens = line.split()
        is_option = [("=" in t and not t.startswith(("<", ">"))) for t in tokens]  # '>=100'
        plain = [t for t, option in zip(tokens, is_option, strict=True) if not option]
        extra = dict(t.split("=", 1) for t, option in zip(tokens, is_option, strict=True)
                     if option)
        rows.append((plain, extra))
    return rows


def _observation(i: int, plain: list[str], extra: dict[str, str]) -> Observation:
    n, analyte, raw = int(plain[0]), plain[1], plain[2]
    when = at(n, int(extra.get("hour", 8)))
    low = float(extra["low"]) if "low" in extra else None
    high = float(extra["high"]) if "high" in extra else None
    comparator, number = parse_censored(raw)  # '<10': a censored result, kept as a bound
    try:
        qty = Quantity(float(number), extra.get("unit", UNITS.get(analyte, "1")), comparator)
    except ValueError:
        return Observation(f"o{i}", "P", analyte, when, category=raw, ref_low=low, ref_high=high)
    return Observation(f"o{i}", "P", analyte, when, quantity=qty, ref_low=low, ref_high=high)


def _medication(i: int, plain: list[str], extra: dict[str, str]) -> Medication:
    hour = int(extra.get("hour", 8))
    end = at(int(extra["end"]), 20) if "end" in extra else None
    dose = Quantity(float(extra["dose"]), extra.get("unit", "mg")) if "dose" in extra else None
    return Medication(f"m{i}", "P", plain[1], at(int(plain[0]), hour), end, dose,
                      intent=extra.get("intent"))


def _event(i: int, plain: list[str], extra: dict[str, str]) -> Event:
    grade = int(extra["grade"]) if "grade" in extra else None
    return Event(f"e{i}", "P", at(int(plain[0]), int(extra.get("hour", 9))), plain[1], grade)


def timeline(
    obs: str = "",
    meds: str = "",
    events: str = "",
    *,
    birth: int = -8 * 365,
    sex: str = "F",
    diagnosis: int | None = None,
    splenectomy: int | None = None,
    death: int | None = None,
    hsct: int | None = None,
) -> PatientTimeline:
    """A timeline for patient `P` from the three tables (days relative to DAY0)."""

    def opt(n: int | None) -> date | None:
        return None if n is None else day(n)

    patient = Patient(
        "P", day(birth), sex,  # type: ignore[arg-type]
        hsct_date=opt(hsct), itp_diagnosis_date=opt(diagnosis),
        splenectomy_date=opt(splenectomy), death_date=opt(death),
    )
    return PatientTimeline.build(
        patient,
        [_observation(i, p, e) for i, (p, e) in enumerate(_rows(obs))],
        [_medication(i, p, e) for i, (p, e) in enumerate(_rows(meds))],
        [_event(i, p, e) for i, (p, e) in enumerate(_rows(events))],
    )


def platelets(*pairs: tuple[int, float]) -> str:
    """`platelets((0, 12), (7, 40))` -> an observation table of platelet counts."""
    return "\n".join(f"{n} platelets {v}" for n, v in pairs)
