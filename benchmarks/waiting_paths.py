"""Speed where users wait (issue 22): each path's time beside a floor measured in the same run.

One row per path of the issue's table: today's figure, the floor (the least any implementation
must spend: parsing every line, reading the file, one SELECT), the ratio and the target.

- `thrombo import --no-screen` of a simulated FHIR NDJSON export (the import alone); floor:
  `orjson.loads` of every line.
- `thrombo import` of a simulated CSV dataset folder, alone (`--no-screen`) and as a user runs it
  (screening the patients it wrote and storing the results); floor: reading its CSV files with
  pyarrow.
- `thrombo screen sqlite:///centre.db --engine reference` on the store imported without
  screening (every patient screened) and on the one the import screened (stored results read
  back); floor: one SELECT of the observation rows (sqlite3, every column, every row fetched).
- `thrombo screen FOLDER`, on the reference evaluator and as a user gets it without --engine
  (the table of a large folder: DuckDB, chosen automatically); floor: reading the folder's CSV
  files with pyarrow.
- patient-view: screening one patient with about 1,000 observations, cold (a timeline built
  afresh, so nothing the evaluator derives is kept from an earlier call).
- `thrombo bench screen --rows N` (DuckDB) against its scan of the same columns.

The CLI rows time the command as a user runs it (a subprocess, interpreter start included;
`thrombo version` is timed too, so the start-up share is visible). Each figure is also given as
CPU time (the subprocess's user + system time; the floor's process time), and the ratio on both:
on a machine busy with other work, wall times stretch with the load while CPU times move much
less, so the CPU ratio is the one to compare between runs.

Full sizes by default (the issue's: 500 patients CSV, about 490 k rows; 200 patients FHIR; DuckDB
at 10 M rows); `--quick` or THROMBO_BENCH_QUICK=1 runs small sizes in about two minutes, which
check that every path works but whose ratios are dominated by start-up costs.

    .venv/bin/python benchmarks/waiting_paths.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import orjson
import pyarrow.csv as pacsv

from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient

HERE = Path(__file__).parent
THROMBO = str(Path(sys.executable).with_name("thrombo"))
FULL = {"csv_patients": 500, "fhir_patients": 200, "duck_rows": 10_000_000}
QUICK = {"csv_patients": 40, "fhir_patients": 16, "duck_rows": 1_000_000}
SEED = 3
PATIENT_VIEW_SAMPLE = 20


@dataclass
class Row:
    path: str
    today: str
    seconds: float
    floor: str
    floor_seconds: float | None
    target: str
    met: bool | None
    cpu: float | None = None
    floor_cpu: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds

    @property
    def cpu_ratio(self) -> float | None:
        if not self.floor_cpu or self.cpu is None:
            return None
        return self.cpu / self.floor_cpu


LAST_CPU: list[float] = [0.0]
"""CPU seconds of the last `_timed` action (process time) or `_cli` command (the child's)."""


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    found = action()
    LAST_CPU[0] = time.process_time() - cpu
    return time.perf_counter() - started, found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(*args: str) -> tuple[float, str]:
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([THROMBO, *args], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    LAST_CPU[0] = _children_cpu() - before
    return seconds, str(done.stdout)


def _simulate(out: Path, patients: int, fmt: str) -> None:
    subprocess.run([THROMBO, "simulate", "--out", str(out), "--patients", str(patients),
                    "--seed", str(SEED), "--format", fmt], check=True, capture_output=True)


def _orjson_floor(folder: Path) -> tuple[float, int]:
    def parse() -> int:
        lines = 0
        for path in sorted(folder.glob("*.ndjson")):
            with path.open("rb") as handle:
                for line in handle:
                    if line.strip():
                        orjson.loads(line)
                        lines += 1
        return lines

    seconds, lines = _timed(parse)
    return seconds, int(lines)  # type: ignore[call-overload]



def _pyarrow_floor(folder: Path) -> float:
    csvs = [p for p in sorted(folder.glob("*.csv")) if p.name != "truth.csv"]
    return _timed(lambda: [pacsv.read_csv(p) for p in csvs])[0]


def _select_floor(db: Path) -> float:
    con = sqlite3.connect(db)
    try:
        return _timed(lambda: con.execute("SELECT * FROM observations").fetchall())[0]
    finally:
        con.close()


def _import_row(name: str, source: Path, db: Path, floor: tuple[float, float], floor_text: str,
                rate_target: int, floor_multiple: float | None, *options: str) -> Row:
    seconds, out = _cli("import", str(source), "--db", f"sqlite:///{db}", "--json", *options)
    cpu = LAST_CPU[0]
    records = sum(int(s["records"]) for s in json.loads(out)["sources"])
    rate = records / seconds
    met = rate >= rate_target and (
        floor_multiple is None or seconds <= floor_multiple * floor[0])
    target = f">= {rate_target // 1000} k records/s" + (
        f" and <= {floor_multiple:g}x the floor" if floor_multiple else "")
    return Row(name, f"{seconds:.1f} s, {rate / 1000:.0f} k records/s ({records} records)",
               seconds, floor_text, floor[0], target, met, cpu, floor[1])


def _patient_view(db: Path) -> Row:
    """Median of screening single patients (built afresh each time) from the CSV cohort. Only
    the chosen patients are read, as the service reads the one patient a view asks for: with
    every patient's records alive in this process, the collector's full passes would walk
    half a million records the view never has (up to 0.5 s on one call)."""
    from sqlalchemy import create_engine

    from thrombo.store.read import read_timelines

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        counts = conn.exec_driver_sql(
            "SELECT patient_id, count(*) FROM observations GROUP BY patient_id").all()
        nearest = sorted(counts, key=lambda row: (abs(row[1] - 1000), row[0]))
        chosen = read_timelines(conn, patient_ids=[pid for pid, _ in
                                                   nearest[:PATIENT_VIEW_SAMPLE]])
    engine.dispose()
    criteria = criteria_set()
    as_of = max(t.observations[-1].time.date() for t in chosen if t.observations)
    times, cpus = [], []
    for timeline in chosen:
        fresh = type(timeline).build(timeline.patient, timeline.observations,
                                     timeline.medications, timeline.events, timeline.tz)
        started, cpu = time.perf_counter(), time.process_time()
        screen_patient(fresh, criteria, as_of)
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    median, cpu_median = statistics.median(times), statistics.median(cpus)
    sizes = sorted(len(t.observations) for t in chosen)
    return Row("patient-view, cold, one patient (screening)",
               f"{median * 1000:.1f} ms median ({cpu_median * 1000:.1f} ms CPU), "
               f"{max(times) * 1000:.1f} ms max "
               f"({len(chosen)} patients, {sizes[0]}-{sizes[-1]} observations)",
               median, "-", None, "<= 10 ms", median <= 0.010)


def _duckdb_row(rows: int) -> Row:
    _, out = _cli("bench", "screen", "--rows", str(rows), "--json")  # figures from inside
    found = json.loads(out)
    screen_s, floor_s = float(found["seconds"]), float(found["scan_floor_seconds"])
    ratio = screen_s / floor_s if floor_s else float("inf")
    return Row(f"DuckDB screen vs scan floor ({rows / 1e6:g} M rows)",
               f"{screen_s:.1f} s ({ratio:.0f}x)", screen_s, "scan of the same columns", floor_s,
               "<= 12x at 10 M and 50 M, 50 M in <= 20 s", ratio <= 12)


def measure(sizes: dict[str, int], work: Path, with_duckdb: bool) -> list[Row]:
    csv_dir, fhir_dir = work / "cohort", work / "fhir"
    _simulate(csv_dir, sizes["csv_patients"], "csv")
    _simulate(fhir_dir, sizes["fhir_patients"], "fhir")
    rows = []
    fhir_floor, lines = _orjson_floor(fhir_dir)
    rows.append(_import_row("thrombo import FHIR NDJSON (--no-screen: the import alone)",
                            fhir_dir, work / "fhir.db", (fhir_floor, LAST_CPU[0]),
                            f"orjson.loads of {lines} lines", 50_000, 8, "--no-screen"))
    csv_floor = (_pyarrow_floor(csv_dir), LAST_CPU[0])
    rows.append(_import_row("thrombo import CSV folder (--no-screen: the import alone)", csv_dir,
                            work / "imported.db", csv_floor, "reading the CSV files with pyarrow",
                            100_000, None, "--no-screen"))
    # As a user runs it: the import also screens the patients it wrote and stores the results.
    rows.append(_import_row("thrombo import CSV folder (as run: screens and stores results)",
                            csv_dir, work / "centre.db", csv_floor,
                            "reading the CSV files with pyarrow", 100_000, None))
    rows += _store_rows(work / "imported.db", work / "centre.db")
    rows += _folder_rows(csv_dir, csv_floor)
    rows.append(_patient_view(work / "centre.db"))
    if with_duckdb:
        rows.append(_duckdb_row(sizes["duck_rows"]))
    return rows


def _store_rows(unscreened: Path, screened: Path) -> list[Row]:
    """`thrombo screen sqlite:///` on the reference evaluator: a store without stored results
    (every patient screened: the evaluator's own target) and the store the import screened (the
    results read back for the patients' current data)."""
    rows = []
    for label, db in (("reference, every patient screened", unscreened),
                      ("reference, results stored by the import", screened)):
        select_floor = (_select_floor(db), LAST_CPU[0])
        seconds, _ = _cli("screen", f"sqlite:///{db}", "--engine", "reference", "--json")
        rows.append(Row(f"thrombo screen sqlite:///centre.db ({label})", f"{seconds:.1f} s",
                        seconds, "one SELECT of the observation rows", select_floor[0],
                        "<= 3x the floor", seconds <= 3 * select_floor[0], LAST_CPU[0],
                        select_floor[1]))
    return rows


def _folder_rows(csv_dir: Path, csv_floor: tuple[float, float]) -> list[Row]:
    """`thrombo screen FOLDER` on the reference evaluator (named: the reference must meet its
    own target), and as a user gets it without --engine: the table of a folder of 50 patients
    or more is screened on DuckDB (services.engine_choice)."""
    rows = []
    for label, options in (("reference", ("--engine", "reference", "--json")),
                           ("no --engine, the table: DuckDB from 50 patients", ())):
        seconds, _ = _cli("screen", str(csv_dir), *options)
        rows.append(Row(f"thrombo screen FOLDER ({label})", f"{seconds:.1f} s", seconds,
                        "reading the folder", csv_floor[0], "<= 3x the floor",
                        seconds <= 3 * csv_floor[0], LAST_CPU[0], csv_floor[1]))
    return rows


def table(rows: list[Row], startup: float, note: str) -> str:
    lines = [f"Speed where users wait (issue 22), {date.today()}, {os.cpu_count()} cores; "
             f"`thrombo version` takes {startup:.2f} s (in every CLI figure). {note}",
             "| path | today (CPU) | floor, same run (CPU) | ratio (CPU ratio) | target | met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cpu = "" if r.cpu is None else f" ({r.cpu:.2f} s CPU)"
        floor = "-" if r.floor_seconds is None else f"{r.floor}: {r.floor_seconds:.2f} s" + (
            "" if r.floor_cpu is None else f" ({r.floor_cpu:.2f} s CPU)")
        ratio = "-" if r.ratio is None else f"{r.ratio:.1f}x" + (
            "" if r.cpu_ratio is None else f" ({r.cpu_ratio:.1f}x)")
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        lines.append(f"| {r.path} | {r.today}{cpu} | {floor} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("THROMBO_BENCH_QUICK") == "1")
    parser.add_argument("--no-duckdb", action="store_true", help="Leave out the 10 M-row row.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    startup, _ = _cli("version")
    with tempfile.TemporaryDirectory(prefix="thrombo-bench-") as tmp:
        rows = measure(sizes, Path(tmp), not args.no_duckdb)
    if args.json:
        print(json.dumps({"sizes": sizes, "startup_seconds": startup,
                          "rows": [{**asdict(r), "ratio": r.ratio, "cpu_ratio": r.cpu_ratio}
                                   for r in rows]}, indent=2))
    else:
        note = ("Quick sizes: start-up dominates the ratios." if args.quick
                else f"Sizes: {sizes}.")
        print(table(rows, startup, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
