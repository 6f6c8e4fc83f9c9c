"""Physiology limits at the value, just below and just above (issue 25).

Sources: thrombo.physiology.plausibility ([Design] plausibility limits, stated in its docstring);
the 2004 Fourth Report blood-pressure tables, ages 1-17 (clinical-reference.md E4/A7); AAP 2017
adolescent cut-offs from 13 years (E4); CTCAE v5.0 paediatric hypertension (F: grade 1 above
the 90th percentile, grade 2 from the 95th, grade 3 more than 5 mm Hg above the 99th); WHO
haemoglobin cut-offs (E5 [S], 2024 edition); indicative paediatric LDH limits (E5 [S-2nd]).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from thrombo.errors import ThromboUserError
from thrombo.physiology import plausibility as limits
from thrombo.physiology.age import ChildAge
from thrombo.physiology.blood_pressure import table_age
from thrombo.physiology.bp_staging import (
    AapStage,
    aap_2017_stage,
    ctcae_pediatric_hypertension_bp_band,
)
from thrombo.physiology.plausibility import OutsideValidRangeError
from thrombo.physiology.reference_ranges import (
    indicative_ldh_uln,
    who_anemia_cutoff_g_dl,
)

OK, REFUSED = "accepted", "refused"

# Each check: the values it refuses and the values it accepts, at and just beyond its limits.
PLAUSIBILITY_LIMITS: dict[Callable[[float], float], tuple[tuple[float, ...], tuple[float, ...]]] = {
    limits.check_weight_kg: ((0.0, 250.01), (0.01, 250.0)),
    limits.check_height_cm: ((30.0, 250.01), (30.01, 250.0)),
    limits.check_age_years: ((-0.01, 30.01), (0.0, 30.0)),
    limits.check_creatinine_mg_dl: ((0.0, 20.01), (20.0,)),
    limits.check_cystatin_c_mg_l: ((10.01,), (10.0,)),
    limits.check_hemoglobin_g_dl: ((25.01,), (25.0,)),
}
PLAUSIBILITY: list[tuple[Callable[[float], float], float, str]] = sorted(
    [(check, value, REFUSED) for check, (refused, _) in PLAUSIBILITY_LIMITS.items()
     for value in refused]
    + [(check, value, OK) for check, (_, accepted) in PLAUSIBILITY_LIMITS.items()
       for value in accepted],
    key=lambda case: (list(PLAUSIBILITY_LIMITS).index(case[0]), case[1]))


@pytest.mark.parametrize(("check", "value", "expected"), PLAUSIBILITY,
                         ids=[f"{c.__name__}-{v:g}" for c, v, _ in PLAUSIBILITY])
def test_plausibility_limits(check: Callable[[float], float], value: float,
                             expected: str) -> None:
    if expected == OK:
        assert check(value) == value
    else:
        with pytest.raises(ThromboUserError):
            check(value)


@pytest.mark.parametrize(("age", "expected"), [
    (0.99, None),   # under 1 year: not assessable
    (1.0, 1),
    (17.99, 17),
])
def test_bp_tables_cover_completed_years_1_to_17(age: float, expected: int | None) -> None:
    assert table_age(age) == expected


def test_bp_tables_refuse_18_years() -> None:
    with pytest.raises(OutsideValidRangeError):
        table_age(18.0)


@pytest.mark.parametrize(("sbp", "dbp", "expected"), [
    (119, 60, AapStage.NORMAL), (120, 60, AapStage.ELEVATED), (121, 60, AapStage.ELEVATED),
    (129, 60, AapStage.ELEVATED), (130, 60, AapStage.STAGE_1),
    (139, 60, AapStage.STAGE_1), (140, 60, AapStage.STAGE_2),
    (110, 79, AapStage.NORMAL), (110, 80, AapStage.STAGE_1),
    (110, 89, AapStage.STAGE_1), (110, 90, AapStage.STAGE_2),
])
def test_aap_2017_adolescent_cut_offs_from_13_years(sbp: int, dbp: int,
                                                    expected: AapStage) -> None:
    """From 13 y: elevated 120-129/< 80, stage 1 130-139 or 80-89, stage 2 >= 140/90."""
    found = aap_2017_stage(sbp, dbp, "F", 13.0, 50)
    assert found is not None and found.stage is expected


@pytest.mark.parametrize(("sbp", "expected"), [
    (113, 0), (114, 1),   # grade 1: above the 90th percentile, 113
    (116, 1), (117, 2),   # grade 2: from the 95th percentile, 117
    (129, 2), (130, 3),   # grade 3: more than 5 above the 99th percentile, 124 + 5
])
def test_ctcae_paediatric_hypertension_bands(sbp: int, expected: int) -> None:
    """Girl of 9, 50th height percentile: 90th/95th/99th SBP 113/117/124 (Fourth Report)."""
    assert ctcae_pediatric_hypertension_bp_band(sbp, 50, "F", 9.5, 50) == expected


@pytest.mark.parametrize(("years", "sex", "expected"), [
    (0.49, "F", None),                       # WHO gives no cut-off under 6 months
    (0.5, "F", 10.5), (1.99, "F", 10.5),     # 6-23 months: 10.5 g/dL (2024)
    (2.0, "F", 11.0), (4.99, "F", 11.0),     # 24-59 months
    (5.0, "F", 11.5), (11.99, "F", 11.5),    # 5-11 years
    (12.0, "F", 12.0), (14.99, "M", 12.0),   # 12-14 years
    (15.0, "M", 13.0), (15.0, "F", 12.0),    # from 15: men 13, women 12
])
def test_who_haemoglobin_cut_offs_by_age(years: float, sex: str,
                                         expected: float | None) -> None:
    found = who_anemia_cutoff_g_dl(years, sex)
    assert (None if found is None else found.value) == expected


@pytest.mark.parametrize(("on", "sex", "expected"), [
    # born 2016-06-01: day 14 and day 15 of life, then the eve of and the 1st, 10th, 15th and
    # 19th birthdays (completed years: the band turns on the birthday)
    (date(2016, 6, 15), "F", 1222.0), (date(2016, 6, 16), "F", 452.0),
    (date(2017, 5, 31), "F", 452.0), (date(2017, 6, 1), "F", 321.0),
    (date(2026, 5, 31), "F", 321.0), (date(2026, 6, 1), "F", 272.0),
    (date(2026, 6, 1), "M", 283.0),
    (date(2031, 5, 31), "F", 272.0), (date(2031, 6, 1), "F", 250.0),
    (date(2035, 5, 31), "F", 250.0), (date(2035, 6, 1), "F", None),
])
def test_indicative_ldh_upper_limits_by_age(on: date, sex: str,
                                            expected: float | None) -> None:
    found = indicative_ldh_uln(ChildAge.on(date(2016, 6, 1), on), sex)
    assert (None if found is None else found.value) == expected
