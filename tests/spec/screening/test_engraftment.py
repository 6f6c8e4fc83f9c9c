"""Engraftment dates derived from counts, and failure of platelet engraftment (harmonized 2023).

Sources: clinical-reference.md I4 (CIBMTR [S], ASTCT [S-2nd]): neutrophil engraftment is the
first of 3 consecutive results on different days with ANC >= 0.5 x 10^9/L after the nadir;
platelet engraftment the first of 3 consecutive counts >= 20 x 10^9/L with no platelet
transfusion in the 7 days before. A1 [S-2nd]: thrombocytopenia includes (a) failure of platelet
engraftment, read as none by day +60 ([Design], warned), and (b) platelet transfusion need after
engraftment; anaemia includes RBC transfusion need despite neutrophil engraftment.
Patient: the girl of the other spec tests (9 years, transplant 2026-01-01 = day 0), here with
no engraftment date recorded unless a test says so. Transfusions are given at 08:00.
"""

from __future__ import annotations

import pytest

from thrombo.rules.registry import criteria_set
from thrombo.rules.tma.options import ScreeningOptions

from .tables import day, one_analyte, outcome, patient, screened, timeline

SET = criteria_set("harmonized-2023")
UNRECORDED = patient(neutrophil_engraftment=None, platelet_engraftment=None)

ANC_RECOVERY = one_analyte("anc", "10*9/L", {5: "0.1", 15: "0.6", 16: "0.5", 17: "0.8"})


@pytest.mark.parametrize(("on_day", "expected"), [(14, "indeterminate"), (15, "met")])
def test_rbc_transfusion_after_derived_neutrophil_engraftment(on_day: int, expected: str) -> None:
    """ANC 0.1 on day +5 (nadir), then 0.6, 0.5 (= 0.5 counts), 0.8 on days +15-17: neutrophil
    engraftment derived on day +15. An RBC transfusion on day +14 is before it (no Hb: anaemia
    stays indeterminate); on day +15 it is anaemia (a), transfusion despite engraftment."""
    tl = timeline(ANC_RECOVERY, events=f"day | event\n{on_day} | rbc_transfusion\n",
                  who=UNRECORDED)
    assert outcome(tl, "anemia", on_day, SET) == expected


def test_without_counts_the_engraftment_anchor_stays_unknown() -> None:
    tl = timeline("day | analyte | value | unit\n15 | hemoglobin | 9 | g/dL",
                  events="day | event\n15 | rbc_transfusion\n", who=UNRECORDED)
    assert outcome(tl, "anemia", 15, SET) == "indeterminate"


def _platelets(third: str, transfused_on: int) -> tuple[str, str]:
    return f"""
        day | analyte   | value   | unit
        8   | platelets | 10      | 10*9/L
        18  | platelets | 25      | 10*9/L
        19  | platelets | 30      | 10*9/L
        20  | platelets | {third} | 10*9/L
    """, f"day | event\n{transfused_on} | platelet_transfusion\n30 | platelet_transfusion\n"


@pytest.mark.parametrize(("value", "expected"), [
    ("35", "met"),            # 25, 30, 35 on days +18-20: engrafted day +18
    ("20", "met"),            # 20 is >= 20: still three
    ("19", "indeterminate"),  # only two: not engrafted, the day +30 transfusion has no anchor
])
def test_platelet_engraftment_needs_three_consecutive_counts(value: str, expected: str) -> None:
    """Nadir 10 on day +8; a transfusion on day +5 (before the 7 days) and one on day +30.
    Engrafted: the day +30 transfusion is a transfusion need after engraftment (A1 2(b))."""
    labs, events = _platelets(value, 5)
    tl = timeline(labs, events=events, who=UNRECORDED)
    assert outcome(tl, "thrombocytopenia", 30, SET) == expected


@pytest.mark.parametrize(("on_day", "expected"), [
    (10, "met"),              # 8 days before day +18: the run 18-20 stands
    (11, "indeterminate"),    # 7 days before day +18: day +18 does not count, 19-20 are two
])
def test_platelet_engraftment_needs_7_transfusion_free_days(on_day: int, expected: str) -> None:
    """As above (25, 30, 35 on days +18-20) with a platelet transfusion on day +10 or +11."""
    labs, events = _platelets("35", on_day)
    tl = timeline(labs, events=events, who=UNRECORDED)
    assert outcome(tl, "thrombocytopenia", 30, SET) == expected


def test_seven_count_option_does_not_derive_from_three() -> None:
    """Option platelet_engraftment_run = 7 (unverified, I4): three counts are not enough."""
    seven = criteria_set("harmonized-2023", ScreeningOptions(platelet_engraftment_run=7))
    labs, events = _platelets("35", 5)
    tl = timeline(labs, events=events, who=UNRECORDED)
    assert outcome(tl, "thrombocytopenia", 30, seven) == "indeterminate"
    assert seven.options["platelet_engraftment_run"] == 7
    assert any("unverified" in w for w in seven.warnings)


NEVER_ENGRAFTED = one_analyte("platelets", "10*9/L",
                              {10: "8", 30: "15", 45: "12", 59: "14", 60: "13", 61: "16"})


@pytest.mark.parametrize(("on_day", "expected"), [
    (59, "indeterminate"),  # not yet a failure; the fall from baseline has no anchor
    (60, "met"),            # no platelet engraftment by day +60
    (61, "met"),
])
def test_failure_of_platelet_engraftment_from_day_60(on_day: int, expected: str) -> None:
    """Counts below 20 from day +10 to +61, no engraftment recorded or derivable."""
    tl = timeline(NEVER_ENGRAFTED, who=UNRECORDED)
    assert outcome(tl, "thrombocytopenia", on_day, SET) == expected


def test_a_recorded_engraftment_is_not_a_failure() -> None:
    """Platelet engraftment recorded on day +25: no failure on day +61; the counts of 12-16
    after a highest of 15 since engraftment are not a 50% fall either."""
    tl = timeline(NEVER_ENGRAFTED, who=patient(platelet_engraftment=25))
    assert outcome(tl, "thrombocytopenia", 61, SET) == "not_met"


def test_a_recorded_late_engraftment_is_a_failure_before_it() -> None:
    """Recorded on day +70: on day +61 the child has not engrafted."""
    tl = timeline(NEVER_ENGRAFTED, who=patient(platelet_engraftment=70))
    assert outcome(tl, "thrombocytopenia", 61, SET) == "met"


def test_counts_that_never_fell_are_no_failure() -> None:
    """Platelets 150-180 from day +10 on: never below 20, so no failure (and no derived date)."""
    tl = timeline(one_analyte("platelets", "10*9/L", {10: "150", 61: "180"}), who=UNRECORDED)
    assert outcome(tl, "thrombocytopenia", 61, SET) == "indeterminate"  # fall: no anchor


def test_the_derivation_is_shown_as_evidence() -> None:
    labs, events = _platelets("35", 5)
    tl = timeline(labs + "30 | platelets | 40 | 10*9/L\n", events=events, who=UNRECORDED)
    result = screened(tl, SET, as_of=40)
    derived = [e for e in result.evidence if e.criterion == "platelet_engraftment"]
    assert len(derived) == 1
    assert derived[0].time.date() == day(18)
    assert "derived from counts" in derived[0].threshold
    assert "3 consecutive" in derived[0].threshold
    assert SET.options["platelet_engraftment_run"] == 3
    assert "20" in str(SET.options["engraftment_derivation"])


def test_derivation_uses_only_what_is_known_by_as_of() -> None:
    """As of day +19 only two of the three counts exist: nothing derived yet."""
    labs, events = _platelets("35", 5)
    result = screened(timeline(labs, events=events, who=UNRECORDED), SET, as_of=19)
    assert not [e for e in result.evidence if e.criterion == "platelet_engraftment"]
