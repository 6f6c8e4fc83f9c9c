"""Import a large FHIR NDJSON file (default 1 GB) and report time and peak memory.

The streaming import normalises and writes in chunks inside one transaction, so peak memory
should stay flat as the file grows. Prints: size, records, seconds, records/s, peak RSS.
Usage: python benchmarks/import_large_ndjson.py [--mb 1024]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources
from thrombo.store.sql import Store

PATIENTS = 2000


def write_ndjson(path: Path, megabytes: int) -> int:
    target = megabytes * 1024 * 1024
    written = lines = 0
    with path.open("w", encoding="utf-8") as handle:
        for p in range(PATIENTS):
            line = json.dumps({"resourceType": "Patient", "id": f"p{p}",
                               "birthDate": f"{2008 + p % 16}-0{1 + p % 9}-15",
                               "gender": "female" if p % 2 else "male"})
            handle.write(line + "\n")
            written += len(line) + 1
            lines += 1
        i = 0
        while written < target:
            i += 1
            day = 1 + i % 28
            line = json.dumps({
                "resourceType": "Observation", "id": f"o{i}", "status": "final",
                "subject": {"reference": f"Patient/p{i % PATIENTS}"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]},
                "effectiveDateTime": f"2026-02-{day:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
                "valueQuantity": {"value": 20 + i % 300, "unit": "10*9/L",
                                  "system": "http://unitsofmeasure.org", "code": "10*9/L"},
            })
            handle.write(line + "\n")
            written += len(line) + 1
            lines += 1
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Observation.ndjson"
        lines = write_ndjson(path, args.mb)
        store = Store.open(f"sqlite:///{Path(tmp) / 'store.db'}")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        specs, ctx = plan_sources([str(path)])
        summary = import_sources(store, specs, ctx, actor="bench", command="bench")
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        (source,) = summary.sources
        print(f"file                {path.stat().st_size / 1e6:10.1f} MB, {lines} lines")
        print(f"records             {source.records:10d} (stored {source.stored}, "
              f"quarantined {source.quarantined})")
        print(f"seconds             {seconds:10.1f}")
        print(f"records per second  {source.records / seconds:10.0f}")
        print(f"peak RSS            {peak:10.0f} MB (before import {before:.0f} MB)")


if __name__ == "__main__":
    main()
