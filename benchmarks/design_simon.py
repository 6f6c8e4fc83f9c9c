"""Simon two-stage search time: the hardest row of the design table (p0 0.05, p1 0.15, alpha
0.05, beta 0.2, up to 100 patients) should stay interactive (target: under 2 s)."""

from __future__ import annotations

import statistics
import sys
import time

from thrombo.analytics.design import simon_two_stage

TARGET_S = 2.0
RUNS = 5


def main() -> int:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        found = simon_two_stage(0.05, 0.15, 0.05, 0.2, n_max=100)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"Simon two-stage search, n <= 100 (optimal {found.optimal.r1}/{found.optimal.n1}, "
          f"{found.optimal.r}/{found.optimal.n}): median {median:.2f} s over {RUNS} runs, "
          f"max {max(times):.2f} s; target < {TARGET_S:g} s: "
          f"{'met' if median < TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
