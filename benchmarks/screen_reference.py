"""Reference evaluator speed: screening 1,000 patients with 100 observations each.

Builds deterministic synthetic timelines in memory (seeded), screens them under each criteria
set with the reference (in-memory) evaluator, and prints patients/s and observations/s.
Usage: python benchmarks/screen_reference.py [--patients N] [--observations N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import UTC, date, datetime, time, timedelta

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import all_sets
from thrombo.rules.screening import screen

HSCT = date(2026, 1, 1)
# Value generators per analyte: (unit, low, high, lab upper limit or None).
QUANTITIES = {
    "platelets": ("10*9/L", 10, 300, None),
    "hemoglobin": ("g/dL", 7.0, 13.0, None),
    "ldh": ("U/L", 150, 1500, 320.0),
    "upcr": ("mg/mg", 0.05, 3.0, None),
    "sc5b9": ("ng/mL", 100, 600, 244.0),
    "systolic_bp": ("mm[Hg]", 90, 145, None),
    "diastolic_bp": ("mm[Hg]", 50, 95, None),
    "creatinine": ("mg/dL", 0.2, 2.0, None),
    "pt": ("s", 10, 20, 14.0),
    "aptt": ("s", 25, 50, 40.0),
    "haptoglobin": ("mg/dL", 2, 150, None),
}


def patient_timeline(rng: random.Random, index: int, n_obs: int) -> PatientTimeline:
    pid = f"P{index:05d}"
    birth = HSCT - timedelta(days=rng.randint(400, 17 * 365))
    who = Patient(pid, birth, rng.choice(["F", "M"]), hsct_date=HSCT,
                  neutrophil_engraftment_date=HSCT + timedelta(days=rng.randint(12, 30)),
                  platelet_engraftment_date=HSCT + timedelta(days=rng.randint(15, 45)),
                  conditioning_start_date=HSCT - timedelta(days=8))
    analytes = [*QUANTITIES, "schistocytes"]
    observations = []
    for i in range(n_obs):
        when = datetime.combine(HSCT + timedelta(days=rng.randint(-5, 100)),
                                time(rng.randint(0, 23)), tzinfo=UTC)
        analyte = rng.choice(analytes)
        if analyte == "schistocytes":
            observations.append(Observation(f"{pid}-{i}", pid, analyte, when,
                                            category=rng.choice(["present", "absent"])))
            continue
        unit, low, high, ref = QUANTITIES[analyte]
        value = round(rng.uniform(low, high), 1)
        observations.append(Observation(f"{pid}-{i}", pid, analyte, when,
                                        quantity=Quantity(value, unit), ref_high=ref))
    events = [
        Event(f"{pid}-e{i}", pid, datetime.combine(HSCT + timedelta(days=rng.randint(0, 100)),
                                                  time(12), tzinfo=UTC),
              rng.choice(["rbc_transfusion", "platelet_transfusion", "gvhd", "infection"]),
              rng.randint(1, 4))
        for i in range(rng.randint(0, 6))
    ]
    return PatientTimeline.build(who, observations, events=events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--observations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = clock.perf_counter()
    timelines = [patient_timeline(rng, i, args.observations) for i in range(args.patients)]
    built = clock.perf_counter() - started
    rows = args.patients * args.observations
    print(f"built {args.patients} timelines x {args.observations} observations in {built:.2f} s")
    as_of = HSCT + timedelta(days=100)
    for criteria in all_sets():
        started = clock.perf_counter()
        result = screen(timelines, criteria, as_of)
        seconds = clock.perf_counter() - started
        statuses: dict[str, int] = {}
        for p in result.patients:
            statuses[p.status] = statuses.get(p.status, 0) + 1
        print(f"{criteria.name:16s} {seconds:6.2f} s  {args.patients / seconds:8.0f} patients/s  "
              f"{rows / seconds:9.0f} observations/s  {statuses}")


if __name__ == "__main__":
    main()
