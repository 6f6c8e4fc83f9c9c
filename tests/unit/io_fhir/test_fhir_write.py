"""FHIR writer: domain records -> R4 JSON -> read_fhir gives back the same raw items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from fhir.resources.R4B import get_fhir_model_class

from thrombo.domain.codes import LOINC, THROMBO, Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.io.fhir import read_fhir, write_fhir_bundle, write_fhir_ndjson
from thrombo.io.fhir_elements import THROMBO_DRUG, THROMBO_PROCEDURE
from thrombo.io.fhir_write import FhirVocabulary, fhir_id, fhir_resources
from thrombo.io.raw import (
    RawEvent,
    RawItem,
    RawMedication,
    RawObservation,
    RawPatient,
    RawProcedure,
)
from thrombo.normalize.concepts import fhir_vocabulary

CET = timezone(timedelta(hours=1))
PATIENT = Patient("P_01", date(2015, 3, 2), "F", center="site A", hsct_date=date(2024, 1, 10),
                  hsct_type="allogeneic", conditioning_start_date=date(2024, 1, 2),
                  death_date=date(2024, 9, 1))
OBSERVATIONS = (
    Observation("o1", "P_01", "platelets", datetime(2024, 2, 1, 8, tzinfo=CET),
                quantity=Quantity(45.0, "10*9/L"), ref_low=150.0, ref_high=400.0, version=2),
    Observation("o2", "P_01", "schistocytes", datetime(2024, 2, 1, 8, tzinfo=UTC),
                category="present"),
    Observation("o3", "P_01", "urine_protein", datetime(2024, 2, 1, 9, tzinfo=UTC),
                category="2+"),
    Observation("o4", "P_01", "sc5b9", datetime(2024, 2, 1, 9, tzinfo=UTC),
                quantity=Quantity(310.0, "ng/mL")),
)
MEDICATIONS = (Medication("m1", "P_01", "defibrotide", datetime(2024, 2, 2, tzinfo=UTC),
                          datetime(2024, 2, 20, tzinfo=UTC), Quantity(115.0, "mg"), "IV",
                          "therapeutic"),)
EVENTS = (Event("e1", "P_01", datetime(2024, 2, 3, tzinfo=UTC), "hypotension", 2, "fluids"),
          Event("e2", "P_01", datetime(2024, 2, 4, tzinfo=UTC), "platelet_transfusion"))
VOCAB = FhirVocabulary({"platelets": "777-3"})


def expected_items() -> list[RawItem]:
    """What a reader must give back, written out by hand from the records above."""
    return [
        RawPatient("P_01", {"patient_id": "P_01", "birth_date": "2015-03-02", "sex": "F",
                            "death_date": "2024-09-01", "conditioning_start_date": "2024-01-02",
                            "center": "site A"}),
        RawObservation("P_01", "2024-02-01T08:00:00+01:00", Code(LOINC, "777-3"), 45.0,
                       "10*9/L", 150.0, 400.0, "o1", "2"),
        RawObservation("P_01", "2024-02-01T08:00:00+00:00", Code(THROMBO, "schistocytes"),
                       "present", None, None, None, "o2", "1"),
        RawObservation("P_01", "2024-02-01T09:00:00+00:00", Code(THROMBO, "urine_protein"),
                       "2+", None, None, None, "o3", "1"),
        RawObservation("P_01", "2024-02-01T09:00:00+00:00", Code(THROMBO, "sc5b9"), 310.0,
                       "ng/mL", None, None, "o4", "1"),
        RawMedication("P_01", (Code(THROMBO_DRUG, "defibrotide"),), "2024-02-02T00:00:00+00:00",
                      "2024-02-20T00:00:00+00:00", 115.0, "mg", "IV", "therapeutic",
                      "defibrotide", "m1"),
        RawEvent("P_01", "2024-02-03T00:00:00+00:00", "hypotension", 2, "fluids", "e1"),
        RawEvent("P_01", "2024-02-04T00:00:00+00:00", "platelet_transfusion", None, None, "e2"),
    ]


def read_items(path: Path) -> list[RawItem]:
    recs = list(read_fhir(path))
    assert not [r for r in recs if r.quarantined], [r.quarantined for r in recs]
    return [i for r in recs for i in r.items]


def test_bundle_round_trip_gives_the_same_raw_items(tmp_path: Path) -> None:
    count = write_fhir_bundle(tmp_path / "b.json", [PATIENT], OBSERVATIONS, MEDICATIONS, EVENTS,
                              VOCAB)
    assert count == 1 + 1 + len(OBSERVATIONS) + len(MEDICATIONS) + len(EVENTS)  # + hsct
    items = read_items(tmp_path / "b.json")
    assert [i for i in items if not isinstance(i, RawProcedure)] == expected_items()
    (hsct,) = [i for i in items if isinstance(i, RawProcedure)]
    assert hsct.codes == (Code(THROMBO_PROCEDURE, "hsct-allogeneic"),)
    assert hsct.performed == "2024-01-10"


def test_ndjson_round_trip_gives_the_same_raw_items(tmp_path: Path) -> None:
    counts = write_fhir_ndjson(tmp_path / "out", [PATIENT], OBSERVATIONS, MEDICATIONS, EVENTS,
                               VOCAB)
    assert counts == {"Patient": 1, "Procedure": 1, "Observation": 6,
                      "MedicationAdministration": 1}
    items = read_items(tmp_path / "out")
    assert sorted(map(repr, (i for i in items if not isinstance(i, RawProcedure)))) == sorted(
        map(repr, expected_items()))


def test_history_becomes_procedures_and_conditions(tmp_path: Path) -> None:
    patient = Patient("P2", date(2010, 1, 1), itp_diagnosis_date=date(2020, 5, 1),
                      splenectomy_date=date(2022, 6, 1))
    resources = list(fhir_resources([patient], vocabulary=fhir_vocabulary()))
    kinds = [(r["resourceType"], r["code"]["coding"][-1]["code"]) for r in resources[1:]]
    assert kinds == [("Procedure", "splenectomy"), ("Condition", "itp")]
    condition = resources[2]
    assert {"system": "http://hl7.org/fhir/sid/icd-10", "code": "D69.3"} in (
        condition["code"]["coding"])
    assert condition["onsetDateTime"] == "2020-05-01"


def test_every_written_resource_is_valid_r4b() -> None:
    for resource in fhir_resources([PATIENT], OBSERVATIONS, MEDICATIONS, EVENTS,
                                   fhir_vocabulary()):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_vocabulary_adds_loinc_from_the_analyte_catalogue() -> None:
    (resource,) = fhir_resources(observations=OBSERVATIONS[:1], vocabulary=fhir_vocabulary())
    assert resource["code"]["coding"] == [{"system": LOINC, "code": "777-3"},
                                          {"system": THROMBO, "code": "platelets"}]


@pytest.mark.parametrize(("raw", "valid"), [("P01", True), ("a.b-c", True), ("P_01", False),
                                            ("x y", False), ("é", False), ("a" * 65, False)])
def test_fhir_ids_are_valid_and_distinct(raw: str, valid: bool) -> None:
    made = fhir_id(raw)
    assert (made == raw) is valid
    get_fhir_model_class("Patient").model_validate({"resourceType": "Patient", "id": made})


def test_sanitised_ids_stay_distinct() -> None:
    assert fhir_id("P_01") != fhir_id("P-01") and fhir_id("P_01") != fhir_id("P 01")


def test_bundle_is_a_collection_with_uuid_full_urls(tmp_path: Path) -> None:
    write_fhir_bundle(tmp_path / "b.json", [PATIENT])
    bundle = orjson.loads((tmp_path / "b.json").read_bytes())
    assert bundle["type"] == "collection"
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
