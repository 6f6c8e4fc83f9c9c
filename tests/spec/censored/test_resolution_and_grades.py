"""Censored LDH and platelet results in TA-TMA resolution and in CTCAE grading.

interface.md 1.1 (issue 17 finding 22): "platelets `<10` is below 50; LDH `>2500` is above any
ULN; platelets `<200` says nothing about 50". Before, these results had no value and the
component or grade was left unknown ("no platelet count").

Resolution (clinical-reference.md A8 [Design]): LDH <= ULN; platelets >= 50 x10^9/L with no
platelet transfusion for 7 days. The child of tests/spec/response/test_tma_resolution.py:
defibrotide from day 0 (2026-01-01), LDH 900 (ULN 300) and platelets 20 before it.
CTCAE v5.0 platelet count decreased (clinical-reference.md F): grade 4 < 25, grade 3 < 50,
grade 2 < 75 x10^9/L (from memory, unverified), grade 1 < LLN [S-2nd].
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.response.tma import assess_tma
from thrombo.safety.adverse_events import grade_adverse_events

BEFORE = "0 ldh 900 high=300\n0 platelets 20\n0 schistocytes present\n"


def component_note(obs: str, name: str) -> str:
    tl = timeline(BEFORE + obs, "0 defibrotide end=20", hsct=-30)
    response = assess_tma(tl, day(40))
    assert response is not None
    (shown,) = [e for e in response.evidence if e.rule == f"tma-resolution-000: {name}"]
    return shown.note


@pytest.mark.parametrize(("result", "note"), [
    (">2500", ">2500 U/L, not <= ULN 300 U/L"),                       # above any ULN: not normal
    ("<250", "<250 U/L <= ULN 300 U/L"),                             # below the ULN: normal
    ("<400", "<400 U/L, censored, may or may not be <= ULN 300 U/L"),  # 250 or 350: unknown
])
def test_ldh_censored_against_the_uln(result: str, note: str) -> None:
    assert component_note(f"10 ldh {result} high=300", "ldh").startswith(note)


@pytest.mark.parametrize(("result", "note"), [
    ("<10", "<10 x10^9/L < 50"),                            # below 50: not resolved
    (">=50", ">=50 x10^9/L >= 50"),                         # at least 50: resolved
    ("<200", "<200 x10^9/L may or may not be >= 50"),       # says nothing about 50
])
def test_platelets_censored_against_50(result: str, note: str) -> None:
    assert component_note(f"10 platelets {result}", "platelets").startswith(note)


@pytest.mark.parametrize(("result", "grade"), [
    ("<10", 4),      # every value below 10 is below 25: grade 4
    ("<25", 4),      # below 25 for every value: grade 4
    ("<=25", None),  # exactly 25 is grade 3, 24 is grade 4: no single grade
    ("<60", None),   # grade 2, 3 or 4
])
def test_ctcae_grade_of_a_censored_platelet_count(result: str, grade: int | None) -> None:
    """Platelets 80 (lab LLN 150: grade 1) when treatment starts on day 0; a count on day 5. A
    grade worse than the starting grade is a treatment-emergent adverse event."""
    tl = timeline(f"0 platelets 80 low=150\n5 platelets {result} low=150")
    events = grade_adverse_events(tl, day(0), day(10))
    found = [(e.term, e.grade, str(e.value)) for e in events]
    expected = [] if grade is None else [("platelet_count_decreased", grade,
                                          f"{result} 10*9/L")]
    assert found == expected
