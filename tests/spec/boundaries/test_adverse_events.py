"""Treatment-emergent adverse events and major bleeding: the windows and ages at their edges.

Sources: CTCAE v5.0 (clinical-reference.md F): hypertension grade 2 is "recurrent or persistent
(>= 24 h)"; adult hypertension bands apply from 18 years, the paediatric percentile bands below
(grade 3 = > 5 mm Hg above the 99th percentile, 2004 Fourth Report tables); the study's major
bleeding is a haemorrhage term of grade >= 3. [Design] choices of thrombo.safety.adverse_events,
each named in its docstring: a lab result counts from the day after the treatment start (the start
day is the baseline); a second grade 2 reading confirms persistence when it is 24 h to 7 days
away; a height measured within 365 days sets the height percentile of a BP reading; without one
the lower grade over the 5th and 95th height percentiles is kept, with a warning.

Days are counted from 2026-01-01 (day 0); readings are at 08:00 unless an hour is given.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.itp.timeline_tables import DAY0, day, timeline
from thrombo.safety.adverse_events import NO_HEIGHT_WARNING, grade_adverse_events
from thrombo.safety.bleeding import major_bleeding


def _offset(d: date) -> int:
    return (d - DAY0).days


def _hypertension(obs: str, *, birth: int, sex: str, start: int = 0) -> tuple[int, bool] | None:
    """(grade, graded without a height) of the hypertension event, None when there is none."""
    found = [e for e in grade_adverse_events(timeline(obs, birth=birth, sex=sex), day(start),
                                             day(start + 30)) if e.term == "hypertension"]
    if not found:
        return None
    return found[0].grade, NO_HEIGHT_WARNING in found[0].warnings


ADULT = -20 * 365  # a 20-year-old: CTCAE adult bands, G2 = 140-159/90-99


# Two readings of 145/70 (adult grade 2 band), the second `hour` on day 2 or later (hours after
# day 1 08:00): grade 2 only when the two are 24 h to 7 days apart, otherwise grade 1.
PERSISTENCE = [
    ("2 7", 1),     # 23 h apart: not yet persistent
    ("2 8", 2),     # 24 h apart
    ("2 9", 2),     # 25 h apart
    ("8 8", 2),     # 7 days apart, the last day of the window
    ("8 9", 1),     # 7 days and 1 hour apart: too far to confirm
    ("9 8", 1),     # 8 days apart
]


@pytest.mark.parametrize(("second", "grade"), PERSISTENCE)
def test_grade_2_hypertension_needs_a_second_reading_24_hours_to_7_days_away(
    second: str, grade: int
) -> None:
    second_day, hour = second.split()
    obs = (f"1 systolic_bp 145\n1 diastolic_bp 70\n"
           f"{second_day} systolic_bp 145 hour={hour}\n{second_day} diastolic_bp 70 hour={hour}")
    assert _hypertension(obs, birth=ADULT, sex="F") == (grade, False)


def test_adult_bands_start_on_the_18th_birthday() -> None:
    """A girl born 1 March 2008 with 150/70 twice, two days apart, no height on record.

    Aged 17 (26 and 28 Feb 2026): the Fourth Report 99th percentile for a 17-year-old girl is at
    most 139 (95th height percentile), so 150 is > 99th + 5 at every height: grade 3.
    From her 18th birthday (1 and 3 March 2026): adult bands, 140-159 is grade 2 (persistent).
    """
    birth = _offset(date(2008, 3, 1))
    before = _offset(date(2026, 2, 26))
    on = _offset(date(2026, 3, 1))

    def readings(first: int) -> str:
        return "\n".join(f"{first + d} systolic_bp 150\n{first + d} diastolic_bp 70"
                         for d in (0, 2))

    assert _hypertension(readings(before), birth=birth, sex="F", start=before - 1) == (3, True)
    assert _hypertension(readings(on), birth=birth, sex="F", start=on - 1) == (2, False)


# A boy of 13 y 6 m, 142/60 twice two days apart. Fourth Report, boys 13 y, SBP 99th percentile:
# 128 at the 5th height percentile, 136 at the 90th, 137 at the 95th; 95th percentile 130 at the
# 95th height. With no height the lower grade is kept: at the 95th height 142 is not > 137 + 5,
# so grade 2 (>= 95th); at the 5th height it would be grade 3.
BOY_13 = -(13 * 365 + 182)
HEIGHTS = [
    ("", (2, True)),                  # no height: the lower grade, with a warning
    ("-363 height 175", (2, False)),  # 364 days before the first reading: used
    ("-364 height 175", (2, False)),  # exactly 365 days before: still used
    ("-365 height 175", (2, True)),   # 366 days before: too old, as if there were no height
]


@pytest.mark.parametrize(("height", "expected"), HEIGHTS)
def test_height_percentile_of_a_bp_reading(height: str, expected: tuple[int, bool]) -> None:
    """Day 0 is the treatment start; readings on days 1 and 3. 175 cm at 13 y 6 m is above the
    95th height percentile (CDC 2000), where the table stops: grade 2 (142 is not > 137 + 5)."""
    rows = "1 systolic_bp 142\n1 diastolic_bp 60\n3 systolic_bp 142\n3 diastolic_bp 60"
    obs = f"{height}\n{rows}" if height else rows
    assert _hypertension(obs, birth=BOY_13, sex="M") == expected


# Hypertension is treatment-emergent when it is worse than the last reading on or before the
# start day (day 0); with no reading by then, or a normal one, the baseline grade is 0. Adult
# 125/70 is grade 1 (120-139, F).
BASELINE = [
    ("", 1),                                         # no reading by the start: baseline 0
    ("0 systolic_bp 110\n0 diastolic_bp 70", 1),     # normal at the start: baseline 0
    ("0 systolic_bp 125\n0 diastolic_bp 70", None),  # grade 1 already at the start
]


@pytest.mark.parametrize(("at_start", "grade"), BASELINE)
def test_hypertension_baseline(at_start: str, grade: int | None) -> None:
    obs = f"{at_start}\n3 systolic_bp 125\n3 diastolic_bp 70"
    found = _hypertension(obs, birth=ADULT, sex="F")
    assert (None if found is None else found[0]) == grade


def test_lab_results_count_from_the_day_after_the_start() -> None:
    """Start day 0: Hb 7.5 at 08:00 then 11.0 at 20:00 after a transfusion (LLN 11.5): the start
    day is the baseline (grade 1), not an adverse event. Hb 7.5 on day 1 is anaemia grade 3
    (< 8.0 g/dL, F), dated day 1."""
    obs = ("0 hemoglobin 7.5 low=11.5\n0 hemoglobin 11.0 low=11.5 hour=20\n"
           "1 hemoglobin 7.5 low=11.5")
    events = grade_adverse_events(timeline(obs), day(0), day(30))
    assert [(e.term, e.grade, e.day) for e in events] == [("anemia", 3, day(1))]


# WHO haemoglobin cut-offs when the lab gives no lower limit (E5 [S]; 2024 edition): none under
# 6 months, 10.5 g/dL at 6-23 months, 11.0 at 24-59 months, 11.5 at 5-11 years, and from 15 years
# 13.0 for boys (12.0 at 12-14 years). WHO's groups are completed months and years, so the cut-off
# changes on the birthday itself: a girl born 2021-03-01 is 5 on 2026-03-01 although only 1,826
# days (4.9993 x 365.25) have passed. CTCAE v5.0 (F): anaemia grade 1 is Hb < LLN and >= 10 g/dL.
# Rows: (birth, reading, sex, Hb g/dL, anaemia grade of the event; None = no event).
WHO_BIRTHDAYS = [
    ("2021-03-01", "2026-02-28", "F", "11.2", None),  # 4 y 11 m: 11.2 >= 11.0
    ("2021-03-01", "2026-03-01", "F", "11.2", 1),     # fifth birthday: 11.2 < 11.5
    ("2021-03-01", "2026-03-02", "F", "11.2", 1),
    ("2025-09-01", "2026-02-28", "F", "10.2", None),  # 5 months: no cut-off, Hb >= 10 ungraded
    ("2025-09-01", "2026-03-01", "F", "10.2", 1),     # 6 months (181 days): 10.2 < 10.5
    ("2025-09-01", "2026-03-02", "F", "10.2", 1),
    ("2011-03-01", "2026-02-28", "M", "12.5", None),  # boy of 14: 12.5 >= 12.0
    ("2011-03-01", "2026-03-01", "M", "12.5", 1),     # fifteenth birthday: 12.5 < 13.0
    ("2011-03-01", "2026-03-02", "M", "12.5", 1),
]


@pytest.mark.parametrize(("born", "on", "sex", "hb", "grade"), WHO_BIRTHDAYS)
def test_who_anaemia_cut_off_changes_on_the_birthday(born: str, on: str, sex: str, hb: str,
                                                     grade: int | None) -> None:
    reading = _offset(date.fromisoformat(on))
    events = grade_adverse_events(
        timeline(f"{reading} hemoglobin {hb}", birth=_offset(date.fromisoformat(born)), sex=sex),
        day(0), day(90))
    assert [e.grade for e in events if e.term == "anemia"] == ([] if grade is None else [grade])


@pytest.mark.parametrize(("grade", "major"), [(2, False), (3, True), (4, True)])
def test_major_bleeding_is_haemorrhage_grade_3_or_more(grade: int, major: bool) -> None:
    found = major_bleeding(timeline(events=f"5 bleeding grade={grade}"), day(0), day(30))
    assert found.major is major
    assert found.first_date == (day(5) if major else None)
