"""A blood pressure on the eve of an 18th birthday is judged on the paediatric tables.

Born 2008-03-01; on 2026-02-28 (day 58 after a transplant on 2026-01-01) the child is 17 in
completed years, while days / 365.25 already reads 18.0. The reading must be decided (no crash),
against the 17-year-old's 99th percentile.
"""

from __future__ import annotations

from datetime import date

from thrombo.rules.registry import criteria_set

from .tables import patient, screened, timeline


def test_eve_of_eighteenth_birthday_uses_paediatric_tables() -> None:
    labs = """
    day | analyte      | value | unit
    58  | systolic_bp  | 170   | mm[Hg]
    58  | diastolic_bp | 70    | mm[Hg]
    """
    tl = timeline(labs, who=patient("P18", birth_date=date(2008, 3, 1), sex="M"))
    result = screened(tl, criteria_set("harmonized-2023"), as_of=59)
    assert "hypertension" in result.criteria_met
