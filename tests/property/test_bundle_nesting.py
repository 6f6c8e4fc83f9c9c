"""Property: a Bundle of Bundles, nested any way, gives one record per resource that is not
itself a Bundle with entries, and one per entry without a resource: nothing is lost or counted
twice, and every record is read, skipped or quarantined (fhir_read.flatten)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from thrombo.io.fhir import read_fhir

LEAVES = [
    {"request": {"method": "DELETE", "url": "Observation/x"}},
    {"response": {"status": "200 OK"}},
    {"fullUrl": "urn:uuid:nothing"},
    {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "2015-01-01"}},
    {"resource": {"resourceType": "Encounter", "id": "e"}},
    {"resource": {"resourceType": "Observation", "id": "o", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]},
                  "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2024-01-01",
                  "valueQuantity": {"value": 40, "code": "10*9/L"}}},
    {"resource": {"resourceType": "Bundle", "type": "searchset"}},
]


def nest(children: list[Any]) -> dict[str, Any]:
    return {"resource": {"resourceType": "Bundle", "type": "searchset", "entry": children}}


entries = st.recursive(st.sampled_from(LEAVES),
                       lambda inner: st.lists(inner, min_size=1, max_size=4).map(nest),
                       max_leaves=30)


def leaves(entry: dict[str, Any]) -> int:
    inner = (entry.get("resource") or {}).get("entry")
    return sum(leaves(e) for e in inner) if inner else 1


@settings(max_examples=80, deadline=None)
@given(st.lists(entries, max_size=6))
def test_every_nested_resource_is_one_record(top: list[dict[str, Any]]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "b.json"
        path.write_bytes(orjson.dumps({"resourceType": "Bundle", "type": "collection",
                                       "entry": top}))
        records = list(read_fhir(path, full_validation=False))
    assert len(records) == sum(leaves(e) for e in top)
    for rec in records:
        assert (bool(rec.items), rec.skipped is not None,
                rec.quarantined is not None).count(True) == 1
