"""CTCAE v5.0 grading (clinical-reference.md F; NCI CTCAE v5.0, 27 Nov 2017).

Band edges are checked at and either side of each cut-off in the reference table.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.itp.timeline_tables import day, timeline
from thrombo.errors import ImplausibleValueError
from thrombo.safety import ctcae
from thrombo.safety.adverse_events import NO_HEIGHT_WARNING, grade_adverse_events
from thrombo.safety.bleeding import major_bleeding


@pytest.mark.parametrize(("count", "grade"), [
    (24.9, 4), (25, 3), (49.9, 3), (50, 2), (74.9, 2), (75, 1), (149, 1), (150, 0)])
def test_platelet_count_decreased_bands(count: float, grade: int) -> None:
    assert ctcae.platelet_grade(count, lln=150) == grade


def test_platelet_grade_1_needs_a_lower_limit() -> None:
    assert ctcae.platelet_grade(100, lln=None) is None
    assert ctcae.platelet_grade(60, lln=None) == 2


@pytest.mark.parametrize(("hb", "grade"), [(7.9, 3), (8.0, 2), (9.9, 2), (10.0, 1), (11.4, 1),
                                           (11.5, 0)])
def test_anemia_bands(hb: float, grade: int) -> None:
    assert ctcae.anemia_grade(hb, lln=11.5) == grade


@pytest.mark.parametrize(("value", "uln", "baseline", "grade"), [
    (0.5, 0.6, None, 0), (0.7, 0.6, None, 1), (1.0, 0.6, None, 2), (2.0, 0.6, None, 3),
    (3.7, 0.6, None, 4), (0.5, None, 0.3, 2), (1.0, None, 0.3, 3), (0.4, None, 0.3, 0),
    (0.5, None, None, None)])
def test_creatinine_increased(value: float, uln: float | None, baseline: float | None,
                              grade: int | None) -> None:
    assert ctcae.creatinine_grade(value, uln, baseline) == grade


@pytest.mark.parametrize(("upcr", "grade"), [(0.49, 0), (0.5, 2), (1.9, 2), (1.91, 3)])
def test_paediatric_proteinuria(upcr: float, grade: int) -> None:
    assert ctcae.proteinuria_grade(upcr) == grade


@pytest.mark.parametrize(("sbp", "dbp", "grade"), [(119, 79, 0), (120, 70, 1), (135, 95, 2),
                                                   (160, 80, 3)])
def test_adult_hypertension(sbp: float, dbp: float, grade: int) -> None:
    assert ctcae.adult_hypertension_grade(sbp, dbp) == grade


@given(st.floats(0, 1000), st.floats(0, 1000))
def test_lower_platelets_never_grade_lower(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert (ctcae.platelet_grade(low, 150) or 0) >= (ctcae.platelet_grade(high, 150) or 0)


def test_impossible_recorded_grades_are_refused() -> None:
    assert ctcae.check_grade("vomiting", 5) == 5
    with pytest.raises(ImplausibleValueError):
        ctcae.check_grade("nausea", 4)
    with pytest.raises(ImplausibleValueError):
        ctcae.check_grade("hypotension", 0)


def test_lab_events_are_treatment_emergent_only() -> None:
    """Platelets 20 at start (grade 4) stay grade 4: not an AE. Hb 11 -> 7.5 after start is
    anaemia grade 3 (LLN 11.5 from the lab). Creatinine 0.4 -> 1.3 with ULN 0.6 is > 2 x ULN
    (grade 2) and 3.25 x baseline (grade 3): grade 3."""
    obs = ("0 platelets 20\n3 platelets 15\n0 hemoglobin 11 low=11.5\n4 hemoglobin 7.5 low=11.5\n"
           "0 creatinine 0.4 high=0.6\n5 creatinine 1.3 high=0.6")
    events = {e.term: (e.grade, e.day) for e in grade_adverse_events(timeline(obs), day(0),
                                                                     day(30))}
    assert events == {"anemia": (3, day(4)), "creatinine_increased": (3, day(5))}


def test_recorded_events_keep_their_grade_and_the_worst_is_reported() -> None:
    tl = timeline("", "", "2 hypotension grade=1\n4 hypotension grade=2\n5 hypotension grade=1\n"
                          "3 diarrhea grade=1\n40 nausea grade=2")
    found = grade_adverse_events(tl, day(0), day(30))
    assert [(e.term, e.grade, e.day, e.version) for e in found] == [
        ("diarrhea", 1, day(3), "5.0"), ("hypotension", 2, day(4), "5.0")]
    assert found[0].warnings == ()  # diarrhoea row is [S]
    assert found[1].warnings == (ctcae.UNVERIFIED_WARNING,)


def test_paediatric_hypertension_uses_percentiles_and_persistence() -> None:
    """Girl aged 8, height 128 cm (53rd percentile, CDC 2000). Fourth Report 2004, girls 8 y, 50th
    height percentile: SBP 95th 115, 99th 122 (+5 = 127). 125/70 sits in the grade 2 band: grade
    2 only when it recurs >= 24 h later, a single reading is grade 1. 145/95 > 127/88: grade 3."""
    base = "0 height 128\n"
    single = timeline(base + "2 systolic_bp 125\n2 diastolic_bp 70")
    repeated = timeline(base + "2 systolic_bp 125\n2 diastolic_bp 70\n3 systolic_bp 124\n"
                               "3 diastolic_bp 70")
    severe = timeline(base + "2 systolic_bp 145\n2 diastolic_bp 95")
    grades = [[e.grade for e in grade_adverse_events(t, day(0), day(10))]
              for t in (single, repeated, severe)]
    assert grades == [[1], [2], [3]]


def test_hypertension_already_present_at_treatment_start_is_not_an_adverse_event() -> None:
    """Same girl (8 y, 128 cm): 145/95 on the start day is grade 3 before treatment (TA-TMA's
    own hypertension). Grade 3 again on day 2 is no adverse event; a grade 3 when the start
    was grade 1 (125/70 once) is one."""
    base = "0 height 128\n0 systolic_bp 145\n0 diastolic_bp 95\n"
    unchanged = timeline(base + "2 systolic_bp 146\n2 diastolic_bp 95")
    assert [e for e in grade_adverse_events(unchanged, day(0), day(10))
            if e.term == "hypertension"] == []
    climbing = timeline("0 height 128\n0 systolic_bp 125\n0 diastolic_bp 70\n"
                        "2 systolic_bp 146\n2 diastolic_bp 95")
    assert [(e.term, e.grade) for e in grade_adverse_events(climbing, day(0), day(10))] == [
        ("hypertension", 3)]


def test_hypertension_without_height_takes_the_lower_grade_and_warns() -> None:
    found = grade_adverse_events(timeline("2 systolic_bp 145\n2 diastolic_bp 95"), day(0), day(9))
    assert found[0].grade == 3 and NO_HEIGHT_WARNING in found[0].warnings


def test_major_bleeding_by_named_definition() -> None:
    tl = timeline("", "", "3 bleeding grade=2\n5 bleeding grade=3\n8 major_bleeding")
    ctcae_def = major_bleeding(tl, day(0), day(30))
    recorded = major_bleeding(tl, day(0), day(30), "recorded-major-bleeding")
    assert (ctcae_def.major, ctcae_def.first_date, ctcae_def.event_ids) == (True, day(5), ("e1",))
    assert (recorded.first_date, recorded.to_json()["definition"]) == (
        day(8), "recorded-major-bleeding")
    assert not major_bleeding(tl, day(0), day(4)).major


def test_platelet_grade_1_without_a_lab_range_warns_of_the_fallback_range() -> None:
    """CTCAE v5.0 platelet count decreased grade 1 is < LLN to 75 x10^9/L. Without the lab's
    range the LLN is the usual 150 (clinical reference E5, from memory, unverified): a count of
    120 after a normal start is grade 1 and says which unverified range it rests on; with the
    lab's own LLN of 150 it does not."""
    fallback = grade_adverse_events(timeline("0 platelets 250\n3 platelets 120"), day(0), day(30))
    (event,) = fallback
    assert (event.term, event.grade) == ("platelet_count_decreased", 1)
    assert any("platelet reference range 150-450" in w for w in event.warnings)
    own = grade_adverse_events(timeline("0 platelets 250 low=150\n3 platelets 120 low=150"),
                               day(0), day(30))
    assert not any("platelet reference range" in w for w in own[0].warnings)
