"""Run every benchmark script in this folder; each prints its own figures.

`make bench` calls this. Scripts run one after another (the machine has 2 cores; running them
together would measure contention, not thrombo). A failing benchmark fails the run.
`waiting_paths.py` (issue 22's table: each path beside its floor) runs last, so its table ends
the output. `--quick` (or THROMBO_BENCH_QUICK=1) asks every script that knows it for small sizes;
`--only NAME` runs the scripts whose file name contains NAME.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes where a script has them.")
    parser.add_argument("--only", default="", help="Run only scripts whose name contains this.")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.quick:
        env["THROMBO_BENCH_QUICK"] = "1"
    scripts = sorted(
        (p for p in HERE.glob("*.py") if p.name not in {"run_all.py", "__init__.py"}),
        key=lambda p: (p.name == "waiting_paths.py", p.name),
    )
    failed = []
    for script in (s for s in scripts if args.only in s.name):
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False, env=env)
        print(f"--- {script.name}: {time.perf_counter() - started:.1f} s wall", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
