"""Fallback reference limits by age (used when a result arrives without the laboratory's range).

Sources (clinical-reference.md E5):
- WHO haemoglobin cut-offs [S] (Hb below the value = anaemia), g/dL. WHO 2011: 6-59 months 11.0;
  5-11 y 11.5; 12-14 y 12.0; non-pregnant women from 15 y 12.0; men from 15 y 13.0. WHO 2024: the
  same except 6-23 months 10.5 and 24-59 months 11.0. None under 6 months.
- Platelets 150-450 x 10^9/L beyond the neonatal period [S-2nd].
- Paediatric LDH: partitions 0-14 days, 15 days to < 1 y, 1-9 y, 10-14 y, 15-18 y [S-2nd]; the
  upper limits coded are indicative (flagged unverified), so only where a partition starts and
  the 15-18 y limit (250 U/L, as in the reference) are pinned here.
Ages are decimal years (days / 365.25); 0.5 y = 6 months, 2.0 y = 24 months, and so on.
"""

from __future__ import annotations

import pytest

from thrombo.physiology.reference_ranges import (
    DAYS_PER_YEAR,
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


# (age in days at which a partition starts, the day before it)
LDH_PARTITIONS = [
    (15.0, 14.9),
    (DAYS_PER_YEAR, DAYS_PER_YEAR - 0.1),
    (10 * DAYS_PER_YEAR, 10 * DAYS_PER_YEAR - 0.1),
    (15 * DAYS_PER_YEAR, 15 * DAYS_PER_YEAR - 0.1),
]


@pytest.mark.parametrize(("starts", "before"), LDH_PARTITIONS)
def test_ldh_partitions_start_where_the_reference_starts_them(starts: float,
                                                               before: float) -> None:
    at, just_before = indicative_ldh_uln(starts), indicative_ldh_uln(before)
    assert at is not None and just_before is not None
    assert at.value != just_before.value
    assert indicative_ldh_uln(starts + 0.1) == at


@pytest.mark.parametrize(("age_days", "uln"), [
    (0.0, "neonatal"), (15 * DAYS_PER_YEAR, 250.0), (19 * DAYS_PER_YEAR - 0.1, 250.0),
    (19 * DAYS_PER_YEAR, None),
])
def test_ldh_first_and_last_partitions(age_days: float, uln: float | str | None) -> None:
    """Day 0 lies in the first (neonatal) partition; 15-18 y is 250 U/L; none from 19 y."""
    found = indicative_ldh_uln(age_days)
    if uln is None:
        assert found is None
    elif uln == "neonatal":
        assert found is not None and found == indicative_ldh_uln(14.9)
    else:
        assert found is not None and found.value == uln
