"""Censored results ('<10', '>2500') are bounds, decided by interval logic (issue 17 item 22).

interface.md section 1 (1.1): "platelets `<10` is below 50; LDH `>2500` is above any ULN;
platelets `<200` says nothing about 50". A result '<10' means the true value lies below 10: a
test it passes for every such value is met, one it fails for every such value is not met, and
otherwise it cannot be told (indeterminate). The bound itself is not a possible value of '<10'
and is one of '<=10'.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from thrombo.domain.codes import LOINC
from thrombo.domain.quantities import Quantity, satisfies
from thrombo.domain.records import Observation
from thrombo.engines import screen_with
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import load_source

DECISIONS = """
    result | test    | answer
    <10    | < 50    | met
    <10    | < 10    | met
    <10    | <= 10   | met
    <10    | < 5     | indeterminate
    <10    | >= 10   | not met
    <=10   | < 10    | indeterminate
    <=10   | <= 10   | met
    <=10   | > 10    | not met
    >2500  | > 320   | met
    >2500  | <= 320  | not met
    >2500  | > 3000  | indeterminate
    >=2500 | > 2500  | indeterminate
    >=2500 | >= 2500 | met
    <200   | < 50    | indeterminate
    45     | < 50    | met
    45     | < 40    | not met
"""
ANSWERS = {"met": True, "not met": False, "indeterminate": None}


def _table() -> list[tuple[str, str, str]]:
    lines = [line.split("|") for line in DECISIONS.strip().splitlines()[1:]]
    return [(r.strip(), t.strip(), a.strip()) for r, t, a in lines]


@pytest.mark.parametrize(("result", "test", "answer"), _table())
def test_interval_logic(result: str, test: str, answer: str) -> None:
    comparator = next((c for c in ("<=", ">=", "<", ">") if result.startswith(c)), None)
    value = float(result[len(comparator or ""):])
    op, limit = test.split()
    assert satisfies(value, comparator, op, float(limit)) is ANSWERS[answer]  # type: ignore[arg-type]


def test_a_censored_result_is_never_a_number_to_compute_with() -> None:
    """Baselines, heights and counts read `Observation.value`: None for a bound."""
    moment = datetime(2026, 2, 10, 8, tzinfo=UTC)
    censored = Observation("o", "P1", "platelets", moment, Quantity(10, "10*9/L", "<"))
    assert censored.value is None and str(censored.quantity) == "<10 10*9/L"
    assert censored.value_json() == {"value": 10, "unit": "10*9/L", "comparator": "<"}


PATIENT: dict[str, object] = {
    "resourceType": "Patient", "id": "p1", "birthDate": "2014-03-01", "gender": "male",
    "extension": [{"url": f"urn:thrombo:patient:{name}", "valueDate": day}
                  for name, day in (("neutrophil_engraftment_date", "2026-01-21"),
                                    ("platelet_engraftment_date", "2026-01-26"))]}


def _fhir_observation(ident: str, loinc: str, when: str, quantity: dict[str, object],
                      uln: float | None = None) -> dict[str, object]:
    obs: dict[str, object] = {
        "resourceType": "Observation", "id": ident, "status": "final",
        "subject": {"reference": "Patient/p1"}, "effectiveDateTime": when,
        "code": {"coding": [{"system": LOINC, "code": loinc}]}, "valueQuantity": quantity}
    if uln is not None:
        obs["referenceRange"] = [{"high": {"value": uln, "unit": "U/L"}}]
    return obs


def _bundle(tmp_path: Path) -> Path:
    """A boy of 11 with a transplant on 2026-01-01 (engrafted days +20 and +25): on days +40
    and +42 platelets '<10' (valueQuantity.comparator '<') and LDH '>2500' U/L (ULN 320),
    anaemia (11.0 -> 9.0 -> 8.8 g/dL) and schistocytes present (LOINC answer LA9633-4)."""
    lines: list[dict[str, object]] = [
        PATIENT,
        {"resourceType": "Procedure", "id": "t", "status": "completed",
         "subject": {"reference": "Patient/p1"}, "performedDateTime": "2026-01-01",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "234336002"}],
                  "text": "allogeneic HSCT"}}]
    for offset, hb in ((30, 11.0), (40, 9.0), (42, 8.8)):
        when = date.fromordinal(date(2026, 1, 1).toordinal() + offset).isoformat() + "T08:00:00Z"
        plt: dict[str, object] = {"value": 150, "code": "10*9/L"} if offset == 30 else {
            "value": 10, "comparator": "<", "code": "10*9/L"}
        ldh: dict[str, object] = {"value": 250, "code": "U/L"} if offset == 30 else {
            "value": 2500, "comparator": ">", "code": "U/L"}
        lines += [_fhir_observation(f"p{offset}", "777-3", when, plt),
                  _fhir_observation(f"h{offset}", "718-7", when, {"value": hb, "code": "g/dL"}),
                  _fhir_observation(f"l{offset}", "2532-0", when, ldh, uln=320)]
        if offset > 30:
            lines.append({"resourceType": "Observation", "id": f"s{offset}", "status": "final",
                          "subject": {"reference": "Patient/p1"}, "effectiveDateTime": when,
                          "code": {"coding": [{"system": LOINC, "code": "800-3"}]},
                          "valueCodeableConcept": {"coding": [{"system": LOINC,
                                                               "code": "LA9633-4"}]}})
    path = tmp_path / "bundle.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in lines))
    return path


def test_censored_counts_decide_a_diagnosis_on_the_reference_engine(tmp_path: Path) -> None:
    """Days +40 and +42: anaemia, thrombocytopenia ('<10' < 50), LDH ('>2500' > 320) and
    schistocytes = 4 of 7 twice: TA-TMA under harmonized-2023, diagnosed on day +42."""
    loaded = load_source(str(_bundle(tmp_path)))
    assert loaded.summary is not None and not loaded.summary.quarantine
    result = screen_with("reference", loaded.timelines, criteria_set("harmonized-2023"),
                         date(2026, 2, 20))
    (patient,) = result.patients
    assert (patient.status, patient.first_met) == ("ta-tma", date(2026, 2, 12))
    assert set(patient.criteria_met) >= {"thrombocytopenia", "ldh"}
    evidence = {e.criterion: e for e in patient.evidence}
    assert evidence["thrombocytopenia"].value == Quantity(10, "10*9/L", "<")


def test_the_store_keeps_the_comparator(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    done = subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()",
                           "import", str(_bundle(tmp_path)), "--db", db, "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    (timeline,) = load_source(db).timelines
    bounds = sorted(str(o.quantity) for o in timeline.observations
                    if o.quantity is not None and o.quantity.comparator)
    assert bounds == ["<10 10*9/L", "<10 10*9/L", ">2500 U/L", ">2500 U/L"]


def test_written_out_a_bound_stays_a_bound(tmp_path: Path) -> None:
    """The CSV and FHIR writers (export, de-identified export) keep '<10' as '<10'."""
    from thrombo.io.csv_write import write_dataset
    from thrombo.io.fhir_write import write_fhir_ndjson

    (timeline,) = load_source(str(_bundle(tmp_path))).timelines
    observations = list(timeline.observations)
    write_dataset(tmp_path / "csv", [timeline.patient], observations, [], [])
    write_fhir_ndjson(tmp_path / "fhir", [timeline.patient], observations)
    for folder in (tmp_path / "csv", tmp_path / "fhir"):
        (again,) = load_source(str(folder)).timelines
        assert sorted(str(o.quantity) for o in again.observations
                      if o.quantity is not None and o.quantity.comparator) == [
            "<10 10*9/L", "<10 10*9/L", ">2500 U/L", ">2500 U/L"]
