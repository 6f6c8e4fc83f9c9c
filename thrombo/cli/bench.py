"""`thrombo bench screen`: population screening at scale, with its own yardsticks.

Generates (and caches) N observation rows with the simulator, screens them with the chosen
engine, measures the scan floor (reading the same columns once) in the same run, samples peak
memory while screening, and checks a sample of patients against the reference evaluator.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from thrombo.cli.app import app
from thrombo.cli.output import print_json, progress, progress_enabled
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.engines.duck import connect, screen_plan
from thrombo.engines.input_tables import EPOCH, EPOCH_DAY, day_number, from_day_number
from thrombo.engines.query_plan import Plan
from thrombo.engines.verdicts import screening_result
from thrombo.errors import ThromboUserError
from thrombo.population.dataset_views import (
    latest_day,
    patient_ranges,
    register_dataset,
    scan_floor_sql,
    select_bucket,
)
from thrombo.population.naive_loop import naive_loop
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult
from thrombo.simulate.bench import simulate_observations_table

bench_app = typer.Typer(help="Benchmarks that print their figures.")
app.add_typer(bench_app, name="bench")

DEFAULT_CACHE = Path(os.environ.get("THROMBO_BENCH_CACHE", ".bench-cache"))
# The embedded engine is given the memory budget the scale issue sets (2 GB peak in all).
DUCKDB_MEMORY_LIMIT = "1500MB"
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY_S = 0.05
# Patients are screened in ranges of about this many rows: memory is bounded by the range.
# Measured at 50 M rows on two cores, with the observation groups staged one query at a time:
# 5 M-row ranges 22.8 s (623 MB peak), 10 M 20.8 s (924 MB), 25 M 23.2 s (1,718 MB); later,
# 10 M 18.7 s against 12.5 M 19.8 s and 16.7 M 20.1 s. Smaller ranges pay the per-query start
# and serial partition merges more often; larger ones sort more.
ROWS_PER_BUCKET = 10_000_000
# The naive loop is timed on this many rows (the sample) and extrapolated.
NAIVE_SAMPLE_ROWS = 100_000


@dataclass(frozen=True)
class BenchResult:
    rows: int
    engine: str
    seconds: float
    rows_per_second: float
    scan_floor_seconds: float
    peak_memory_mb: float
    agrees_with_reference: bool
    patients: int
    sample_patients: int
    naive_rows_per_second: float
    speedup_vs_naive: float
    buckets: int


class PeakRss:
    """Samples this process's resident memory in a thread (the engine runs in-process)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * PAGE_BYTES

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(SAMPLE_EVERY_S)

    def __enter__(self) -> PeakRss:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def dataset(rows: int, seed: int, cache: Path) -> Path:
    folder = cache / f"screen-{rows}-seed{seed}"
    if not (folder / "patients.csv").exists():
        simulate_observations_table(rows, seed, folder)
    return folder


def _timelines(con: Any, ids: list[str]) -> list[PatientTimeline]:
    con.execute("CREATE OR REPLACE TEMP TABLE sample_ids AS SELECT unnest($1) AS patient_id", [ids])
    pats = (
        con.sql("SELECT * FROM pat WHERE patient_id IN (SELECT patient_id FROM sample_ids)")
        .to_arrow_table()
        .to_pylist()
    )
    rows = (
        con.sql(
            "SELECT * FROM obs WHERE patient_id IN (SELECT patient_id FROM "
            "sample_ids) ORDER BY patient_id, seq"
        )
        .to_arrow_table()
        .to_pylist()
    )
    by_patient: dict[str, list[Observation]] = {}
    for r in rows:
        when = EPOCH + timedelta(microseconds=r["t_us"])
        by_patient.setdefault(r["patient_id"], []).append(
            Observation(
                f"{r['seq']:012d}",
                r["patient_id"],
                r["analyte"],
                when.astimezone(UTC),
                quantity=Quantity(r["value"], r["unit"]),
                ref_low=r["ref_low"],
                ref_high=r["ref_high"],
            )
        )
    return [PatientTimeline.build(_patient(p), by_patient.get(p["patient_id"], ())) for p in pats]


def _patient(row: dict[str, Any]) -> Patient:
    birth = from_day_number(row["birth_day"]) or EPOCH_DAY
    return Patient(
        row["patient_id"],
        birth,
        row["sex"],
        hsct_date=from_day_number(row["hsct_day"]),
        platelet_engraftment_date=from_day_number(row["plt_day"]),
        neutrophil_engraftment_date=from_day_number(row["neut_day"]),
        conditioning_start_date=from_day_number(row["cond_day"]),
    )


def _verdict(r: ScreeningResult) -> tuple[object, ...]:
    return (
        r.status,
        r.first_met,
        r.active,
        r.criteria_met,
        r.criteria_indeterminate,
        r.high_risk,
        r.high_risk_features,
        r.assessed_on,
    )


def run(
    rows: int,
    engine: str = "duckdb",
    seed: int = 0,
    cache: Path = DEFAULT_CACHE,
    sample: int = 200,
    threads: int | None = None,
) -> BenchResult:
    if engine != "duckdb":
        raise ThromboUserError(
            "bench screen measures the embedded engine (duckdb); Spark is "
            "measured by benchmarks/spark_submit.sh"
        )
    folder = dataset(rows, seed, cache)
    criteria = criteria_set("harmonized-2023")
    con = connect(DUCKDB_MEMORY_LIMIT, threads)
    path = register_dataset(con, folder)
    as_of = latest_day(con)
    started = time.perf_counter()
    con.execute(scan_floor_sql(path)).fetchall()
    floor = time.perf_counter() - started
    plan, day = Plan.of(criteria), day_number(as_of) or 0
    ranges = patient_ranges(con, max(1, -(-rows // ROWS_PER_BUCKET)))
    with PeakRss() as peak:
        started = time.perf_counter()
        table = _screen_ranges(con, plan, day, ranges)
        seconds = time.perf_counter() - started
    select_bucket(con, ranges[0][0], ranges[-1][1])
    results = {r["patient_id"]: r for r in table}
    ids = sorted(results)[:sample]
    timelines = _timelines(con, ids)
    expected = {t.patient_id: screen_patient(t, criteria, as_of) for t in timelines}
    agrees = all(
        _verdict(screening_result(results[p], criteria)) == _verdict(expected[p]) for p in ids
    )
    naive_rate = naive_loop(_naive_sample(con)).rows_per_second
    rate = rows / seconds
    return BenchResult(
        rows,
        engine,
        round(seconds, 2),
        round(rate),
        round(floor, 2),
        round(peak.peak / 2**20),
        agrees,
        len(results),
        len(ids),
        round(naive_rate),
        round(rate / naive_rate, 1) if naive_rate else 0.0,
        len(ranges),
    )


def _screen_ranges(
    con: Any, plan: Plan, day: int, ranges: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for low, high in ranges:
        select_bucket(con, low, high)
        found.extend(screen_plan(con, plan, day))
    return found


def _naive_sample(con: Any) -> Any:
    """The first NAIVE_SAMPLE_ROWS rows' patients, whole, as a pandas frame."""
    return con.sql(
        f"SELECT patient_id, day, analyte, value, ref_high FROM obs WHERE patient_id IN "
        f"(SELECT DISTINCT patient_id FROM (SELECT patient_id FROM obs LIMIT {NAIVE_SAMPLE_ROWS}))"
    ).df()


def _document(result: BenchResult) -> dict[str, object]:
    keys = (
        "rows",
        "engine",
        "seconds",
        "rows_per_second",
        "scan_floor_seconds",
        "peak_memory_mb",
        "agrees_with_reference",
    )
    everything = asdict(result)
    return {
        **{k: everything[k] for k in keys},
        **{k: v for k, v in everything.items() if k not in keys},
    }


@bench_app.command("screen")
def bench_screen(
    rows: Annotated[int, typer.Option(help="Observation rows to generate and screen.")] = 1_000_000,
    engine: Annotated[str, typer.Option(help="Engine to measure: duckdb.")] = "duckdb",
    seed: Annotated[int, typer.Option(help="Simulator seed.")] = 0,
    cache: Annotated[Path, typer.Option(help="Where generated tables are kept.")] = DEFAULT_CACHE,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Screen N simulated rows with harmonized-2023 and print the figures."""
    # A spinner, not a bar: its redraws run in a thread of their own, and steps reported from
    # inside the timed screen would add to the time measured.
    with progress(f"benchmarking {rows:,} rows", enabled=progress_enabled(as_json)):
        document = _document(run(rows, engine, seed, cache))
    if as_json:
        print_json(document)
        return
    for key, value in document.items():
        typer.echo(f"{key:>24}  {value}")
