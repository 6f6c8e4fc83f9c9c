"""FHIR reader: HL7 example shapes, a Synthea-style bundle, a bulk NDJSON folder, malformed input.

Fixtures are written by hand after the shapes of the HL7 R4 examples (patient-example,
observation-example-f001-glucose, observation-example-bloodpressure) and of Synthea's transaction
bundles; nothing is downloaded.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from thrombo.domain.codes import LOINC, Code
from thrombo.errors import SourceError
from thrombo.io.fhir import read_fhir
from thrombo.io.raw import (
    RawCondition,
    RawMedication,
    RawObservation,
    RawPatient,
    RawProcedure,
    SourceRecord,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "fhir"


def records(name: str, **options: bool) -> list[SourceRecord]:
    return list(read_fhir(FIXTURES / name, **options))


def by_location(recs: list[SourceRecord]) -> dict[str, SourceRecord]:
    return {r.provenance.location: r for r in recs}


def accounted(recs: list[SourceRecord]) -> bool:
    """Each record is exactly one of: items-bearing, skipped, quarantined."""
    return all((bool(r.items), r.skipped is not None, r.quarantined is not None).count(True) == 1
               for r in recs)


# --- HL7 example shapes ----------------------------------------------------------------------


def test_hl7_patient_example_loads_without_its_extensions() -> None:
    (rec,) = records("hl7_patient_example.json")
    (patient,) = rec.items
    assert isinstance(patient, RawPatient)
    assert patient.patient_id == "example"
    assert patient.fields == {"patient_id": "example", "birth_date": "1974-12-25", "sex": "M"}
    assert rec.provenance.location == "Patient/example"


def test_hl7_glucose_example_uses_ucum_code_period_start_and_reference_range() -> None:
    (rec,) = records("hl7_observation_glucose.json")
    (obs,) = rec.items
    assert isinstance(obs, RawObservation)
    assert obs.code == Code(LOINC, "15074-8", "Glucose [Moles/volume] in Blood")
    # the UCUM code "mmol/L", not the display unit "mmol/l"
    assert (obs.value, obs.unit) == (6.3, "mmol/L")
    assert obs.time == "2013-04-02T09:30:10+01:00"  # effectivePeriod.start, not issued
    assert (obs.ref_low, obs.ref_high) == (3.1, 6.2)
    assert obs.patient_id == "f001"


def test_hl7_blood_pressure_panel_is_one_record_with_two_observations() -> None:
    (rec,) = records("hl7_observation_bp.json")
    systolic, diastolic = rec.items
    assert isinstance(systolic, RawObservation) and isinstance(diastolic, RawObservation)
    # three codings on the systolic component: the LOINC one is chosen
    assert systolic.code == Code(LOINC, "8480-6", "Systolic blood pressure")
    assert (systolic.value, systolic.unit) == (107.0, "mm[Hg]")
    assert (diastolic.code.key if isinstance(diastolic.code, Code) else None) == (
        "http://loinc.org|8462-4")
    assert diastolic.value == 60.0
    assert systolic.resource_id != diastolic.resource_id


# --- Synthea-style bundle --------------------------------------------------------------------


def test_synthea_bundle_accounts_for_every_entry() -> None:
    recs = records("synthea_bundle.json")
    entries = orjson.loads((FIXTURES / "synthea_bundle.json").read_bytes())["entry"]
    assert len(recs) == len(entries)
    assert accounted(recs)
    skipped = Counter(r.skipped for r in recs if r.skipped)
    for rtype in ("Encounter", "Immunization", "CarePlan", "DiagnosticReport", "Claim",
                  "ExplanationOfBenefit", "Provenance"):
        assert skipped[f"resource type not used by thrombo: {rtype}"] == 1
    assert not [r for r in recs if r.quarantined]


def test_synthea_bundle_resolves_urn_uuid_subjects_and_medication_references() -> None:
    recs = by_location(records("synthea_bundle.json"))
    pid = "3b5f2a8e-6c1d-4b5e-9f3a-0d2c7e1a9b01"
    (lab,) = recs["Observation/lab-1"].items
    assert isinstance(lab, RawObservation)
    assert lab.patient_id == pid
    assert (lab.value, lab.unit, lab.ref_low, lab.ref_high) == (42.0, "10*3/uL", 150, 450)
    assert lab.resource_version == "1"
    (admin,) = recs["MedicationAdministration/ma-1"].items
    assert isinstance(admin, RawMedication)
    assert admin.drug == (Code("http://www.nlm.nih.gov/research/umls/rxnorm", "1746528",
                               "Defitelio"),)
    assert (admin.start, admin.end) == ("2024-03-22T06:00:00-04:00", "2024-03-22T08:00:00-04:00")
    assert (admin.dose, admin.dose_unit, admin.route) == (196.0, "mg", "Intravenous route")


def test_synthea_bundle_coded_values_procedures_and_conditions() -> None:
    recs = by_location(records("synthea_bundle.json"))
    (schisto,) = recs["Observation/schisto-1"].items
    assert isinstance(schisto, RawObservation)
    assert schisto.code == Code(LOINC, "800-3",
                                "Schistocytes [Presence] in Blood by Light microscopy")
    assert schisto.value == "present"  # SNOMED 52101004
    (smoking,) = recs["Observation/smoking-1"].items
    assert isinstance(smoking, RawObservation)
    # An answer the value-set table does not hold is passed on as its code (normalize skips
    # the observation's code anyway).
    assert smoking.value == "http://snomed.info/sct|266919005"
    (hsct,) = recs["Procedure/proc-hsct"].items
    assert isinstance(hsct, RawProcedure)
    assert hsct.performed == "2024-03-05T09:00:00-05:00"
    assert hsct.text == "Allogeneic HSCT, matched unrelated donor"
    (itp,) = recs["Condition/cond-itp"].items
    assert isinstance(itp, RawCondition)
    assert itp.onset == "2022-11-02T10:00:00-05:00"  # onset, not recordedDate
    (request,) = recs["MedicationRequest/mr-1"].items
    assert isinstance(request, RawMedication)
    assert request.intent == "therapeutic"  # from the dosage text, not MedicationRequest.intent
    assert (request.start, request.dose) == ("2022-11-02T12:00:00-05:00", 40.0)


# --- bulk NDJSON folder ------------------------------------------------------------------------


def test_bulk_folder_reads_patients_first_and_counts_every_line() -> None:
    recs = records("bulk")
    assert recs[0].provenance.source.endswith("Patient.ndjson")
    lines = sum(1 for f in (FIXTURES / "bulk").glob("*.ndjson")
                for line in f.read_bytes().splitlines() if line.strip())
    assert len(recs) == lines
    assert accounted(recs)


def test_bulk_observations_versions_panels_and_coded_values() -> None:
    recs = [r for r in records("bulk") if r.provenance.source.endswith("Observation.ndjson")]
    at = {r.provenance.location: r for r in recs}
    first, amended = at["line 1"].items[0], at["line 2"].items[0]
    assert isinstance(first, RawObservation) and isinstance(amended, RawObservation)
    assert (first.resource_id, first.resource_version, first.value) == ("plt-1", "1", 45000.0)
    assert (amended.resource_id, amended.resource_version, amended.value) == ("plt-1", "2", 54000.0)
    assert first.unit == "/uL"  # no UCUM code given: the unit text is used
    assert "line 3" not in at  # a blank line is not a record
    assert len(at["line 4"].items) == 2
    assert at["line 4"].items[0].time == "2024-03-01T08:00:00Z"  # effectivePeriod.start
    schisto, dipstick = at["line 5"].items[0], at["line 6"].items[0]
    assert isinstance(schisto, RawObservation) and isinstance(dipstick, RawObservation)
    assert (schisto.value, schisto.time) == ("absent", "2024-03-02T09:00:00.000Z")
    assert (dipstick.value, dipstick.time) == ("2+", "2024-03-02T10:00:00+00:00")  # issued
    assert dipstick.patient_id == "MRN-77"
    assert at["line 9"].skipped == "observation status entered-in-error"


def test_bulk_bad_lines_are_quarantined_with_line_and_element() -> None:
    recs = [r for r in records("bulk") if r.provenance.source.endswith("Observation.ndjson")]
    at = {r.provenance.location: r for r in recs}
    assert (at["line 7"].quarantined or "").startswith("not JSON")
    reason = at["line 8"].quarantined or ""
    assert reason.startswith("Observation/ldh-x valueQuantity.value: not a number: 'high'")
    assert "Decimal value" in reason  # the R4B model's diagnosis is added


def test_bulk_patients_medications_conditions_procedures() -> None:
    recs = records("bulk")
    items = [i for r in recs for i in r.items]
    no_id = next(i for i in items if isinstance(i, RawPatient) and i.patient_id == "MRN-77")
    assert no_id.fields["sex"] == "U" and no_id.fields["death_date"] == "2024-05-02"
    pt1 = next(i for i in items if isinstance(i, RawPatient) and i.patient_id == "pt-1")
    assert pt1.resource_version == "3" and "extension" not in pt1.fields
    meds = [i for i in items if isinstance(i, RawMedication)]
    assert [m.drug_text for m in meds] == ["Nplate 250 microgram powder",
                                           "Heparin sodium infusion"]
    assert (meds[0].dose, meds[0].dose_unit, meds[0].route) == (30.0, "ug", "SC")
    assert meds[1].end == "2024-03-05T00:00:00Z"
    skipped = [r.skipped for r in recs if r.skipped]
    assert "condition status refuted" in skipped
    procedure = next(i for i in items if isinstance(i, RawProcedure))
    assert procedure.performed == "2023-09-01"


# --- malformed input ---------------------------------------------------------------------------


def test_malformed_bundle_entries_are_quarantined_with_resource_and_element() -> None:
    recs = records("malformed/bad_entries_bundle.json")
    assert accounted(recs) and len(recs) == 9
    bad = {r.provenance.location: r.quarantined for r in recs if r.quarantined}
    assert bad == {
        "Patient/no-birth birthDate": "missing: thrombo needs the date of birth",
        "Observation/no-subject subject": "missing: no patient to attach the record to",
        "Observation/bad-loinc code.coding[0].code": "'7773' is not a valid code of "
                                                     "http://loinc.org",
        "Observation/bad-value valueQuantity.value":
            "invalid FHIR: Decimal value string does not match spec regex.",
        "Observation/bad-date effectiveDateTime":
            "invalid FHIR: Input should be a valid datetime or date, day value is outside "
            "expected range",
        "Observation/no-time effective[x]":
            "no effective time, no issued, and no DiagnosticReport listing it with a time",
    }
    # A transaction's DELETE carries no resource by design: skipped with that reason.
    assert by_location(recs)["entry[7]"].skipped == (
        "transaction DELETE entry: import adds and amends records, it deletes none")
    good = by_location(recs)["Observation/good"].items[0]
    assert isinstance(good, RawObservation) and good.patient_id == "ok-1"


def test_fast_path_on_a_bundle_gives_its_own_reasons() -> None:
    recs = records("malformed/bad_entries_bundle.json", full_validation=False)
    bad = {r.provenance.location: r.quarantined for r in recs if r.quarantined}
    assert bad["Observation/bad-value valueQuantity.value"] == "not a number: 'twenty'"
    assert bad["Observation/bad-date effectiveDateTime"] == "no such date: '2024-02-30'"


@pytest.mark.parametrize(("name", "message"), [
    ("malformed/not_json.json", "not JSON"),
    ("malformed/empty.ndjson", "empty file"),
    ("malformed/junk.ndjson", "not NDJSON"),
    ("no-such-file.json", "no such file or folder"),
    ("hl7_patient_example.txt", "no such file"),
])
def test_unreadable_sources_raise_one_clear_source_error(name: str, message: str) -> None:
    with pytest.raises(SourceError, match=message) as caught:
        read_fhir(FIXTURES / name)
    assert "\n" not in str(caught.value)


def test_unknown_suffix_and_empty_folder_are_source_errors(tmp_path: Path) -> None:
    (tmp_path / "data.xml").write_text("<Patient/>")
    with pytest.raises(SourceError, match="not a FHIR source"):
        read_fhir(tmp_path / "data.xml")
    with pytest.raises(SourceError, match=r"no \.ndjson files"):
        read_fhir(tmp_path)


def test_json_array_is_not_a_fhir_resource(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(SourceError, match="expected an object"):
        read_fhir(tmp_path / "list.json")


def test_ndjson_with_bom_crlf_and_a_bad_first_line_still_loads(tmp_path: Path) -> None:
    good = (b'{"resourceType":"Patient","id":"a","birthDate":"2019-01-01"}')
    (tmp_path / "Patient.ndjson").write_bytes(b"\xef\xbb\xbfnot json\r\n" + good + b"\r\n")
    recs = list(read_fhir(tmp_path / "Patient.ndjson"))
    assert [r.provenance.location for r in recs] == ["line 1", "line 2"]
    assert recs[0].quarantined and recs[1].items


def test_observation_subject_must_be_a_patient(tmp_path: Path) -> None:
    line = {"resourceType": "Observation", "id": "g", "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "777-3"}]},
            "subject": {"reference": "Group/7"}, "effectiveDateTime": "2024-01-01",
            "valueQuantity": {"value": 1, "unit": "10*9/L"}}
    (tmp_path / "o.ndjson").write_bytes(orjson.dumps(line))
    (rec,) = read_fhir(tmp_path / "o.ndjson")
    assert rec.quarantined == "Observation/g subject.reference: refers to a Group, not a Patient"


def test_censored_value_and_unsupported_value_types(tmp_path: Path) -> None:
    base = {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/1"},
            "code": {"coding": [{"system": LOINC, "code": "4542-7"}]},
            "effectiveDateTime": "2024-01-01T00:00:00Z"}
    lines = [dict(base, valueQuantity={"value": 10, "comparator": "<", "code": "mg/dL"}),
             dict(base, valueRatio={"numerator": {"value": 1}}),
             dict(base)]
    (tmp_path / "o.ndjson").write_bytes(b"\n".join(orjson.dumps(x) for x in lines))
    censored, ratio, empty = read_fhir(tmp_path / "o.ndjson")
    assert censored.items[0].value == "<10"  # type: ignore[union-attr]
    assert ratio.skipped == "value type not used by thrombo: valueRatio"
    assert empty.skipped == "observation has no value"
