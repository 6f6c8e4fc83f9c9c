"""Incremental screening latency: one new observation for one patient (target < 5 ms).

Builds a simulated post-transplant course (daily labs for 60 days), then times adding results
one at a time with `PatientScreen.add` (benchmarks/incremental.py) against re-screening the grown
timeline with the reference evaluator, and checks the two agree.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from incremental import PatientScreen, full_rescreen  # benchmarks/incremental.py, beside this

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import criteria_set

TARGET_MS = 5.0
HSCT = date(2026, 1, 1)
COURSE = (("hemoglobin", "g/dL", 9.5), ("platelets", "10*9/L", 80.0), ("ldh", "U/L", 400.0),
          ("upcr", "mg/mg", 0.3), ("sc5b9", "ng/mL", 200.0), ("systolic_bp", "mm[Hg]", 110.0),
          ("diastolic_bp", "mm[Hg]", 70.0), ("schistocytes", "/[HPF]", 0.0))
UPDATES = 40


def _at(day: int) -> datetime:
    return datetime.combine(HSCT + timedelta(days=day), datetime.min.time(), tzinfo=UTC)


def main() -> int:
    pid = "INC01"
    obs = [Observation(f"{a}-{d}", pid, a, _at(d) + timedelta(hours=8), quantity=Quantity(v, u),
                       ref_high=320.0)
           for d in range(20, 80) for a, u, v in COURSE]
    patient = Patient(pid, HSCT - timedelta(days=3000), "F", hsct_date=HSCT)
    criteria = criteria_set("harmonized-2023")
    screen = PatientScreen(PatientTimeline.build(patient, obs), criteria, HSCT + timedelta(100))
    incremental, full = [], []
    agree = True
    for i in range(UPDATES):
        new = Observation(f"new-{i}", pid, "ldh", _at(80 + i // 4) + timedelta(hours=9 + i % 4),
                          quantity=Quantity(700.0, "U/L"), ref_high=320.0)
        started = time.perf_counter()
        got = screen.add(new)
        incremental.append(time.perf_counter() - started)
        started = time.perf_counter()
        want = full_rescreen(screen)
        full.append(time.perf_counter() - started)
        agree = agree and got == want
    inc_ms, full_ms = statistics.median(incremental) * 1e3, statistics.median(full) * 1e3
    print(f"observations per patient  {len(obs):,}")
    print(f"incremental update        {inc_ms:.2f} ms (median of {UPDATES}; "
          f"target < {TARGET_MS} ms)")
    print(f"full re-screen            {full_ms:.2f} ms")
    print(f"agrees with re-screen     {str(agree).lower()}")
    print(f"target met                {'yes' if inc_ms < TARGET_MS and agree else 'no'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
