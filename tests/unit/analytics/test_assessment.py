"""The assess document: every patient's answer, the rules applied, and every warning once."""

from __future__ import annotations

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.analytics.assessment import assess_patient, assessment_document


def test_untreated_child_with_itp_is_an_itp_patient_not_evaluable() -> None:
    """Newly diagnosed ITP, observed without treatment: condition itp, response not-evaluable
    (IWG 2009 response needs a treatment to respond to), with the rules that would apply."""
    answer = assess_patient(timeline(platelets((0, 12), (7, 25)), diagnosis=0), day(30))
    assert answer["condition"] == "itp"
    assert answer["treatment"] is None and answer["response"] == "not-evaluable"
    assert answer["rules"]["name"] == "iwg-2009"


def test_no_condition_recorded_is_not_evaluable_without_rules() -> None:
    answer = assess_patient(timeline(platelets((0, 250))), day(30))
    assert (answer["condition"], answer["response"]) == (None, "not-evaluable")


def test_document_collects_each_patients_warnings_once() -> None:
    """Prednisone from day 0 with platelets 10 -> 120 (CR, IWG 2009) and a grade 1 bleed on day 1:
    the bleed is graded as CTCAE v5.0 haemorrhage, a row clinical-reference.md F marks from
    memory, unverified. That warning sits in the patient's safety_warnings and, once for both
    patients, in the document's warnings."""
    treated = timeline(platelets((0, 10), (4, 120), (12, 130)), "0 prednisone end=4",
                       "1 bleeding grade=1", diagnosis=0)
    document = assessment_document([treated, treated], day(40))
    assert document["rules"]["name"] == "assess"
    (patient, _) = document["patients"]
    assert patient["response"] == "CR"
    (ctcae,) = patient["safety_warnings"]
    assert "from memory, unverified" in ctcae
    window = "response-assessment windows per drug are project choices [Design] (no published " \
        "time-to-response values in clinical-reference.md I5): prednisone 14 days"
    assert document["warnings"] == [ctcae, window]
