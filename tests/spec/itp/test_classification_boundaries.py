"""Severe and refractory ITP: every threshold and window at its value, just below and above.

Days from DAY0 = 2026-01-01, diagnosis on day 0, platelets x10^9/L. Sources: IWG 2009 severe ITP
(clinical-reference.md C1 [S]); Buchanan & Adix grades (C5 [S-2nd]); the practical-002 project
definition of 002_135c7129447af5c0.txt (C3 [Design]); the [Design] windows named in
thrombo/rules/itp/severity.py and refractory.py and in the output's `rules.options`.
"""

from __future__ import annotations

import pytest

from tests.unit.itp.timeline_tables import at, day, platelets, timeline
from thrombo.domain.records import Event
from thrombo.response.itp_patient import classify_itp
from thrombo.rules.itp.bleeding import LABELS, level_of
from thrombo.rules.itp.phase import completed_months, months_since
from thrombo.rules.itp.severity import classify_severity

# --- severe ITP ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "severe"), [
    ("bleeding grade=2", False),   # skin only (many petechiae / bruises): not mandating
    ("bleeding grade=3", True),    # mucosal: mandates treatment
    ("major_bleeding", True),
    ("bleeding", None),            # no grade, no site: unknown
])
def test_bleeding_that_mandates_treatment_is_grade_3_or_more(event: str,
                                                             severe: bool | None) -> None:
    """Bleeding on day 0 at presentation, IVIG on day 1."""
    assert classify_severity(timeline("", "1 ivig", f"0 {event}", diagnosis=0)).severe is severe


@pytest.mark.parametrize(("bleed_day", "severe"), [
    (-8, False), (-7, True), (14, True), (15, False),
])
def test_presentation_is_7_days_before_to_14_days_after_diagnosis(bleed_day: int,
                                                                  severe: bool) -> None:
    """On eltrombopag 25 mg since day -30 (open course); a grade-3 bleed with another 25 mg
    record the same day: "at presentation" it is severe; later, the same agent at the same dose
    is no escalation, so not severe ([Design] presentation window -7 to +14 days)."""
    tl = timeline("", f"-30 eltrombopag dose=25\n{bleed_day} eltrombopag dose=25 hour=12",
                  f"{bleed_day} bleeding grade=3", diagnosis=0)
    assert classify_severity(tl).severe is severe


@pytest.mark.parametrize(("treated_day", "severe"), [(53, True), (54, False)])
def test_treatment_within_3_days_of_the_bleed(treated_day: int, severe: bool) -> None:
    """Grade-3 bleed on day 50 (after presentation), IVIG 3 vs 4 days later ([Design])."""
    tl = timeline("", f"{treated_day} ivig", "50 bleeding grade=3", diagnosis=0)
    assert classify_severity(tl).severe is severe


# --- practical-002 refractory ------------------------------------------------------------------

MEDS = "0 prednisone end=4"


def refractory(obs: str, as_of: int = 60) -> bool | None:
    return classify_itp(timeline(obs, MEDS, diagnosis=0), day(as_of)).default.refractory


@pytest.mark.parametrize(("middle", "expected"), [
    (29, True),    # below 30 throughout: refractory
    (30, False),   # a count of exactly 30 is not "below 30": the run breaks; latest 31 >= 30
])
def test_practical_threshold_below_30(middle: float, expected: bool) -> None:
    """Counts 12 (day 7), MIDDLE (day 20), 20 (day 35), then 31 on day 50 when the run broke."""
    obs = platelets((7, 12), (20, middle), (35, 20))
    obs += "" if expected else "\n50 platelets 31"
    assert refractory(obs) is expected


@pytest.mark.parametrize(("last", "expected"), [
    (34, None),   # 27 days: not yet persistent, latest < 30 -> unknown
    (35, True),   # 28 days
])
def test_practical_persistence_28_days(last: int, expected: bool | None) -> None:
    assert refractory(platelets((7, 12), (20, 15), (last, 18))) is expected


@pytest.mark.parametrize(("counts", "expected"), [
    (((7, 12), (35, 18)), None),              # 2 counts over 28 days: too few
    (((7, 12), (21, 15), (35, 18)), True),    # 3 counts
])
def test_practical_needs_three_counts(counts: tuple[tuple[int, float], ...],
                                      expected: bool | None) -> None:
    assert refractory(platelets(*counts)) is expected


@pytest.mark.parametrize(("gap_end", "expected"), [
    (36, True),   # day 8 -> 36: 28 days apart, still spread (run 7 -> 36, 3 counts)
    (37, None),   # 29 days apart: the run restarts at day 37, too short
])
def test_practical_counts_at_most_28_days_apart(gap_end: int, expected: bool | None) -> None:
    obs = platelets((7, 12), (8, 13), (gap_end, 18))
    assert refractory(obs, gap_end + 1) is expected


@pytest.mark.parametrize(("first", "expected"), [
    (6, None),    # day 6 is within 7 days of first-line therapy: ignored, run from day 20 short
    (7, True),    # day 7 counts: 7 -> 35 = 28 days
])
def test_practical_ignores_the_first_week_of_therapy(first: int, expected: bool | None) -> None:
    assert refractory(platelets((first, 12), (20, 15), (35, 18))) is expected


# --- calendar months (romiplostim: ITP >= 6 months, D2) ----------------------------------------

@pytest.mark.parametrize(("on", "months"), [
    (day(180), 5),    # 2026-06-30: 5 completed months after 2026-01-01
    (day(181), 6),    # 2026-07-01: 6 months
])
def test_completed_months(on: object, months: int) -> None:
    assert completed_months(day(0), on) == months  # type: ignore[arg-type]


def test_months_since_diagnosis_uses_the_mean_month() -> None:
    """1130 days / (365.25 / 12) = 37.13 -> 37.1 months ([Design] mean Gregorian month); a
    365-day year would give 37.2 and a 366-day year 37.0."""
    assert months_since(day(0), day(1130)) == 37.1


@pytest.mark.parametrize(("grade", "level"), [
    (0, "none"), (1, "skin-only"), (2, "skin-only"),   # Buchanan & Adix 0-2: skin only
    (3, "mucosal"),                                    # 3: overt mucosal bleeding
    (4, "severe"), (5, "severe"),                      # 4 severe, 5 life-threatening
])
def test_buchanan_adix_grade_to_bleeding_level(grade: int, level: str) -> None:
    """clinical-reference.md C5 [S-2nd] overall grades, as severe ITP and the ladder read them."""
    assert LABELS[level_of(Event("e1", "P", at(0), "bleeding", grade))] == level
