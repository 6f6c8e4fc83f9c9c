"""Every indeterminate criterion says why, and evidence shows the value as reported.

Issue 17 finding 19. A clinician reading "sc5b9: indeterminate" needs the next step: the assay
range is missing, a height is needed, the child is too young for the blood-pressure tables, or
nothing was measured. Patient: the girl of the other spec tests (9 years, transplant
2026-01-01, engraftment days +20 / +25). Sources as in test_harmonized_2023.py (A1).
"""

from __future__ import annotations

from thrombo.rules.registry import criteria_set

from .tables import day, patient, screened, timeline

SET = criteria_set("harmonized-2023")

PANEL = """
    day | analyte      | value | unit   | ref_high
    40  | ldh          | 15    | ukat/L | 5.3333333333
    40  | sc5b9        | 900   | ng/mL  |
    40  | systolic_bp  | 124   | mm[Hg] |
    40  | diastolic_bp | 60    | mm[Hg] |
"""


def reasons(labs: str, **who: object) -> dict[str, str]:
    result = screened(timeline(labs, who=patient(**who)), SET, as_of=45)  # type: ignore[arg-type]
    found = dict(result.indeterminate_reasons)
    assert set(found) == set(result.criteria_indeterminate)
    return found


def test_sc5b9_without_an_assay_range_names_the_missing_limit() -> None:
    assert "no laboratory ULN/LLN for sc5b9" in reasons(PANEL)["sc5b9"]


def test_blood_pressure_between_the_height_bounds_asks_for_a_height() -> None:
    """SBP 124 lies between the 99th percentiles of the shortest (121) and tallest (127) girls
    of 9: without a height measured in the 180 days before (option), undecided."""
    reason = reasons(PANEL)["hypertension"]
    assert "no height within 180 days" in reason
    assert "121.0-127.0" in reason


def test_infant_blood_pressure_says_the_tables_start_at_one_year() -> None:
    reason = reasons(PANEL, birth_date=day(-100))["hypertension"]
    assert "BP percentile tables start at 1 year" in reason


def test_a_criterion_not_measured_names_the_window() -> None:
    """No UPCR between day +31 and day +45 (the 14-day window ending as-of's report day)."""
    reason = reasons(PANEL)["proteinuria"]
    assert reason.startswith("no upcr result from 2026-01-28 to 2026-02-10")


def test_evidence_shows_the_reported_value_beside_the_canonical_one() -> None:
    """LDH 15 ukat/L = 900 U/L (section H: 1 ukat/L = 60 U/L), ULN 5.33 ukat/L = 320 U/L."""
    result = screened(timeline(PANEL), SET, as_of=45)
    ldh = next(e for e in result.evidence if e.criterion == "ldh").to_json()
    assert ldh["value"] == {"value": 900.0, "unit": "U/L"}
    assert ldh["reported"] == "15 ukat/L"
