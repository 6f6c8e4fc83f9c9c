"""Population screening at scale: harmonized-2023 over N simulated observation rows.

Prints the scale issue's target table: rows, seconds, rows/s, the scan floor measured in the same
run, peak resident memory while screening, the speed-up over the naive per-patient loop (the
reference evaluator timed on a sample and extrapolated) and agreement with the reference.
Default 10 million rows; `--rows 50000000` for the full target. Generated tables are cached.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from thrombo.cli.bench import DEFAULT_CACHE, run

# The scale issue's targets (measured at 50 million rows on the 2-core machine).
TARGET_ROWS_PER_SECOND = 2_500_000
TARGET_PEAK_MB = 2048
TARGET_FLOOR_MULTIPLE = 10
TARGET_SPEEDUP = 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = run(args.rows, "duckdb", args.seed, args.cache, threads=args.threads)
    if args.json:
        print(json.dumps(r.__dict__))
        return 0
    floor_multiple = r.seconds / r.scan_floor_seconds if r.scan_floor_seconds else float("inf")
    lines = [
        ("rows", f"{r.rows:,}", ""),
        ("seconds", f"{r.seconds:.2f}", ""),
        ("rows/s", f"{r.rows_per_second:,.0f}", f">= {TARGET_ROWS_PER_SECOND:,}"),
        ("scan floor s", f"{r.scan_floor_seconds:.2f}", ""),
        ("x scan floor", f"{floor_multiple:.1f}", f"<= {TARGET_FLOOR_MULTIPLE}"),
        ("peak RSS MB", f"{r.peak_memory_mb:,.0f}", f"<= {TARGET_PEAK_MB}"),
        ("naive loop rows/s", f"{r.naive_rows_per_second:,.0f}", ""),
        ("x naive loop", f"{r.speedup_vs_naive:,.0f}", f">= {TARGET_SPEEDUP}"),
        ("agrees (sample)", f"{r.agrees_with_reference} ({r.sample_patients} patients)", "true"),
    ]
    for name, value, target in lines:
        print(f"{name:>20}  {value:>24}  {target}")
    return 0 if r.agrees_with_reference else 1


if __name__ == "__main__":
    sys.exit(main())
