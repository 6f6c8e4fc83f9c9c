"""Coded results through the one value-set table (thrombo/io/data/answer_codes.csv): LOINC answer
codes (issue 19 item 1) and SNOMED CT urine protein findings (item 3), from FHIR, CSV and OMOP.

Codes as public value sets give them: LOINC LA9633-4 "Present", LA9634-2 "Absent" (public FHIR
IGs); SNOMED CT 167273002 "Urine protein test negative", 167274008 "= trace", 167275009 "= +",
167276005 "= ++", 167277001 "= +++", 167278006 "= ++++" (the "Presence In Urine" value set of a
public FHIR IG, and a VA CDA code list).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from thrombo.domain.codes import LOINC, SNOMED_CT, Code, InvalidCodeError
from thrombo.domain.records import Observation
from thrombo.normalize.row_checks import category_table
from thrombo.store.sources import load_source

PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "2016-06-01", "gender": "female"}


def coded(ident: str, loinc: str, system: str | None, code: str | None,
          text: str | None = None) -> dict[str, object]:
    concept: dict[str, object] = {}
    if code is not None:
        concept["coding"] = [{"system": system, "code": code}]
    if text is not None:
        concept["text"] = text
    return {"resourceType": "Observation", "id": ident, "status": "final",
            "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-02-10T08:00:00Z",
            "code": {"coding": [{"system": LOINC, "code": loinc}]},
            "valueCodeableConcept": concept}


def read(tmp_path: Path, *observations: dict[str, object]) -> dict[str, Observation]:
    (tmp_path / "o.ndjson").write_bytes(
        b"\n".join(orjson.dumps(x) for x in (PATIENT, *observations)))
    loaded = load_source(str(tmp_path / "o.ndjson"))
    assert loaded.summary is not None and not loaded.summary.quarantine, loaded.input_json()
    (timeline,) = loaded.timelines
    return {o.id.split("/")[0]: o for o in timeline.observations}


def test_loinc_answer_codes_are_valid_codes() -> None:
    assert Code(LOINC, "LA9633-4").code == "LA9633-4"
    assert Code(LOINC, "LA12345-6").key == "http://loinc.org|LA12345-6"
    for bad in ("LA-4", "LA9633", "LB9633-4"):
        with pytest.raises(InvalidCodeError):
            Code(LOINC, bad)


def test_a_schistocyte_result_coded_with_a_loinc_answer_reads_as_its_snomed_twin(
    tmp_path: Path,
) -> None:
    got = read(tmp_path,
               coded("a", "800-3", LOINC, "LA9633-4"), coded("b", "800-3", SNOMED_CT, "52101004"),
               coded("c", "800-3", LOINC, "LA9634-2"), coded("d", "800-3", SNOMED_CT, "2667000"))
    assert {k: o.category for k, o in got.items()} == {
        "a": "present", "b": "present", "c": "absent", "d": "absent"}


@pytest.mark.parametrize(("code", "grade"), [
    ("167273002", "negative"), ("167274008", "trace"), ("167275009", "1+"),
    ("167276005", "2+"), ("167277001", "3+"), ("167278006", "4+")])
def test_snomed_urine_protein_findings_read_as_dipstick_grades(
    tmp_path: Path, code: str, grade: str
) -> None:
    (obs,) = read(tmp_path, coded("u", "5804-0", SNOMED_CT, code)).values()
    assert (obs.analyte, obs.category) == ("urine_protein", grade)


def test_a_finding_given_only_by_its_text_reads_the_same(tmp_path: Path) -> None:
    (obs,) = read(tmp_path, coded("u", "5804-0", None, None, "Urine protein test = ++")).values()
    assert obs.category == "2+"


def test_an_answer_that_does_not_fit_the_analyte_is_refused_not_a_number(tmp_path: Path) -> None:
    """A dipstick grade is no answer for schistocytes: refused with the analyte's answers."""
    (tmp_path / "o.ndjson").write_bytes(b"\n".join(orjson.dumps(x) for x in (
        PATIENT, coded("s", "800-3", SNOMED_CT, "167277001"))))
    loaded = load_source(str(tmp_path / "o.ndjson"))
    assert loaded.summary is not None
    (entry,) = loaded.summary.quarantine
    assert entry.reason == "schistocytes takes absent/present, got '3+'"


def test_csv_and_omop_spellings_of_the_same_codes(tmp_path: Path) -> None:
    """A CSV value cell may hold the answer code (`LA9633-4`, `system|code`) or, as an OMOP
    value concept's name arrives, its display."""
    (tmp_path / "patients.csv").write_text("patient_id,birth_date,sex\nP1,2016-06-01,F\n")
    (tmp_path / "observations.csv").write_text(
        "patient_id,time,code,value,unit\n"
        "P1,2026-02-10T08:00:00Z,schistocytes,LA9633-4,\n"
        "P1,2026-02-10T09:00:00Z,urine_protein,http://snomed.info/sct|167275009,\n"
        "P1,2026-02-10T10:00:00Z,urine_protein,snomed|167277001,\n"
        "P1,2026-02-10T11:00:00Z,urine_protein,Urine protein test = ++++,\n")
    loaded = load_source(str(tmp_path))
    (timeline,) = loaded.timelines
    assert [o.category for o in timeline.observations] == ["present", "1+", "3+", "4+"]


def test_the_batch_engines_read_the_same_table() -> None:
    rows = {(r["analyte"], r["text"]): r["category"] for r in category_table().to_pylist()}
    assert rows[("schistocytes", "la9633-4")] == "present"
    assert rows[("urine_protein", "http://snomed.info/sct|167277001")] == "3+"
    assert rows[("urine_protein", "urine protein test = +")] == "1+"
    assert ("schistocytes", "http://snomed.info/sct|167277001") not in rows


def test_a_code_the_table_does_not_hold_is_refused_as_a_coded_answer(tmp_path: Path) -> None:
    """Never "is not a number": an unknown SNOMED answer with free text, from FHIR or a CSV."""
    (tmp_path / "o.ndjson").write_bytes(b"\n".join(orjson.dumps(x) for x in (
        PATIENT, coded("u", "5804-0", SNOMED_CT, "123456789", "moderate"))))
    loaded = load_source(str(tmp_path / "o.ndjson"))
    assert loaded.summary is not None
    (entry,) = loaded.summary.quarantine
    assert entry.reason == ("urine_protein takes negative/trace/1+/2+/3+/4+, "
                            "got 'http://snomed.info/sct|123456789'")
