"""Fallback reference limits by age (used when a result arrives without the laboratory's range).

Sources (clinical-reference.md E5):
- WHO haemoglobin cut-offs [S] (Hb below the value = anaemia), g/dL. WHO 2011: 6-59 months 11.0;
  5-11 y 11.5; 12-14 y 12.0; non-pregnant women from 15 y 12.0; men from 15 y 13.0. WHO 2024: the
  same except 6-23 months 10.5 and 24-59 months 11.0. None under 6 months.
- Platelets 150-450 x 10^9/L beyond the neonatal period [S-2nd].
- Paediatric LDH upper limits [S-2nd] (one laboratory's published intervals, LD lactate->pyruvate):
  0-14 days 1222 U/L; 15 days to < 1 y 452; 1-9 y 321; 10-14 y boys 283, girls 272; 15-18 y 250.
  None from 19 years, and none at 10-14 y when sex is unknown (the limits differ by sex there).
WHO ages here are decimal years (days / 365.25); 0.5 y = 6 months, 2.0 y = 24 months, and so on.
The LDH bands are read as a clinician states an age: "0-14 days" by days of life, the year bands
by completed years, so a band turns on the birthday itself (a boy born 2016-06-01 is in the
10-14 y band from 2026-06-01, although 3652 days / 365.25 reads 9.9986 years).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from thrombo.physiology.age import ChildAge
from thrombo.physiology.reference_ranges import (
    WhoEdition,
    indicative_ldh_uln,
    platelet_reference_range,
    who_anemia_cutoff_g_dl,
)

# (age in years, sex, WHO 2011 cut-off, WHO 2024 cut-off)
WHO = [
    (0.49, "F", None, None),
    (0.5, "F", 11.0, 10.5), (1.99, "M", 11.0, 10.5),
    (2.0, "M", 11.0, 11.0), (4.99, "F", 11.0, 11.0),
    (5.0, "F", 11.5, 11.5), (11.99, "M", 11.5, 11.5),
    (12.0, "M", 12.0, 12.0), (14.99, "M", 12.0, 12.0), (14.99, "F", 12.0, 12.0),
    (15.0, "M", 13.0, 13.0), (15.0, "F", 12.0, 12.0),
    (29.0, "M", 13.0, 13.0), (29.0, "F", 12.0, 12.0),
]


@pytest.mark.parametrize(("age", "sex", "who_2011", "who_2024"), WHO)
def test_who_anaemia_cutoffs(age: float, sex: str, who_2011: float | None,
                             who_2024: float | None) -> None:
    for edition, expected in ((WhoEdition.WHO_2011, who_2011), (WhoEdition.WHO_2024, who_2024)):
        found = who_anemia_cutoff_g_dl(age, sex, edition)
        assert (None if found is None else found.value) == expected


def test_who_2024_is_the_default_edition() -> None:
    found = who_anemia_cutoff_g_dl(1.0, "F")
    assert found is not None and found.value == 10.5


def test_platelet_reference_range() -> None:
    low, high = platelet_reference_range()
    assert (low.value, high.value) == (150.0, 450.0)


BORN = date(2016, 6, 1)

# (day of interest, sex, ULN in U/L or None) for a child born 2016-06-01: each band edge the day
# before and the day of, for boys, girls and sex unknown (U).
LDH = [
    (date(2016, 6, 1), "U", 1222.0), (date(2016, 6, 15), "F", 1222.0),  # days 0 and 14
    (date(2016, 6, 16), "M", 452.0), (date(2017, 5, 31), "U", 452.0),   # day 15; eve of 1 y
    (date(2017, 6, 1), "F", 321.0),                                      # 1st birthday
    (date(2026, 5, 31), "M", 321.0), (date(2026, 5, 31), "F", 321.0),
    (date(2026, 5, 31), "U", 321.0),
    (date(2026, 6, 1), "M", 283.0), (date(2026, 6, 1), "F", 272.0), (date(2026, 6, 1), "U", None),
    (date(2031, 5, 31), "M", 283.0), (date(2031, 5, 31), "F", 272.0),
    (date(2031, 5, 31), "U", None),
    (date(2031, 6, 1), "M", 250.0), (date(2031, 6, 1), "F", 250.0), (date(2031, 6, 1), "U", 250.0),
    (date(2035, 5, 31), "F", 250.0), (date(2035, 6, 1), "M", None), (date(2035, 6, 1), "U", None),
]


@pytest.mark.parametrize(("on", "sex", "uln"), LDH)
def test_ldh_upper_limit_at_each_age_and_sex_band_edge(on: date, sex: str,
                                                       uln: float | None) -> None:
    found = indicative_ldh_uln(ChildAge.on(BORN, on), sex)
    assert (None if found is None else found.value) == uln
    if found is not None:  # a published, assay-specific interval: always with its warning
        assert "assay-specific" in found.warnings[0]


def test_ldh_band_edges_are_the_birthdays() -> None:
    """1, 10 and 15 years: the day before the birthday is in the band below, the birthday in
    the band above; from the 19th birthday there is no limit."""
    for years, below, at in ((1, 452.0, 321.0), (10, 321.0, 283.0), (15, 283.0, 250.0)):
        birthday = BORN.replace(year=BORN.year + years)
        before = indicative_ldh_uln(ChildAge.on(BORN, birthday - timedelta(days=1)), "M")
        on = indicative_ldh_uln(ChildAge.on(BORN, birthday), "M")
        assert (before and before.value, on and on.value) == (below, at)
    assert indicative_ldh_uln(ChildAge.on(BORN, date(2035, 6, 1)), "M") is None
