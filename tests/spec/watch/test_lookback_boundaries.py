"""The watch signals' look-back windows, the day before, the day of and the day after each edge.

Source: thrombo/rules/watch/options.py, [Design] numbers (no published rule; clinical-reference.md
A2 names the early markers only): LDH rising is judged against the median of the patient's LDH
results in the 14 days before; proteinuria is new when every result of the same measure in the
28 days before was below the limit (UPCR 1 mg/mg, A1; urine protein 30 mg/dL, A2); sC5b-9
rising is judged against the previous result in the 28 days before. "N days before" counts the
result's own day back N calendar days, both ends included (as the criteria's Hb baseline
look-back: rules/decide.py `baseline_value`), so a result exactly N days older still counts and
one N + 1 days older does not.
Patient: girl, 9 years, transplant day 0 = 2026-01-01, platelet engraftment day +25; every
result is asked on day +40, so the earlier result lies outside the 7-day signal window and only
the look-back decides.
"""

from __future__ import annotations

import pytest

from tests.spec.screening.tables import one_analyte

from .tables import signal, timeline

pytestmark = pytest.mark.usefixtures("on_engine")

ASKED = 40

# (measure, unit, high earlier value, normal value on day +35, new value on day +40, the other
# measure's normal value on day +40). Each measure is judged against its own earlier results.
MEASURES = [
    ("upcr", "mg/mg", "1.2", "0.3", "1.5", ("urine_protein", "10", "mg/dL")),
    ("urine_protein", "mg/dL", "40", "10", "45", ("upcr", "0.2", "mg/mg")),
]
# (days before day +40 of the high earlier result, outcome): within 28 days it makes the new
# result old (not met); 29 days before, only day +35's normal result is left: new (met).
PROTEINURIA_LOOKBACK = [(27, "not_met"), (28, "not_met"), (29, "met")]


@pytest.mark.parametrize(("measure", "unit", "high", "normal", "new", "other"), MEASURES,
                         ids=[m[0] for m in MEASURES])
@pytest.mark.parametrize(("days_before", "expected"), PROTEINURIA_LOOKBACK)
def test_proteinuria_is_new_over_the_28_days_before(
    measure: str, unit: str, high: str, normal: str, new: str, other: tuple[str, str, str],
    days_before: int, expected: str,
) -> None:
    other_measure, other_value, other_unit = other
    tl = timeline(f"""
        day | analyte         | value         | unit
        {ASKED - days_before} | {measure} | {high} | {unit}
        35  | {measure}       | {normal}      | {unit}
        {ASKED} | {measure}   | {new}         | {unit}
        {ASKED} | {other_measure} | {other_value} | {other_unit}
    """)
    assert signal(tl, "new_proteinuria", ASKED) == expected


# (signal, analyte, unit, ULN, earlier value, value on day +40, days before day +40 of the
# earlier value, outcome).
# LDH 250 earlier, 500 on day +40 (ULN 320): 500 >= 1.25 x 250 = 312.5 and above the ULN, so
# risen when 250 is in the 14-day look-back; with no earlier LDH in it, rising from what?
# Undecided (the rule's own spec, test_signals.py).
# sC5b-9 100 earlier, 200 on day +40, both below the ULN 244: 200 >= 1.5 x 100 = 150 is a rise
# when 100 is in the 28-day look-back; with no previous result in it there is nothing to rise
# from, and 200 is decided by the ULN test alone (not met, as a first sC5b-9 below the ULN).
RISES = [
    ("ldh_rising", "ldh", "U/L", "320", "250", "500", 13, "met"),
    ("ldh_rising", "ldh", "U/L", "320", "250", "500", 14, "met"),
    ("ldh_rising", "ldh", "U/L", "320", "250", "500", 15, "indeterminate"),
    ("sc5b9_rising", "sc5b9", "ng/mL", "244", "100", "200", 27, "met"),
    ("sc5b9_rising", "sc5b9", "ng/mL", "244", "100", "200", 28, "met"),
    ("sc5b9_rising", "sc5b9", "ng/mL", "244", "100", "200", 29, "not_met"),
]


@pytest.mark.parametrize(
    ("name", "analyte", "unit", "uln", "earlier", "value", "days_before", "expected"), RISES,
    ids=[f"{r[1]}-{r[6]}d" for r in RISES])
def test_a_rise_is_judged_against_the_results_in_its_look_back(
    name: str, analyte: str, unit: str, uln: str, earlier: str, value: str, days_before: int,
    expected: str,
) -> None:
    tl = timeline(one_analyte(analyte, unit, {ASKED - days_before: earlier, ASKED: value},
                              ref_high=uln))
    assert signal(tl, name, ASKED) == expected
