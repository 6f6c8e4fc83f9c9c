"""The streaming import (bounded memory, chunked, one transaction) counts as the in-memory one."""

from __future__ import annotations

import json
from pathlib import Path

from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources, read_sources
from thrombo.store.sql import Store

BAD_ROWS = Path(__file__).parents[2] / "fixtures" / "datasets" / "bad_rows"


def _stream(url: str, paths: list[str], chunk: int) -> dict[str, object]:
    specs, ctx = plan_sources(paths)
    summary = import_sources(
        Store.open(url), specs, ctx, actor="t", command="t", chunk_records=chunk
    )
    return summary.to_json()


def test_tiny_chunks_give_the_same_accounting_as_the_whole(sqlite_url: str, tmp_path: Path) -> None:
    whole = Store.open(f"sqlite:///{tmp_path / 'whole.db'}")
    expected = whole.import_dataset(read_sources([str(BAD_ROWS)]), actor="t", command="t")
    streamed = _stream(sqlite_url, [str(BAD_ROWS)], chunk=2)
    (a,), (b,) = expected.to_json()["sources"], streamed["sources"]  # type: ignore[misc]
    assert a == b
    assert sorted(map(str, expected.to_json()["quarantine"])) == sorted(
        map(str, streamed["quarantine"])
    )  # type: ignore[call-overload]
    again = _stream(sqlite_url, [str(BAD_ROWS)], chunk=3)
    (source,) = again["sources"]  # type: ignore[misc]
    assert source["stored"] == 0 and source["duplicates"] == 17


def _platelets(ident: str, patient: str) -> dict[str, object]:
    """A FHIR Observation: platelets 45 x 10^9/L on 2026-02-01 08:00 UTC for `patient`."""
    return {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "subject": {"reference": f"Patient/{patient}"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]},
        "effectiveDateTime": "2026-02-01T08:00:00Z",
        "valueQuantity": {
            "value": 45,
            "unit": "10*9/L",
            "system": "http://unitsofmeasure.org",
            "code": "10*9/L",
        },
    }


def test_observation_before_its_patient_in_one_ndjson_file(sqlite_url: str, tmp_path: Path) -> None:
    lines = [
        _platelets("o1", "p1"),
        _platelets("o2", "nobody"),
        {"resourceType": "Patient", "id": "p1", "birthDate": "2016-05-01", "gender": "female"},
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    summary = _stream(sqlite_url, [str(path)], chunk=1)
    (source,) = summary["sources"]  # type: ignore[misc]
    assert (source["records"], source["stored"], source["quarantined"]) == (3, 2, 1)
    assert summary["quarantine"][0]["reason"] == "unknown patient 'nobody'"  # type: ignore[index]
    (timeline,) = Store.open(sqlite_url).timelines()
    assert [o.value for o in timeline.observations] == [45.0]
