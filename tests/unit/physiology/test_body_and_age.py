"""Age arithmetic, BSA formulas and plausibility limits (clinical-reference.md E1)."""

from datetime import date

import pytest

from thrombo.errors import ImplausibleValueError, MissingInputError
from thrombo.physiology.age import age_in_days, age_in_months, age_in_years, completed_years
from thrombo.physiology.body import (
    UNVERIFIED_COSTEFF,
    BsaFormula,
    body_surface_area,
    bsa_costeff_m2,
    bsa_du_bois_m2,
    bsa_gehan_george_m2,
    bsa_haycock_m2,
    bsa_mosteller_m2,
)


def test_completed_years_turn_on_the_birthday() -> None:
    assert completed_years(date(2015, 6, 15), date(2025, 6, 14)) == 9
    assert completed_years(date(2015, 6, 15), date(2025, 6, 15)) == 10


def test_leap_day_birthday_counts_on_first_of_march() -> None:
    assert completed_years(date(2016, 2, 29), date(2025, 2, 28)) == 8
    assert completed_years(date(2016, 2, 29), date(2025, 3, 1)) == 9


def test_decimal_age_is_days_over_365_25() -> None:
    assert age_in_days(date(2020, 1, 1), date(2021, 1, 1)) == 366
    assert age_in_years(date(2020, 1, 1), date(2021, 1, 1)) == pytest.approx(366 / 365.25)
    assert age_in_months(date(2020, 1, 1), date(2021, 1, 1)) == pytest.approx(366 / 30.4375)


def test_date_before_birth_is_refused() -> None:
    with pytest.raises(ImplausibleValueError, match="before birth"):
        age_in_days(date(2020, 1, 2), date(2020, 1, 1))


def test_mosteller_hand_checked() -> None:
    """Mosteller: sqrt(110 cm x 18.4 kg / 3600) = sqrt(0.56222) = 0.7498 m2 (E1)."""
    assert bsa_mosteller_m2(18.4, 110) == pytest.approx(0.74981, abs=1e-5)
    # 1.73 m2 is the classic adult reference: 170 cm, 63.4 kg -> sqrt(2.994) = 1.7303.
    assert bsa_mosteller_m2(63.4, 170) == pytest.approx(1.7303, abs=1e-4)


def test_other_formulas_hand_checked() -> None:
    """E1 equations by hand (log tables) for 20 kg, 115 cm.

    Du Bois: 20^0.425 = 3.5721, 115^0.725 = 31.191 -> 0.007184 x 111.42 = 0.8004.
    Haycock: 20^0.5378 = 5.0083, 115^0.3964 = 6.5596 -> 0.024265 x 32.852 = 0.7972.
    Gehan-George: 20^0.51456 = 4.6713, 115^0.42246 = 7.4230 -> 0.0235 x 34.675 = 0.8149.
    """
    assert bsa_du_bois_m2(20, 115) == pytest.approx(0.8004, abs=2e-4)
    assert bsa_haycock_m2(20, 115) == pytest.approx(0.7972, abs=2e-4)
    assert bsa_gehan_george_m2(20, 115) == pytest.approx(0.8149, abs=2e-4)
    # Costeff: (4 x 20 + 7) / (20 + 90) = 87 / 110 = 0.7909.
    assert bsa_costeff_m2(20) == pytest.approx(87 / 110)


def test_formulas_agree_within_ten_percent_for_a_school_child() -> None:
    values = [body_surface_area(30, 135, f).value_m2 for f in BsaFormula]
    assert max(values) / min(values) < 1.10


def test_costeff_carries_unverified_warning_and_mosteller_does_not() -> None:
    assert body_surface_area(8, None, BsaFormula.COSTEFF).warnings == (UNVERIFIED_COSTEFF,)
    assert "from memory, unverified" in UNVERIFIED_COSTEFF
    assert body_surface_area(8, 70).warnings == ()


@pytest.mark.parametrize(
    ("weight_kg", "height_cm"),
    [(500, 150), (0, 100), (-3, 100), (20, 2000), (20, 25), (float("nan"), 100)],
)
def test_implausible_body_sizes_are_refused(weight_kg: float, height_cm: float) -> None:
    with pytest.raises(ImplausibleValueError):
        body_surface_area(weight_kg, height_cm)


def test_missing_height_is_a_missing_input_for_two_variable_formulas() -> None:
    with pytest.raises(MissingInputError, match="height_cm"):
        body_surface_area(20, None)
