"""CDS Hooks patient-view with a full prefetch: the card's latency for a patient the store does
not hold (target: well within 0.5 s, the CDS Hooks guidance for a responsive EHR).

Simulates a small cohort into a scratch SQLite store, writes one TA-TMA patient's record as the
FHIR prefetch an EHR would send (under a new id, so only the prefetch is read), and times the
in-process call. Prints the median and maximum of repeated calls beside the target."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from thrombo.api import clinical
from thrombo.api.main import create_app
from thrombo.api.service import Service
from thrombo.api.settings import Settings
from thrombo.domain.timeline import PatientTimeline
from thrombo.io.fhir_write import fhir_resources
from thrombo.normalize.concepts import fhir_vocabulary
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import read_sources
from thrombo.store.sql import Store

TARGET_S = 0.5
CALLS = 20
PATIENT_VIEW = "/cds-services/thrombo-ta-tma"


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r} for r in resources]}


def prefetch_of(timeline: PatientTimeline, new_id: str) -> dict[str, Any]:
    patient = replace(timeline.patient, patient_id=new_id)
    observations = [replace(o, patient_id=new_id, id=f"{new_id}-{o.id}")
                    for o in timeline.observations]
    vocab = fhir_vocabulary()
    history = list(fhir_resources([patient], vocabulary=vocab))
    return {"patient": history[0],
            "observations": searchset(list(fhir_resources(observations=observations,
                                                           vocabulary=vocab))),
            "transplant": searchset([r for r in history if r["resourceType"] == "Procedure"])}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dataset"
        write_dataset(SimulationConfig(seed=7, patients=10, itp_patients=0, centers=1,
                                       tma_fraction=0.5), folder)
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        store = Store.open(url)
        store.import_dataset(read_sources([str(folder)]), actor="bench", command="bench")
        settings = Settings(db=url, secret_key="bench-" + "k" * 40,  # type: ignore[call-arg]
                            cookie_secure=False, cds_require_jwt=False, dev=True)
        service = Service(settings, store)
        client = TestClient(create_app(settings, service))
        today = service.today()
        timeline = next(t for t in store.timelines(service.tz)
                        if clinical.screen_one(t, today).status == "ta-tma")
        prefetch = prefetch_of(timeline, "EHR-ONLY-1")
        times = []
        for _ in range(CALLS + 1):
            body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                    "context": {"userId": "Practitioner/1", "patientId": "EHR-ONLY-1"},
                    "prefetch": prefetch}
            started = time.perf_counter()
            answer = client.post(PATIENT_VIEW, json=body)
            times.append(time.perf_counter() - started)
            if answer.status_code != 200 or not answer.json()["cards"]:
                print(f"patient-view failed: {answer.status_code} {answer.text[:200]}")
                return 1
        warm = times[1:]  # the first call also builds caches the service keeps
        store.engine.dispose()
    median = statistics.median(warm)
    print(f"patient-view, full prefetch of {len(timeline.observations)} observations, "
          f"{CALLS} calls: first {times[0] * 1000:.0f} ms, median {median * 1000:.0f} ms, "
          f"max {max(warm) * 1000:.0f} ms; target < {TARGET_S * 1000:.0f} ms: "
          f"{'met' if median < TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
