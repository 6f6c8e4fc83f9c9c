"""CDC 2000 height percentiles and fallback reference ranges (clinical-reference.md E4, E5)."""

import math
from datetime import date

import pytest

from thrombo.physiology.age import ChildAge
from thrombo.physiology.growth import Lms, height_percentile, height_z_score, lms_at, lms_z_score
from thrombo.physiology.plausibility import OutsideValidRangeError
from thrombo.physiology.reference_ranges import (
    WhoEdition,
    indicative_ldh_uln,
    platelet_reference_range,
    who_anemia_cutoff_g_dl,
)


def test_tabulated_percentiles_are_recovered() -> None:
    """CDC 2000 stature-for-age, boys 24 months: P50 86.452, P95 92.197, P5 80.730 cm."""
    assert height_percentile(86.45220101, 24, "M") == pytest.approx(50.0, abs=1e-6)
    assert height_percentile(92.19687928, 24, "M") == pytest.approx(95.0, abs=0.01)
    assert height_percentile(80.72977321, 24, "M") == pytest.approx(5.0, abs=0.01)


def test_infant_length_table_used_below_24_months() -> None:
    """CDC 2000 length-for-age, girls birth: M = 49.286 cm, so that length is the 50th."""
    assert height_percentile(49.28639612, 0, "F") == pytest.approx(50.0, abs=1e-6)


def test_ages_between_rows_are_interpolated() -> None:
    """Girls 24.0 and 24.5 months: M 84.9756 and 85.3973 -> 85.1865 at 24.25 months."""
    assert lms_at(24.25, "F").m == pytest.approx((84.97555512 + 85.3973169) / 2)


def test_lms_zero_power_uses_log_form() -> None:
    assert lms_z_score(110, Lms(0.0, 100.0, 0.05)) == pytest.approx(math.log(1.1) / 0.05)


def test_taller_child_has_higher_z() -> None:
    assert height_z_score(140, 120, "F") > height_z_score(135, 120, "F")


def test_age_outside_tables_refused() -> None:
    with pytest.raises(OutsideValidRangeError):
        height_percentile(180, 241, "M")


@pytest.mark.parametrize(
    ("age_years", "sex", "edition", "cutoff"),
    [
        (1.0, "F", WhoEdition.WHO_2011, 11.0),
        (1.0, "F", WhoEdition.WHO_2024, 10.5),
        (3.0, "M", WhoEdition.WHO_2024, 11.0),
        (8.0, "M", WhoEdition.WHO_2011, 11.5),
        (13.0, "F", WhoEdition.WHO_2011, 12.0),
        (16.0, "F", WhoEdition.WHO_2024, 12.0),
        (16.0, "M", WhoEdition.WHO_2024, 13.0),
    ],
)
def test_who_anemia_cutoffs(age_years: float, sex: str, edition: WhoEdition, cutoff: float) -> None:
    """WHO 2011 (WHO/NMH/NHD/MNM/11.1) and 2024 guideline cut-offs, clinical reference E5."""
    result = who_anemia_cutoff_g_dl(age_years, sex, edition)
    assert result is not None
    assert result.value == cutoff


def test_no_who_cutoff_under_six_months() -> None:
    assert who_anemia_cutoff_g_dl(0.3, "M") is None


def test_ldh_uln_is_indicative_and_warns() -> None:
    """E5 [S-2nd] indicative ULNs: 1-9 y 321 U/L; 10-14 y boys 283, girls 272 U/L."""
    born = date(2010, 3, 1)
    five_years = indicative_ldh_uln(ChildAge.on(born, date(2015, 3, 1)), "U")
    assert five_years is not None
    assert five_years.value == 321
    assert "primary source unverified" in five_years.warnings[0]
    twelve = indicative_ldh_uln(ChildAge.on(born, date(2022, 3, 1)), "M")
    assert twelve is not None
    assert twelve.value == 283
    assert indicative_ldh_uln(ChildAge.on(born, date(2030, 3, 1)), "F") is None


def test_platelet_range_warns() -> None:
    low, high = platelet_reference_range()
    assert (low.value, high.value) == (150, 450)
    assert "unverified" in low.warnings[0]
