"""The one evidence type (thrombo.domain.evidence) and the JSON shapes interface.md gives it.

A plan's, an assessment's or an ITP result's fact is `{"rule", "note", "date"?, "record_id"?,
"value"?}` (section 3); a screening criterion's is `{"criterion", "observation_id", "time",
"value", "threshold", "rule", "reported"?}` (`screen --json`, example: LDH 912 U/L above the lab's
ULN 320). Both are one `Evidence`, so code that reads a result's facts reads either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from thrombo.domain.evidence import CriterionEvidence, Evidence, RuleSet
from thrombo.domain.quantities import Quantity

AT = datetime(2026, 2, 10, 7, 30, tzinfo=UTC)


def test_a_plan_fact_keeps_the_section_3_keys_and_leaves_out_what_it_lacks() -> None:
    fact = Evidence("iwg-2009", "platelets 25 x10^9/L", date(2026, 2, 10), "P01-o4",
                    Quantity(25, "10*9/L"))
    assert fact.to_json() == {"rule": "iwg-2009", "note": "platelets 25 x10^9/L",
                              "date": "2026-02-10", "record_id": "P01-o4",
                              "value": {"value": 25, "unit": "10*9/L"}}
    assert Evidence("practical-002", "no evaluable counts").to_json() == {
        "rule": "practical-002", "note": "no evaluable counts"}


def test_a_criterion_fact_keeps_the_screen_json_keys_in_order() -> None:
    """interface.md `screen --json`: LDH 912 U/L, threshold '> ULN 320 U/L (lab range)'."""
    ldh = CriterionEvidence.of("ldh", "P01-o7", AT, Quantity(912, "U/L"),
                               "> ULN 320 U/L (lab range)", "ldh")
    assert list(ldh.to_json().items()) == [
        ("criterion", "ldh"), ("observation_id", "P01-o7"), ("time", "2026-02-10T07:30:00+00:00"),
        ("value", {"value": 912, "unit": "U/L"}), ("threshold", "> ULN 320 U/L (lab range)"),
        ("rule", "ldh")]


def test_a_criterion_fact_is_an_evidence_with_its_day_record_and_note() -> None:
    """One type: the criterion's threshold is its note, its observation its record, its day the
    time's date; the value as the laboratory reported it is kept as text (6 ukat/L = 360 U/L)."""
    ldh = CriterionEvidence.of("ldh", "P01-o7", AT, Quantity(360, "U/L"), "> ULN 320 U/L", "ldh",
                               Quantity(6, "ukat/L"))
    assert isinstance(ldh, Evidence)
    assert (ldh.note, ldh.record_id, ldh.day) == ("> ULN 320 U/L", "P01-o7", date(2026, 2, 10))
    assert (ldh.threshold, ldh.observation_id) == (ldh.note, ldh.record_id)
    assert ldh.to_json()["reported"] == "6 ukat/L"


def test_an_event_criterion_gives_its_value_in_words() -> None:
    event = CriterionEvidence.of("platelet_fall", "P01-e1", AT, "platelet_transfusion", "text",
                                 "text")
    assert event.to_json()["value"] == "platelet_transfusion"


def test_a_rule_set_names_its_options() -> None:
    assert RuleSet("iwg-2009", "1", (("window_days", 28),)).to_json() == {
        "name": "iwg-2009", "version": "1", "options": {"window_days": 28}}
