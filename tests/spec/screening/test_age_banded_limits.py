"""Age-banded laboratory limits turn on the birthday itself, on every engine.

The paediatric tables group children by completed age, as a clinician states it: the WHO
haemoglobin cut-offs by completed months and years (clinical-reference.md E5 [S]: 11.0 g/dL at
24-59 months, 11.5 g/dL at 5-11 years), the indicative LDH upper limits by completed years
(E5 [S-2nd]: 321 U/L at 1-9 years, 283 U/L for boys at 10-14 years). A child moves to the next
band on the birthday, not 0.0007 years later: days / 365.25 reads a fifth birthday after one
leap day as 4.9993 years and a tenth after two leap days as 9.9986, so a decimal age kept the
child in the younger band on the birthday itself.

Transplant on 2026-01-01 (day 0); each child's birthday falls on 2026-06-01, day 151. One result,
with no laboratory range of its own (so the published table decides), on day 150 (the day before),
151 (the birthday) or 152 (the day after); the criterion is asked on that day.
"""

from __future__ import annotations

from datetime import date

import pytest

from thrombo.rules.registry import criteria_set

from .tables import outcome, patient, timeline

EVE, BIRTHDAY, AFTER = 150, 151, 152


@pytest.mark.parametrize(("on_day", "expected"), [
    (EVE, "not_met"),      # 9 years old: ULN 321 U/L, 300 is not above it
    (BIRTHDAY, "met"),     # 10 today: a boy's ULN is 283 U/L, 300 is above it
    (AFTER, "met"),
])
def test_ldh_uln_for_a_boy_turning_ten(on_day: int, expected: str) -> None:
    """A boy born 2016-06-01 (10 on 2026-06-01; 3652 days, two leap days), LDH 300 U/L.
    Criterion: harmonized-2023 "ldh", LDH above the ULN for age (A1; fallback E5)."""
    labs = f"""
    day      | analyte | value | unit
    {on_day} | ldh     | 300   | U/L
    """
    tl = timeline(labs, who=patient("B10", birth_date=date(2016, 6, 1), sex="M"))
    assert outcome(tl, "ldh", on_day, criteria_set("harmonized-2023")) == expected


@pytest.mark.parametrize(("on_day", "expected"), [
    (EVE, "not_met"),      # 59 months: WHO cut-off 11.0 g/dL, 11.2 is not below it
    (BIRTHDAY, "met"),     # 5 today: cut-off 11.5 g/dL, 11.2 is below it
    (AFTER, "met"),
])
def test_who_haemoglobin_cut_off_for_a_child_turning_five(on_day: int, expected: str) -> None:
    """A girl born 2021-06-01 (5 on 2026-06-01; 1826 days, one leap day), Hb 11.2 g/dL.
    Criterion: jodele-2014 "anemia", Hb below the lower limit for age and sex (A2; WHO
    cut-offs E5) or a transfusion need (none recorded here)."""
    labs = f"""
    day      | analyte    | value | unit
    {on_day} | hemoglobin | 11.2  | g/dL
    """
    tl = timeline(labs, who=patient("G5", birth_date=date(2021, 6, 1), sex="F"))
    assert outcome(tl, "anemia", on_day, criteria_set("jodele-2014")) == expected
