"""No patient values in the logs: a full run (import, page views, API reads, CDS calls, errors)
through a real uvicorn server configured as `thrombo serve` configures it, with every logger at
DEBUG, and the captured log text searched for the fixture patients' identifiers, name, birth
dates, local record number and laboratory values.

The fixture values are chosen to be distinctive (two-decimal laboratory values, unusual ids), so
that a hit is a leak and not a coincidence with a timing or a count.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.api.conftest import PASSWORD, settings_for
from tests.browser.conftest import free_port
from thrombo.api.service import Service
from thrombo.cli.serve import server_config
from thrombo.store.sql import Store
from thrombo.store.users import create_user

pytestmark = pytest.mark.slow

IDS = ("QZ-PATIENT-7781", "QZ-PATIENT-7782")
BIRTH_DATES = ("2013-04-19", "2016-11-23")
MRN = "MRN-ZX-99172"
NAME = ("Zebedee", "Quartermaine")
LAB_VALUES = ("23.17", "8.37", "1987.65", "0.93")
SECRETS = (*IDS, *BIRTH_DATES, MRN, *NAME, *LAB_VALUES)
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "thrombo", "fastapi", "starlette",
           "sqlalchemy")
CLIENT_LOGGERS = ("httpx", "httpcore")
"""The test's own HTTP client logs in the same process; its lines are not the service's."""


def dataset(folder: Path) -> list[tuple[str, bytes]]:
    patients = ("patient_id,birth_date,sex,center,hsct_date,last_contact_date,mrn_local\n"
                f"{IDS[0]},{BIRTH_DATES[0]},M,C01,2026-01-10,2026-06-30,{MRN}\n"
                f"{IDS[1]},{BIRTH_DATES[1]},F,C01,2026-01-20,2026-06-30,\n")
    rows = ["patient_id,time,code,value,unit"]
    for pid in IDS:
        for day in range(1, 8):
            when = f"2026-02-{day:02d}T08:00:00+00:00"
            rows += [f"{pid},{when},777-3,{LAB_VALUES[0]},10*9/L",
                     f"{pid},{when},718-7,{LAB_VALUES[1]},g/dL",
                     f"{pid},{when},2532-0,{LAB_VALUES[2]},U/L",
                     f"{pid},{when},2160-0,{LAB_VALUES[3]},mg/dL"]
    return [("patients.csv", patients.encode()), ("observations.csv",
                                                   ("\n".join(rows) + "\n").encode())]


def fhir_patient() -> bytes:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Patient", "id": "QZ-PATIENT-7783", "birthDate": "2012-02-29",
        "gender": "male", "name": [{"family": NAME[1], "given": [NAME[0]]}]}}]}
    return json.dumps(bundle).encode()


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Capture]]:
    url = f"sqlite:///{tmp_path / 'logs.db'}"
    store = Store.open(url)
    with store.engine.begin() as conn:
        create_user(conn, "admin", PASSWORD, "administrator")
        create_user(conn, "doc", PASSWORD, "clinician", "C01")
    settings = settings_for(url, port=free_port(), cds_require_jwt=False)
    config = server_config(settings, Service(settings, store), log_level="debug")
    capture = Capture()
    saved = {name: (logging.getLogger(name).level, logging.getLogger(name).propagate)
             for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(capture)
        logging.getLogger(name).propagate = False
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{settings.port}", capture
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        for name, (level, propagate) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).removeHandler(capture)
            logging.getLogger(name).propagate = propagate
        store.engine.dispose()


def full_run(base: str) -> None:
    with httpx.Client(base_url=base) as http:
        def bearer(user: str) -> dict[str, str]:
            answer = http.post("/api/v1/auth/token", json={"username": user,
                                                           "password": PASSWORD})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}
        admin, doc = bearer("admin"), bearer("doc")
        files = [("files", (name, body, "text/csv")) for name, body in dataset(Path())]
        assert http.post("/api/v1/imports", files=files, headers=admin).status_code == 201
        fhir = [("files", ("patient.json", fhir_patient(), "application/json"))]
        assert http.post("/api/v1/imports", files=fhir, headers=admin).status_code == 201
        for pid in IDS:
            for suffix in ("timeline", "screening", "itp", "assessment", "plan"):
                answer = http.get(f"/api/v1/patients/{pid}/{suffix}", headers=doc)
                assert answer.status_code == 200, (suffix, answer.text)
            assert http.get(f"/patients/{pid}", headers=doc).status_code == 200
            hook = {"hook": "patient-view", "hookInstance": "a1",
                    "context": {"userId": "Practitioner/1", "patientId": pid}}
            assert http.post("/cds-services/thrombo-ta-tma", json=hook).status_code == 200
        for page in ("/", "/study", "/imports", f"/audit?patient_id={IDS[0]}"):
            assert http.get(page, headers=admin).status_code == 200
        assert http.get("/api/v1/patients", params={"q": IDS[0]}, headers=doc).status_code == 200
        # Errors and refusals log too: an unknown patient, a forbidden one, a bad dose.
        assert http.get(f"/api/v1/patients/{IDS[0]}X/timeline", headers=doc).status_code == 404
        assert http.get(f"/patients/{IDS[1]}").status_code == 303
        bad = http.post("/api/v1/dose", json={"drug": "ivig", "weight_kg": 9000}, headers=doc)
        assert bad.status_code == 422


_TIMINGS = re.compile(r"\[(?:cached since|generated in) [0-9.e-]+s(?: ago)?\]|"
                      r"\d+\.\d+ ?(?:ms|s)\b")
"""SQLAlchemy's statement timings ("[cached since 0.9384s ago]") and request durations: a
value such as 0.93 would match them by chance."""


def leaks(lines: list[str]) -> dict[str, list[str]]:
    lines = [_TIMINGS.sub("", line) for line in lines]
    text = "\n".join(lines)
    return {s: [line[:300] for line in lines if s in line][:3] for s in SECRETS if s in text}


def test_no_patient_value_in_the_service_logs(server: tuple[str, Capture]) -> None:
    base, capture = server
    full_run(base)
    service_lines = [line for line in capture.lines
                     if not line.startswith(("sqlalchemy", *CLIENT_LOGGERS))]
    text = "\n".join(service_lines)
    assert "thrombo.access" in text, "the run was logged at all"
    assert "/api/v1/patients/{patient_id}/timeline" in text
    assert "uvicorn.error INFO" in text, "uvicorn's own log was captured"
    found = leaks(service_lines)
    assert not found, f"patient values in the logs: {found}"


def test_no_patient_value_in_the_sql_log(server: tuple[str, Capture]) -> None:
    base, capture = server
    full_run(base)
    sql_lines = [line for line in capture.lines if line.startswith("sqlalchemy")]
    assert sql_lines, "SQLAlchemy logged at all"
    found = leaks(sql_lines)
    assert not found, f"patient values in the SQL log: {found}"
