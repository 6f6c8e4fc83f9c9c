"""FHIR R4 input and output (interface.md section 2).

Reading: `read_fhir(path)` takes a Bundle or single-resource `.json`, a Bulk Data `.ndjson` file,
or a folder of `Type.ndjson` files, and yields one `SourceRecord` per Bundle entry or NDJSON line
(fhir_read; the fast element reader is fhir_fast). Writing: `write_fhir_bundle` and
`write_fhir_ndjson` turn canonical domain records into R4 JSON (fhir_write).
"""

from __future__ import annotations

from thrombo.io.fhir_read import read_bundle, read_fhir, read_ndjson
from thrombo.io.fhir_write import (
    FhirVocabulary,
    fhir_resources,
    write_fhir_bundle,
    write_fhir_ndjson,
)

__all__ = [
    "FhirVocabulary",
    "fhir_resources",
    "read_bundle",
    "read_fhir",
    "read_ndjson",
    "write_fhir_bundle",
    "write_fhir_ndjson",
]
