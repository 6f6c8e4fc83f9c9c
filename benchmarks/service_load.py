"""Load on the service: concurrent clients against the patient-view CDS hook and a dashboard page.

Starts `thrombo serve` on loopback (a subprocess, so that the load generator does not share the
server's interpreter) over a simulated two-centre cohort, on PostgreSQL when
THROMBO_TEST_POSTGRES_URL is set (a database of its own on that server) and SQLite otherwise.
Each client (closed loop: the next request as soon as the answer is in, no think time) keeps one
HTTP/1.1 connection and alternates a patient-view call for a random patient and a view of the
patient list, for a fixed time. Prints p50/p99 latency, throughput and error rate per target,
the server's worker count, and the CPU time per request of the server and of this load generator.
Target (issue 10): no errors, p99 under 200 ms for patient-view. Loopback only, bounded in time.

    .venv/bin/python benchmarks/service_load.py [--clients 50] [--seconds 60] [--workers 2] [--json]

The clients speak HTTP through h11 over asyncio streams rather than through httpx: on this
2-core machine the load generator shares the CPU with the server and the database, and httpx's
connection pool spent 5 ms of CPU per request under 50 concurrent clients (1.8 ms with a client
per connection), more than the server itself; h11 (the HTTP/1.1 state machine uvicorn and httpx
are built on) costs a fraction of that. httpx still does the set-up calls.

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

import h11
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
WORKERS = 2
"""Server processes for the run: one per core of the 2-core machine the figures come from
(1 worker: patient-view p99 well over the target, the second core left to the database)."""


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


def start_server(url: str, port: int, log: Path, workers: int = WORKERS
                 ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THROMBO_SECRET_KEY": SECRET, "THROMBO_COOKIE_SECURE": "false",
           "THROMBO_CDS_REQUIRE_JWT": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from thrombo.cli import main; main()", "serve", "--db", url,
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    return wait_until_serving(proc, port, log)


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log: Path,
                       limit_s: float = 60.0) -> subprocess.Popen[bytes]:
    """The started `thrombo serve` once its login page answers; if it exits or has not answered
    within limit_s, it is stopped and the error carries its log (stderr)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"thrombo serve exited at start: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"thrombo serve did not start: {log.read_text()}")


def hook(patient_id: str) -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": patient_id}}


class Connection:
    """One keep-alive HTTP/1.1 connection of one client (h11 over asyncio streams)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.http = h11.Connection(h11.CLIENT)

    async def request(self, method: str, path: str, headers: list[tuple[str, str]],
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.streams is None or self.http.our_state is not h11.IDLE:
            await self._reconnect()
        assert self.streams is not None
        reader, writer = self.streams
        head = [("host", f"127.0.0.1:{self.port}"), ("content-length", str(len(body))),
                *headers]
        writer.write(self.http.send(h11.Request(method=method, target=path, headers=head))
                     + (self.http.send(h11.Data(data=body)) if body else b"")
                     + self.http.send(h11.EndOfMessage()))
        status, chunks = 0, []
        while True:
            event = self.http.next_event()
            if event is h11.NEED_DATA:
                self.http.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the server closed the connection")
        self.http.start_next_cycle()
        return status, b"".join(chunks)

    async def _reconnect(self) -> None:
        self.close()
        self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        self.http = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def client(port: int, ids: list[str], token: str, until: float,
                 tallies: dict[str, Tally], rng: random.Random) -> None:
    connection = Connection(port)
    page_headers = [("authorization", f"Bearer {token}")]
    json_headers = [("content-type", "application/json")]
    try:
        while time.monotonic() < until:
            for target in (PATIENT_VIEW, PAGE):
                started = time.perf_counter()
                try:
                    if target == PATIENT_VIEW:
                        body = json.dumps(hook(rng.choice(ids))).encode()
                        status, _ = await connection.request("POST", target, json_headers, body)
                    else:
                        status, _ = await connection.request("GET", target, page_headers)
                    kind = "" if status == 200 else f"HTTP {status}"
                except (OSError, h11.ProtocolError, asyncio.IncompleteReadError) as exc:
                    kind = type(exc).__name__
                    connection.close()
                elapsed = (time.perf_counter() - started) * 1000
                if not kind:
                    tallies[target].latencies_ms.append(elapsed)
                else:
                    tallies[target].errors += 1
                    tallies[target].error_kinds[kind] += 1
    finally:
        connection.close()


def sign_in(base: str, ids: list[str]) -> str:
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post("/api/v1/auth/token", json={"username": "admin",
                                                      "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        http.post(PATIENT_VIEW, json=hook(ids[0])).raise_for_status()  # warm-up, not counted
        http.get(PAGE, headers=headers).raise_for_status()
    return str(token["access_token"])


async def drive(port: int, ids: list[str], token: str, clients: int, seconds: float
                ) -> dict[str, Tally]:
    tallies = {PATIENT_VIEW: Tally(), PAGE: Tally()}
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(port, ids, token, until, tallies, random.Random(i))
                           for i in range(clients)))
    return tallies


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        children = " ".join(p.read_text() for p in Path(f"/proc/{pid}/task").glob("*/children"))
    except OSError:
        return 0.0
    return own + sum(process_tree_cpu(int(c)) for c in children.split())


def wait_until_idle(pid: int, limit_s: float = 120.0) -> None:
    """Until the server's processes use under a tenth of a core (their start-up cache warming
    is done), so that the run measures the steady state."""
    deadline = time.monotonic() + limit_s
    used = process_tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        used, before = process_tree_cpu(pid), used
        if used - before < 0.1:
            return


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (Linux /proc/stat)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def run_load(clients: int = 50, seconds: float = 60.0, patients: int = 40,
             workers: int = WORKERS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thrombo-load-") as tmp:
        url, backend = store_url(Path(tmp))
        ids = prepare(url, Path(tmp), patients)
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(url, port, log, workers)
        try:
            token = sign_in(f"http://127.0.0.1:{port}", ids)
            wait_until_idle(server.pid)  # each worker screens every patient as it starts
            server_cpu, own_cpu, busy = process_tree_cpu(server.pid), time.process_time(), \
                machine_busy()
            started = time.monotonic()
            tallies = asyncio.run(drive(port, ids, token, clients, seconds))
            elapsed = time.monotonic() - started
            server_cpu = process_tree_cpu(server.pid) - server_cpu
            own_cpu = time.process_time() - own_cpu
            busy_now = machine_busy()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            server_log = log.read_text(errors="replace")
    done = sum(len(t.latencies_ms) + t.errors for t in tallies.values()) or 1
    total_cpu = busy_now[1] - busy[1]
    return {"backend": backend, "clients": clients, "seconds": seconds, "workers": workers,
            "patients": len(ids), "patient_view": tallies[PATIENT_VIEW].summary(elapsed),
            "dashboard_page": tallies[PAGE].summary(elapsed),
            "cpu_ms_per_request": {"server": round(server_cpu / done * 1000, 2),
                                   "load_generator": round(own_cpu / done * 1000, 2)},
            "machine_busy_fraction": round((busy_now[0] - busy[0]) / total_cpu, 2)
            if total_cpu else None,
            "target": {"errors": 0, "patient_view_p99_ms": TARGET_P99_MS},
            "server_errors": [line for line in server_log.splitlines()
                              if "Error" in line or "Exception" in line][:20]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run_load(args.clients, args.seconds, args.patients, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"backend {result['backend']}, {args.clients} clients for {args.seconds:g} s, "
              f"{result['patients']} patients, {result['workers']} server worker(s)")
        for name in ("patient_view", "dashboard_page"):
            r = result[name]
            print(f"{name:15} p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  "
                  f"{r['throughput_per_s']} req/s  errors {r['errors']}/{r['requests']} "
                  f"{r['error_kinds'] or ''}")
        cpu = result["cpu_ms_per_request"]
        print(f"CPU per request: server {cpu['server']} ms, load generator "
              f"{cpu['load_generator']} ms; machine busy {result['machine_busy_fraction']}")
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
