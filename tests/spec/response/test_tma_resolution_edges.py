"""TA-TMA resolution at the edges of its 28-day window, and the LDH evidence as it reads.

Source: the study document 000_56e8c5c5802e858b.txt ("complete resolution of TA-TMA within 28
days of initiating defibrotide"), made operational in clinical-reference.md A8 [Design] and
thrombo/response/study_windows.py: day 28 counts; patients who die before day 28 count as not
resolved (project protocol); an outcome needs follow-up to day 28; assessment days are the days
after the start (the start day's results are the pre-treatment values); LDH <= ULN on
consecutive measurements spanning >= 24 h.

Patient: a girl of 8, transplanted 30 days before defibrotide starts on day 0 (2026-01-01).
Before treatment (day 0): LDH 900 U/L (lab ULN 300), platelets 20, schistocytes present.
Rows read `DAY ANALYTE VALUE [high=ULN] [hour=H]`; results at 08:00 unless `hour=`.
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.response.tma import TmaResponse, assess_tma

from .test_tma_resolution import BEFORE, RESOLVED_ON


def assessed(obs: str, as_of: int = 40, death: int | None = None) -> TmaResponse:
    tl = timeline(BEFORE + obs, "0 defibrotide end=20", hsct=-30, death=death)
    result = assess_tma(tl, day(as_of))
    assert result is not None
    return result


# Resolved on day 10 (LDH normal since day 9, all components met on days 10 and 11).
RESOLVED_DAY_10 = "9 ldh 260 high=300\n" + RESOLVED_ON.format(d=10, e=11)


@pytest.mark.parametrize(("death", "response"), [
    (27, "not-resolved"),   # died before day 28: not resolved, whatever came before
    (28, "resolved"),       # died on day 28: not before it
    (29, "resolved"),
])
def test_death_before_day_28_counts_as_not_resolved(death: int, response: str) -> None:
    assert assessed(RESOLVED_DAY_10, death=death).response == response


NEVER_MET = "10 ldh 900 high=300\n10 platelets 20\n10 schistocytes present"


@pytest.mark.parametrize(("as_of", "response"), [
    (27, "not-evaluable"),  # follow-up has not reached day 28
    (28, "not-resolved"),   # day 28 reached, nothing met
    (29, "not-resolved"),
])
def test_an_unresolved_outcome_needs_follow_up_to_day_28(as_of: int, response: str) -> None:
    assert assessed(NEVER_MET, as_of=as_of).response == response


def test_the_start_day_is_not_an_assessment_day() -> None:
    """A second count of 60 at 12:00 on the start day (no platelet transfusion), then a smear on
    day 10: the platelet component is met from day 10, the first assessment day after the start,
    not on the start day, whose results are the pre-treatment values."""
    result = assessed("0 platelets 60 hour=12\n10 schistocytes present")
    assert result.components["platelets"] == day(10)


@pytest.mark.parametrize(("hour", "spans"), [(7, "23 h (< 24 h)"), (8, "24 h (>= 24 h)"),
                                             (9, "25 h (>= 24 h)")])
def test_the_ldh_evidence_names_the_hours_its_normal_run_spans(hour: int, spans: str) -> None:
    """LDH 250 on day 5 at 08:00, 240 on day 6 at 07:00 / 08:00 / 09:00 (ULN 300): the note
    gives the value, the limit and where it came from, and the span in whole hours."""
    result = assessed(f"5 ldh 250 high=300\n6 ldh 240 high=300 hour={hour}")
    ldh = next(e for e in result.evidence if e.rule == "tma-resolution-000: ldh")
    assert ldh.note == f"240 U/L <= ULN 300 U/L (lab range); normal run spans {spans}"


@pytest.mark.parametrize("analyte", ["ldh", "platelets", "schistocytes"])
def test_a_component_measured_only_before_the_start_is_not_evaluable(analyte: str) -> None:
    """Day 28 reached; each other component is measured (and not met) after the start, this
    one only on the start day: not evaluable (never measured on treatment), not a failure."""
    after = {"ldh": "10 ldh 900 high=300", "platelets": "10 platelets 20",
             "schistocytes": "10 schistocytes present"}
    obs = "\n".join(row for name, row in after.items() if name != analyte)
    result = assessed(obs, as_of=40)
    assert result.response == "not-evaluable"
    assert result.evidence[0].note == f"not measured after start: ['{analyte}']"
