"""The Spark job on a real standalone cluster: a master and a worker started from the pyspark
package on 127.0.0.1, the job run as `thrombo screen --engine spark --master spark://...` from
another working directory, so that the executors run in a JVM of their own and a mistake in
paths, serialisation or shipping shows. Its results equal `thrombo screen --json`.

One small dataset and one job: the cluster costs three JVMs besides the driver's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.engines.test_spark_job import assert_results_are_screen_json, screen_json
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

LOOPBACK = "127.0.0.1"
# Under a loaded machine a JVM takes tens of seconds to start; the worker registers after it.
START_TIMEOUT_S = 240


def _java_home() -> str | None:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java:
        return str(Path(java).resolve().parents[1])  # .../bin/java -> the JDK folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


def _log_tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else ""


def _wait_for(log: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name} exited {process.returncode}: {_log_tail(log)}")
        if text in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(1)
    raise RuntimeError(f"no {text!r} in {log.name} after {START_TIMEOUT_S} s: {_log_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """By its PID: spark-class execs the JVM, so the PID is the master's or worker's."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def standalone_cluster(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A master and one worker (1 core, 1 GB) on loopback; yields the master URL and the
    environment to run a driver with. Both are stopped by PID, also when the test fails."""
    java_home = _java_home()
    if java_home is None:
        pytest.skip("Java is not installed (Spark tests run in CI, where .ci/run installs it)")
    import pyspark

    home = Path(pyspark.__file__).parent
    logs = tmp_path / "cluster"
    logs.mkdir()
    env = {**os.environ, "SPARK_HOME": str(home), "JAVA_HOME": java_home,
           "SPARK_LOCAL_IP": LOOPBACK, "SPARK_LOG_DIR": str(logs),
           "SPARK_DAEMON_MEMORY": "256m", "PYSPARK_PYTHON": sys.executable,
           # No REST submission server: it would take port 6066, shared by the machine.
           "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false"}
    env.pop("PYSPARK_SUBMIT_ARGS", None)
    spark_class = str(home / "bin" / "spark-class")
    port = _free_port()
    url = f"spark://{LOOPBACK}:{port}"
    started: list[subprocess.Popen[bytes]] = []
    try:
        for name, args in (
            ("master", ["org.apache.spark.deploy.master.Master", "--host", LOOPBACK,
                        "--port", str(port), "--webui-port", str(_free_port())]),
            ("worker", ["org.apache.spark.deploy.worker.Worker", "--host", LOOPBACK,
                        "--webui-port", str(_free_port()), "--cores", "1", "--memory", "1g",
                        "--work-dir", str(logs / "work"), url]),
        ):
            log = logs / f"{name}.log"
            with log.open("wb") as out:
                started.append(subprocess.Popen([spark_class, *args], stdout=out,
                                                stderr=subprocess.STDOUT, env=env, cwd=logs))
            # The master is up when it is elected leader; the worker when the master has it.
            _wait_for(log, "I have been elected leader" if name == "master"
                      else "Successfully registered with master", started[-1])
        yield url, env
    finally:
        for process in reversed(started):
            _stop(process)


@pytest.mark.spark
@pytest.mark.slow
def test_a_standalone_cluster_screens_as_screen_json(
    tmp_path: Path, standalone_cluster: tuple[str, dict[str, str]]
) -> None:
    url, env = standalone_cluster
    dataset = tmp_path / "dataset"
    write_dataset(SimulationConfig(seed=26, patients=8, itp_patients=1, tma_fraction=0.5),
                  dataset, "csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "results"
    as_of = date(2025, 8, 1)
    thrombo = Path(sys.executable).parent / "thrombo"
    done = subprocess.run(
        [str(thrombo), "screen", str(dataset), "--engine", "spark", "--master", url,
         "--out", str(out), "--as-of", as_of.isoformat()],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    print(done.stdout)  # the job's time and counts, shown with pytest -rP
    assert "screened 9 patients" in done.stdout
    # The executors ran on the worker, not in the driver: the worker launched an executor.
    assert "Asked to launch executor" in (tmp_path / "cluster" / "worker.log").read_text(
        encoding="utf-8", errors="replace")
    reference = screen_json(dataset, as_of)
    assert {p["status"] for p in reference["patients"]} >= {"ta-tma", "not-applicable"}
    assert_results_are_screen_json(out, reference)
