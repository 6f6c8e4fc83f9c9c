"""FHIR NDJSON import rate: the fast path versus full R4B validation.

Generates N Observations (default 200,000) as Bulk Data NDJSON in a temporary folder, reads them
with `read_fhir` on the fast path, then reads a sample with full R4B validation, and prints
records per second for each. Not a timed test: a measurement to design against (design.md).

    .venv/bin/python benchmarks/fhir_import.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import orjson

from thrombo.io.fhir import read_fhir

ANALYTES = (("777-3", "10*9/L", 45.0), ("718-7", "g/dL", 9.1), ("2532-0", "U/L", 640.0),
            ("2160-0", "mg/dL", 0.6))
FULL_VALIDATION_SAMPLE = 20_000


def observation(n: int) -> bytes:
    code, unit, value = ANALYTES[n % len(ANALYTES)]
    return orjson.dumps({
        "resourceType": "Observation", "id": f"o{n}", "meta": {"versionId": "1"},
        "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": f"Patient/p{n % 5000}"},
        "effectiveDateTime": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:{n % 60:02d}:00+01:00",
        "valueQuantity": {"value": value + n % 7, "unit": unit,
                          "system": "http://unitsofmeasure.org", "code": unit},
        "referenceRange": [{"low": {"value": 1.0}, "high": {"value": 2.0}}],
    })


def rate(path: Path, full_validation: bool) -> tuple[int, float]:
    start = time.perf_counter()
    count = sum(1 for record in read_fhir(path, full_validation=full_validation) if record.items)
    return count, count / (time.perf_counter() - start)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fast_file = Path(folder) / "Observation.ndjson"
        fast_file.write_bytes(b"\n".join(observation(i) for i in range(n)) + b"\n")
        sample = Path(folder) / "sample.ndjson"
        size = min(n, FULL_VALIDATION_SAMPLE)
        sample.write_bytes(b"\n".join(observation(i) for i in range(size)))
        count, fast = rate(fast_file, full_validation=False)
        print(f"fast path:       {count} observations, {fast:,.0f} records/s")
        count, full = rate(sample, full_validation=True)
        print(f"full R4B models: {count} observations, {full:,.0f} records/s")
        print(f"speed-up:        {fast / full:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
