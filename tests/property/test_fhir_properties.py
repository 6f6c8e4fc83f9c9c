"""Properties of the FHIR NDJSON reader: it never crashes on arbitrary lines and accounts for
every non-blank line with exactly one record (items, a skip or a quarantine), in order."""

from __future__ import annotations

import json
import string
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrombo.errors import SourceError
from thrombo.io.fhir import read_fhir
from thrombo.io.fhir_read import BOM

TYPES = ["Patient", "Observation", "Procedure", "Condition", "MedicationAdministration",
         "MedicationRequest", "MedicationStatement", "Medication", "Encounter", "Claim"]
KEYS = ["id", "status", "code", "subject", "effectiveDateTime", "effectivePeriod", "issued",
        "valueQuantity", "valueCodeableConcept", "valueString", "component", "referenceRange",
        "birthDate", "gender", "medicationCodeableConcept", "medicationReference", "dosage",
        "performedDateTime", "onsetDateTime", "meta", "coding", "system", "value", "unit",
        "reference", "contained", "identifier", "extension", "start", "end", "low", "high"]



def dumps(value: object) -> bytes:
    """The standard library's encoder: unlike orjson it writes integers beyond 64 bits."""
    return json.dumps(value).encode()


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False,
                    allow_infinity=False), st.text(max_size=12),
                    st.sampled_from(["Patient/1", "urn:uuid:x", "2024-01-01", "777-3",
                                     "http://loinc.org", "2024-13-01T25:00", "#m", "final"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=12,
)
resources = st.builds(
    lambda rtype, body: {"resourceType": rtype, **body},
    st.sampled_from(TYPES),
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8),
)
lines = st.one_of(
    resources.map(dumps),
    json_values.map(dumps),
    st.text(alphabet=string.printable.replace("\n", "").replace("\r", ""), max_size=30)
    .map(str.encode),
    st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=12))
def test_ndjson_reader_accounts_for_every_line(content: list[bytes]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "Mixed.ndjson"
        path.write_bytes(b"\n".join(content))
        try:
            records = list(read_fhir(path))
        except SourceError as exc:
            assert "\n" not in str(exc)  # a whole-file refusal is one clear line
            return
    # The reader drops a UTF-8 byte-order mark at the start of the file before it decides whether
    # the first line is blank, so a first line that is only a BOM is blank to it as well.
    expected = [f"line {n}" for n, line in enumerate(content, start=1)
                if (line.removeprefix(BOM) if n == 1 else line).strip()]
    assert [r.provenance.location for r in records] == expected
    for record in records:
        outcomes = (bool(record.items), record.skipped is not None,
                    record.quarantined is not None)
        assert outcomes.count(True) == 1


def test_a_bom_only_first_line_is_blank() -> None:
    """The case a random seed found: a first line holding only the byte-order mark."""
    content = [BOM, b'{"resourceType": "Patient", "id": "p1"}']
    with TemporaryDirectory() as folder:
        path = Path(folder) / "Patient.ndjson"
        path.write_bytes(b"\n".join(content))
        records = list(read_fhir(path))
    assert [r.provenance.location for r in records] == ["line 2"]


@settings(max_examples=200, deadline=None)
@given(st.lists(resources, min_size=1, max_size=6))
def test_full_validation_path_also_accounts_for_every_line(content: list[dict[str, object]]
                                                           ) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "Mixed.ndjson"
        path.write_bytes(b"\n".join(dumps(r) for r in content))
        records = list(read_fhir(path, full_validation=True))
    assert len(records) == len(content)
    assert all((bool(r.items), r.skipped is not None, r.quarantined is not None).count(True) == 1
               for r in records)
