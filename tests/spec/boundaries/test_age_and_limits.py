"""Age arithmetic and the plausibility limits, at, below and above each edge.

Sources: ages in decimal years are days / 365.25, as the CKiD and CDC tables use them
(clinical-reference.md E2 "use age in decimal years"; thrombo.physiology.age); completed years
turn on the birthday. The plausibility limits are the project's [Design] choices, documented in
thrombo/physiology/plausibility.py (issue 4: "an age over 30" is refused): a value must lie
above the lower limit and up to the upper one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from thrombo.errors import ImplausibleValueError
from thrombo.physiology import plausibility as limits
from thrombo.physiology.age import (
    age_in_days,
    age_in_months,
    age_in_years,
    completed_months,
    completed_years,
)

BIRTH = date(2016, 6, 15)

# (date, completed years): the age turns on the birthday itself, not the day after.
COMPLETED = [
    (date(2016, 6, 15), 0),
    (date(2017, 6, 14), 0), (date(2017, 6, 15), 1), (date(2017, 6, 16), 1),
    (date(2026, 6, 14), 9), (date(2026, 6, 15), 10), (date(2026, 6, 16), 10),
    (date(2026, 5, 31), 9), (date(2026, 7, 1), 10),
]


@pytest.mark.parametrize(("on", "years"), COMPLETED)
def test_completed_years_turn_on_the_birthday(on: date, years: int) -> None:
    assert completed_years(BIRTH, on) == years


# (date, completed months) for a child born on 15 June 2016: a month completes on the 15th. A
# child born on the 31st completes a 30-day month on the 1st (as Feb 29 birthdays: on 1 March).
COMPLETED_MONTHS = [
    (BIRTH, date(2016, 7, 14), 0), (BIRTH, date(2016, 7, 15), 1),
    (BIRTH, date(2016, 12, 14), 5), (BIRTH, date(2016, 12, 15), 6), (BIRTH, date(2016, 12, 16), 6),
    (BIRTH, date(2021, 6, 14), 59), (BIRTH, date(2021, 6, 15), 60),
    (date(2026, 1, 31), date(2026, 4, 30), 2), (date(2026, 1, 31), date(2026, 5, 1), 3),
]


@pytest.mark.parametrize(("born", "on", "months"), COMPLETED_MONTHS)
def test_completed_months_turn_on_the_day_of_the_month(born: date, on: date, months: int) -> None:
    assert completed_months(born, on) == months


# (days after birth, decimal years, decimal months): 1461 days = 4 x 365.25 = 4.0 years = 48 months.
DECIMAL = [
    (0, 0.0, 0.0),
    (1461, 4.0, 48.0),
    (1461 * 3, 12.0, 144.0),
    (365, 365 / 365.25, 365 / 365.25 * 12),
]


@pytest.mark.parametrize(("days", "years", "months"), DECIMAL)
def test_decimal_age_is_days_over_365_25(days: int, years: float, months: float) -> None:
    on = BIRTH + timedelta(days=days)
    assert age_in_days(BIRTH, on) == days
    assert age_in_years(BIRTH, on) == pytest.approx(years, abs=1e-12)
    assert age_in_months(BIRTH, on) == pytest.approx(months, abs=1e-12)


def test_the_day_before_birth_is_refused_and_the_birthday_is_day_0() -> None:
    assert age_in_days(BIRTH, BIRTH) == 0
    with pytest.raises(ImplausibleValueError):
        age_in_days(BIRTH, BIRTH - timedelta(days=1))


Check = Callable[[float | None], float]
# (check, value, accepted): the lower limit itself is refused, the upper one accepted.
LIMITS: list[tuple[Check, float, bool]] = [
    # weight: above 0, up to 250 kg
    (limits.check_weight_kg, -0.5, False), (limits.check_weight_kg, 0.0, False),
    (limits.check_weight_kg, 0.5, True), (limits.check_weight_kg, 249.5, True),
    (limits.check_weight_kg, 250.0, True), (limits.check_weight_kg, 250.5, False),
    # height: above 30, up to 250 cm
    (limits.check_height_cm, 29.5, False), (limits.check_height_cm, 30.0, False),
    (limits.check_height_cm, 30.5, True), (limits.check_height_cm, 249.5, True),
    (limits.check_height_cm, 250.0, True), (limits.check_height_cm, 250.5, False),
    # age: 0 to 30 years, both ends accepted
    (limits.check_age_years, -0.5, False), (limits.check_age_years, 0.0, True),
    (limits.check_age_years, 0.5, True), (limits.check_age_years, 29.5, True),
    (limits.check_age_years, 30.0, True), (limits.check_age_years, 30.5, False),
    # serum creatinine: above 0, up to 20 mg/dL
    (limits.check_creatinine_mg_dl, 0.0, False), (limits.check_creatinine_mg_dl, 0.5, True),
    (limits.check_creatinine_mg_dl, 19.5, True), (limits.check_creatinine_mg_dl, 20.0, True),
    (limits.check_creatinine_mg_dl, 20.5, False),
    # cystatin C: above 0, up to 10 mg/L
    (limits.check_cystatin_c_mg_l, 0.0, False), (limits.check_cystatin_c_mg_l, 0.5, True),
    (limits.check_cystatin_c_mg_l, 9.5, True), (limits.check_cystatin_c_mg_l, 10.0, True),
    (limits.check_cystatin_c_mg_l, 10.5, False),
    # haemoglobin: above 0, up to 25 g/dL
    (limits.check_hemoglobin_g_dl, 0.0, False), (limits.check_hemoglobin_g_dl, 0.5, True),
    (limits.check_hemoglobin_g_dl, 24.5, True), (limits.check_hemoglobin_g_dl, 25.0, True),
    (limits.check_hemoglobin_g_dl, 25.5, False),
]


@pytest.mark.parametrize(("check", "value", "accepted"), LIMITS,
                         ids=[f"{c.__name__}-{v:g}" for c, v, _ in LIMITS])
def test_plausibility_limits(check: Check, value: float, accepted: bool) -> None:
    if accepted:
        assert check(value) == value
    else:
        with pytest.raises(ImplausibleValueError):
            check(value)
