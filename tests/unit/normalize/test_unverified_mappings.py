"""Records read through a code mapping the clinical reference does not confirm carry a warning.

thrombo.normalize.concepts marks RxNorm 3264 (dexamethasone) "from memory, unverified" while
RxNorm 1311089 (defibrotide) was seen in the CIBMTR value sets; prednisolone is counted as
prednisone on an equivalence that is also unverified. The import summary must say how many
records rest on each unverified mapping, and say nothing for verified ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thrombo.normalize.analytes import LOINC_STATUS, UNVERIFIED, VERIFIED
from thrombo.store.sources import read_sources

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _administration(ident: str, code: str, display: str) -> dict[str, object]:
    return {
        "resourceType": "MedicationAdministration", "id": ident, "status": "completed",
        "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-01-05T08:00:00Z",
        "medicationCodeableConcept": {"coding": [
            {"system": RXNORM, "code": code, "display": display}]},
    }


def _write(folder: Path, resources: list[dict[str, object]]) -> Path:
    folder.mkdir()
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "2015-03-01", "gender": "male"}
    (folder / "Patient.ndjson").write_text(json.dumps(patient) + "\n", encoding="utf-8")
    (folder / "MedicationAdministration.ndjson").write_text(
        "".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    return folder


def test_unverified_rxnorm_code_is_counted_and_verified_code_is_not(tmp_path: Path) -> None:
    folder = _write(tmp_path / "bulk", [
        _administration("m1", "3264", "dexamethasone"),
        _administration("m2", "3264", "dexamethasone"),
        _administration("m3", "1311089", "defibrotide"),
    ])
    summary = read_sources([str(folder)]).summary
    (warning,) = summary.to_json()["warnings"]
    assert warning.startswith(f"2 records read through the mapping {RXNORM}|3264 -> "
                              "dexamethasone")
    assert "from memory, unverified" in warning


def test_prednisolone_text_counts_as_prednisone_with_a_warning(tmp_path: Path) -> None:
    folder = _write(tmp_path / "bulk", [{
        "resourceType": "MedicationAdministration", "id": "m1", "status": "completed",
        "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-01-05T08:00:00Z",
        "medicationCodeableConcept": {"text": "Prednisolone 5 mg tablets"},
    }])
    summary = read_sources([str(folder)]).summary
    assert summary.warnings == [
        "1 record read through the mapping prednisolone -> prednisone (counted mg for mg), which "
        "is from memory, unverified: check it"]


def test_no_warning_without_unverified_mappings(tmp_path: Path) -> None:
    folder = _write(tmp_path / "bulk", [_administration("m3", "1311089", "defibrotide")])
    assert read_sources([str(folder)]).summary.to_json()["warnings"] == []


def test_observation_through_an_unverified_loinc_code_is_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LOINC code marked from memory, unverified (777-3 marked so here: clinical-reference.md H
    confirms every code thrombo maps since its re-check) and one marked seen (2532-0, LDH):
    only the platelet rows are counted, whether the code is written as text in
    observations.csv or given as a LOINC coding."""
    monkeypatch.setitem(LOINC_STATUS, "777-3", UNVERIFIED)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "patients.csv").write_text("patient_id,birth_date\nP1,2015-03-01\n",
                                         encoding="utf-8")
    (folder / "observations.csv").write_text(
        "patient_id,time,code,value,unit\n"
        "P1,2026-01-05T08:00:00Z,777-3,120,10*9/L\n"
        "P1,2026-01-06T08:00:00Z,777-3,110,10*9/L\n"
        "P1,2026-01-05T08:00:00Z,2532-0,300,U/L\n"
        "P1,2026-01-05T08:00:00Z,platelets,100,10*9/L\n", encoding="utf-8")
    summary = read_sources([str(folder)]).summary
    (warning,) = summary.warnings
    assert warning.startswith("2 records read through the mapping http://loinc.org|777-3 -> "
                              "platelets")


def test_the_codes_the_reference_confirms_carry_no_unverified_marker() -> None:
    """clinical-reference.md H, re-checked: platelets 777-3, haemoglobin 718-7, creatinine
    2160-0, blood pressure 8480-6/8462-4, weight 29463-7 and height 8302-2 are [S]."""
    for code in ("777-3", "718-7", "2160-0", "8480-6", "8462-4", "29463-7", "8302-2"):
        assert LOINC_STATUS[code] == VERIFIED, code
    assert UNVERIFIED not in LOINC_STATUS.values()
