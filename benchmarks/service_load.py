"""Load on the service: concurrent clients against the patient-view CDS hook and a dashboard page.

Starts `thrombo serve` on loopback (a subprocess, so that the load generator does not share the
server's interpreter) over a simulated two-centre cohort, on PostgreSQL when
THROMBO_TEST_POSTGRES_URL is set (a database of its own on that server) and SQLite otherwise.
Each client (httpx, async) alternates a patient-view call for a random patient and a view of the
patient list, for a fixed time. Prints p50/p99 latency, throughput and error rate per target.
Target (issue 10): no errors, p99 under 200 ms for patient-view. Loopback only, bounded in time.

    .venv/bin/python benchmarks/service_load.py [--clients 50] [--seconds 60] [--json]

CDS client JWTs are off for the run (THROMBO_CDS_REQUIRE_JWT=false): each call would need a fresh
signed token, and signing on the client side would measure the load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store
from thrombo.store.users import create_user

PASSWORD = "load-test-passphrase"
SECRET = "load-test-secret-" + "l" * 40
PATIENT_VIEW = "/cds-services/thrombo-ta-tma"
PAGE = "/"
TARGET_P99_MS = 200.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        total = len(ordered) + self.errors

        def pct(q: float) -> float | None:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered \
                else None

        return {"requests": total, "errors": self.errors,
                "error_rate": round(self.errors / total, 4) if total else None,
                "throughput_per_s": round(total / seconds, 1),
                "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
                "p99_ms": pct(0.99), "error_kinds": dict(self.error_kinds)}


def store_url(tmp: Path) -> tuple[str, str]:
    base = os.environ.get("THROMBO_TEST_POSTGRES_URL")
    if not base:
        return f"sqlite:///{tmp / 'load.db'}", "sqlite"
    url = make_url(base)
    name = f"{url.database}_load"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), "postgresql"


def prepare(url: str, tmp: Path, patients: int) -> list[str]:
    write_dataset(SimulationConfig(seed=2026, patients=patients, itp_patients=patients // 5,
                                   centers=2, tma_fraction=0.35), tmp / "cohort")
    store = Store.open(url)
    store.import_dataset(read_sources([str(tmp / "cohort")]), actor="bench", command="load")
    with store.engine.begin() as conn:
        create_user(conn, "admin", PASSWORD, "administrator")
    ids = sorted(store.known_patient_ids())
    store.engine.dispose()
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THROMBO_SECRET_KEY": SECRET, "THROMBO_COOKIE_SECURE": "false",
           "THROMBO_CDS_REQUIRE_JWT": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "serve", "--db", url,
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("thrombo serve exited at start")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("thrombo serve did not start")


def hook(patient_id: str) -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": patient_id}}


async def client(http: httpx.AsyncClient, ids: list[str], headers: dict[str, str],
                 until: float, tallies: dict[str, Tally], rng: random.Random) -> None:
    while time.monotonic() < until:
        for target in (PATIENT_VIEW, PAGE):
            started = time.perf_counter()
            try:
                if target == PATIENT_VIEW:
                    answer = await http.post(target, json=hook(rng.choice(ids)))
                else:
                    answer = await http.get(target, headers=headers)
                kind = "" if answer.status_code == 200 else f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            if not kind:
                tallies[target].latencies_ms.append(elapsed)
            else:
                tallies[target].errors += 1
                tallies[target].error_kinds[kind] += 1


async def drive(base: str, ids: list[str], clients: int, seconds: float
                ) -> dict[str, Tally]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        token = (await http.post("/api/v1/auth/token", json={"username": "admin",
                                                            "password": PASSWORD})).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for target in (PATIENT_VIEW, PAGE):  # one warm-up call each, not counted
            await (http.post(target, json=hook(ids[0])) if target == PATIENT_VIEW
                   else http.get(target, headers=headers))
        tallies = {PATIENT_VIEW: Tally(), PAGE: Tally()}
        until = time.monotonic() + seconds
        await asyncio.gather(*(client(http, ids, headers, until, tallies, random.Random(i))
                               for i in range(clients)))
    return tallies


def run_load(clients: int = 50, seconds: float = 60.0, patients: int = 40) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thrombo-load-") as tmp:
        url, backend = store_url(Path(tmp))
        ids = prepare(url, Path(tmp), patients)
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(url, port, log)
        try:
            started = time.monotonic()
            tallies = asyncio.run(drive(f"http://127.0.0.1:{port}", ids, clients, seconds))
            elapsed = time.monotonic() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            server_log = log.read_text(errors="replace")
    return {"backend": backend, "clients": clients, "seconds": seconds,
            "patients": len(ids), "patient_view": tallies[PATIENT_VIEW].summary(elapsed),
            "dashboard_page": tallies[PAGE].summary(elapsed),
            "target": {"errors": 0, "patient_view_p99_ms": TARGET_P99_MS},
            "server_errors": [line for line in server_log.splitlines()
                              if "Error" in line or "Exception" in line][:20]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run_load(args.clients, args.seconds, args.patients)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"backend {result['backend']}, {args.clients} clients for {args.seconds:g} s, "
              f"{result['patients']} patients")
        for name in ("patient_view", "dashboard_page"):
            r = result[name]
            print(f"{name:15} p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  "
                  f"{r['throughput_per_s']} req/s  errors {r['errors']}/{r['requests']} "
                  f"{r['error_kinds'] or ''}")
        for line in result["server_errors"]:
            print(f"server: {line}")
    pv = result["patient_view"]
    met = pv["errors"] == 0 and result["dashboard_page"]["errors"] == 0 and \
        pv["p99_ms"] is not None and pv["p99_ms"] < TARGET_P99_MS
    print(f"target (no errors, patient-view p99 < {TARGET_P99_MS:g} ms): "
          f"{'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
