"""Paediatric blood pressure: AAP 2017 stages and CTCAE v5.0 paediatric bands at each edge.

Sources:
- AAP 2017 (Flynn JT et al. Pediatrics 2017;140(3):e20171904; clinical-reference.md E4): from
  13 y, normal < 120/< 80, elevated 120-129/< 80, stage 1 130-139 or 80-89, stage 2 >= 140 or
  >= 90 [S]; 1 to < 13 y: elevated >= 90th percentile (or 120/80 if lower), stage 1 >= 95th (or
  130/80 if lower), stage 2 >= 95th + 12 mm Hg (or 140/90 if lower) [S]. SBP and DBP are staged
  separately and the higher stage taken.
- CTCAE v5.0 paediatric hypertension (clinical-reference.md F [S]): grade 1 > 90th percentile,
  grade 2 from the 95th, grade 3 > 5 mm Hg above the 99th; adolescents grade 1 from 120/80 and
  grade 2 at 130-139/80-89 even below the 95th. Percentiles from the 2004 Fourth Report tables.
- The tables cover ages 1-17 (completed years); under 1 year is "not assessable" (A7 [Design]),
  from 18 adult limits apply; height percentiles are clamped to the tabulated 5th-95th.
Table values quoted are those of the packaged tables (physiology/data/SOURCES.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from thrombo.physiology.blood_pressure import BpSource, bp_threshold, table_age
from thrombo.physiology.bp_staging import (
    UNVERIFIED_AAP_CHILD,
    aap_2017_stage,
    ctcae_pediatric_hypertension_bp_band,
)
from thrombo.physiology.plausibility import OutsideValidRangeError

# The AAP 2017 category names, as reported.
N, E, S1, S2 = "normal", "elevated", "stage-1", "stage-2"


def _stage(sbp: float, dbp: float, sex: str, age: float, height_pct: float) -> str:
    result = aap_2017_stage(sbp, dbp, sex, age, height_pct)
    assert result is not None
    return result.stage.label


def _sbp_then_dbp(by_sbp: Sequence[tuple[float, Any]], dbp: float,
                  by_dbp: Sequence[tuple[float, Any]], sbp: float) -> list[Any]:
    """((SBP, DBP), expected) cases: each systolic value with the fixed DBP, then each diastolic
    value with the fixed SBP, named `SBP x` / `DBP y`."""
    return ([pytest.param((value, dbp), want, id=f"SBP {value:g}") for value, want in by_sbp]
            + [pytest.param((sbp, value), want, id=f"DBP {value:g}") for value, want in by_dbp])


# From 13 y, the same limits for every child: SBP with DBP 60, DBP with SBP 100.
ADOLESCENT_SBP = [(119, N), (120, E), (129, E), (130, S1), (139, S1), (140, S2)]
ADOLESCENT_DBP = [(79, N), (80, S1), (89, S1), (90, S2)]


@pytest.mark.parametrize(("bp", "stage"), _sbp_then_dbp(ADOLESCENT_SBP, 60, ADOLESCENT_DBP, 100))
def test_aap_adolescent_by_systolic_and_diastolic(bp: tuple[float, float], stage: str) -> None:
    assert _stage(*bp, "F", 13.0, 50) == stage


# A boy of 10 at the 50th height percentile (AAP 2017 tables): 90th 112/74, 95th 116/77, so
# elevated from 112/74, stage 1 from 116/77, stage 2 from 128/89 (95th + 12; below 140/90).
CHILD_SBP = [(111, N), (112, E), (115, E), (116, S1), (127, S1), (128, S2)]
CHILD_DBP = [(73, N), (74, E), (76, E), (77, S1), (88, S1), (89, S2)]


@pytest.mark.parametrize(("bp", "stage"), _sbp_then_dbp(CHILD_SBP, 50, CHILD_DBP, 90))
def test_aap_child_by_systolic_and_diastolic(bp: tuple[float, float], stage: str) -> None:
    assert _stage(*bp, "M", 10.0, 50) == stage


# A tall boy of 12 (95th height percentile): 90th 122/76 and 95th 128/79 (AAP 2017), so the
# fixed limits are lower: elevated from SBP 120 (not 122), stage 2 from DBP 90 (not 79 + 12).
CAPPED = [((119, 50), N), ((120, 50), E), ((100, 89), S1), ((100, 90), S2)]


@pytest.mark.parametrize(("bp", "stage"), CAPPED)
def test_aap_child_fixed_limits_when_lower(bp: tuple[float, float], stage: str) -> None:
    assert _stage(*bp, "M", 12.0, 95) == stage


@pytest.mark.parametrize(("age", "child_rules"), [(12.99, True), (13.0, False)])
def test_aap_adolescent_limits_from_13(age: float, child_rules: bool) -> None:
    """The child bands (percentile tables, flagged unverified) stop at 13 years."""
    result = aap_2017_stage(100, 60, "F", age, 50)
    assert result is not None
    assert (UNVERIFIED_AAP_CHILD in result.warnings) is child_rules


# A girl of 10 at the 50th height percentile (Fourth Report): 90th 115/74, 95th 119/78,
# 99th 126/86, so grade 1 above 115/74, grade 2 from 119/78, grade 3 above 131/91.
CTCAE_SBP = [(115, 0), (115.5, 1), (118.9, 1), (119, 2), (131, 2), (131.1, 3)]
CTCAE_DBP = [(74, 0), (74.5, 1), (77.9, 1), (78, 2), (91, 2), (91.1, 3)]


@pytest.mark.parametrize(("bp", "grade"), _sbp_then_dbp(CTCAE_SBP, 50, CTCAE_DBP, 90))
def test_ctcae_paediatric_by_systolic_and_diastolic(bp: tuple[float, float], grade: int) -> None:
    assert ctcae_pediatric_hypertension_bp_band(*bp, "F", 10.0, 50) == grade


# A tall boy (95th height percentile). At 13 y (90th 126/79, 95th 130/83): 120/60 is below the
# 90th but grade 1 by the adolescent rule; 130 and DBP 80 are grade 2. At 12 y (90th 123/79)
# the adolescent rule does not apply. At 17 y (90th 136/84, 95th 140/89) 120-129 is grade 1 and
# 130 grade 2 by the adolescent rule alone.
ADOLESCENT_CTCAE = [
    (13.0, (119, 60), 0), (13.0, (120, 60), 1), (13.0, (129, 60), 1), (13.0, (130, 60), 2),
    (13.0, (110, 79), 0), (13.0, (110, 80), 2),
    (12.99, (120, 60), 0), (12.99, (110, 80), 1),
    (17.0, (119, 60), 0), (17.0, (120, 60), 1), (17.0, (129, 60), 1), (17.0, (130, 60), 2),
    (17.0, (131, 60), 2),
]


@pytest.mark.parametrize(("age", "bp", "grade"), ADOLESCENT_CTCAE)
def test_ctcae_adolescent_bands(age: float, bp: tuple[float, float], grade: int) -> None:
    assert ctcae_pediatric_hypertension_bp_band(*bp, "M", age, 95) == grade


TABLE_AGES = [(0.99, None), (1.0, 1), (12.99, 12), (17.99, 17)]


@pytest.mark.parametrize(("age", "table"), TABLE_AGES)
def test_tables_cover_ages_1_to_17(age: float, table: int | None) -> None:
    assert table_age(age) == table


@pytest.mark.parametrize("age", [18.0, 18.5])
def test_adult_ages_are_refused_by_the_paediatric_tables(age: float) -> None:
    with pytest.raises(OutsideValidRangeError):
        table_age(age)


def test_infants_are_not_assessable() -> None:
    assert ctcae_pediatric_hypertension_bp_band(130, 90, "F", 0.99, 50) is None
    assert aap_2017_stage(130, 90, "F", 0.99, 50) is None


# Height percentiles must lie strictly between 0 and 100; outside the tabulated 5th-95th they take
# the edge column.
@pytest.mark.parametrize(("height_pct", "same_as"), [(0.5, 5.0), (99.5, 95.0)])
def test_height_percentiles_outside_the_table_take_its_edge(height_pct: float,
                                                           same_as: float) -> None:
    assert bp_threshold("F", 10.0, height_pct, 95) == bp_threshold("F", 10.0, same_as, 95)


@pytest.mark.parametrize("height_pct", [0.0, 100.0])
def test_height_percentile_0_or_100_is_refused(height_pct: float) -> None:
    with pytest.raises(OutsideValidRangeError):
        bp_threshold("F", 10.0, height_pct, 95, BpSource.FOURTH_REPORT_2004)
