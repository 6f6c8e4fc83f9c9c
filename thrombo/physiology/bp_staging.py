"""AAP 2017 blood-pressure stages and CTCAE v5 paediatric hypertension bands.

Both classify SBP and DBP separately and take the higher category (clinical-reference.md E4
[S-2nd]). Infants under 1 year are not assessable: the functions return None.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from thrombo.physiology.blood_pressure import BpSource, bp_threshold, table_age
from thrombo.physiology.plausibility import check_age_years

# E4 AAP 2017 (Flynn JT et al. Pediatrics 2017;140(3):e20171904): from 13 y adult-aligned
# thresholds [S]; the 1 to < 13 y band rules are from memory, unverified.
AAP_ADOLESCENT_FROM_YEARS = 13.0
AAP_ELEVATED_SBP_MMHG = 120.0
AAP_STAGE1_SBP_MMHG = 130.0
AAP_STAGE1_DBP_MMHG = 80.0
AAP_STAGE2_SBP_MMHG = 140.0
AAP_STAGE2_DBP_MMHG = 90.0
AAP_STAGE2_MARGIN_MMHG = 12.0
UNVERIFIED_AAP_CHILD = (
    "AAP 2017 stage bands for ages 1 to < 13 y are from memory, unverified (clinical reference E4)"
)

# F [S] CTCAE v5.0 paediatric hypertension: grade 3 is > 5 mm Hg above the 99th percentile
# (2004 Fourth Report tables, design.md); grade 1 from > 90th, grade 2 from the 95th.
CTCAE_GRADE3_MARGIN_MMHG = 5.0
# F [S]: adolescents are grade 1 from 120/80 and grade 2 at 130-139/80-89 even below the 95th.
CTCAE_ADOLESCENT_G1_SBP_MMHG = 120.0
CTCAE_ADOLESCENT_G2_SBP_MMHG = 130.0
CTCAE_ADOLESCENT_G2_DBP_MMHG = 80.0
# [Design] CTCAE does not define "adolescent"; thrombo uses the AAP 2017 boundary of 13 years.
CTCAE_ADOLESCENT_FROM_YEARS = AAP_ADOLESCENT_FROM_YEARS


class AapStage(IntEnum):
    NORMAL = 0
    ELEVATED = 1
    STAGE_1 = 2
    STAGE_2 = 3

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class AapClassification:
    stage: AapStage
    warnings: tuple[str, ...] = ()


def _band(value: float, elevated: float, stage1: float, stage2: float) -> AapStage:
    if value >= stage2:
        return AapStage.STAGE_2
    if value >= stage1:
        return AapStage.STAGE_1
    if value >= elevated:
        return AapStage.ELEVATED
    return AapStage.NORMAL


def aap_2017_stage(
    sbp_mmhg: float, dbp_mmhg: float, sex: str, age_years: float, height_percentile: float
) -> AapClassification | None:
    """AAP 2017 category; None under 1 year (not assessable)."""
    age = check_age_years(age_years)
    if age >= AAP_ADOLESCENT_FROM_YEARS:
        by_sbp = _band(sbp_mmhg, AAP_ELEVATED_SBP_MMHG, AAP_STAGE1_SBP_MMHG, AAP_STAGE2_SBP_MMHG)
        # DBP has no "elevated" band from 13 y: 80-89 is stage 1.
        by_dbp = _band(dbp_mmhg, AAP_STAGE1_DBP_MMHG, AAP_STAGE1_DBP_MMHG, AAP_STAGE2_DBP_MMHG)
        return AapClassification(max(by_sbp, by_dbp))
    p90 = bp_threshold(sex, age, height_percentile, 90, BpSource.AAP_2017)
    p95 = bp_threshold(sex, age, height_percentile, 95, BpSource.AAP_2017)
    if p90 is None or p95 is None:
        return None
    by_sbp = _band(
        sbp_mmhg,
        min(p90.sbp_mmhg, AAP_ELEVATED_SBP_MMHG),
        min(p95.sbp_mmhg, AAP_STAGE1_SBP_MMHG),
        min(p95.sbp_mmhg + AAP_STAGE2_MARGIN_MMHG, AAP_STAGE2_SBP_MMHG),
    )
    by_dbp = _band(
        dbp_mmhg,
        min(p90.dbp_mmhg, AAP_STAGE1_DBP_MMHG),
        min(p95.dbp_mmhg, AAP_STAGE1_DBP_MMHG),
        min(p95.dbp_mmhg + AAP_STAGE2_MARGIN_MMHG, AAP_STAGE2_DBP_MMHG),
    )
    return AapClassification(max(by_sbp, by_dbp), (UNVERIFIED_AAP_CHILD,))


@dataclass(frozen=True, slots=True)
class CtcaeHypertensionThresholds:
    """Lower edges of the CTCAE v5 paediatric hypertension BP bands (Fourth Report tables)."""

    grade1_above_mmhg: tuple[float, float]  # > 90th percentile (SBP, DBP)
    grade2_from_mmhg: tuple[float, float]  # >= 95th percentile
    grade3_above_mmhg: tuple[float, float]  # > 99th percentile + 5 mm Hg


def ctcae_hypertension_thresholds(
    sex: str, age_years: float, height_percentile: float
) -> CtcaeHypertensionThresholds | None:
    """Band edges for one child; None under 1 year (not assessable)."""
    if table_age(age_years) is None:
        return None
    p90, p95, p99 = (bp_threshold(sex, age_years, height_percentile, p) for p in (90, 95, 99))
    assert p90 is not None and p95 is not None and p99 is not None
    return CtcaeHypertensionThresholds(
        (p90.sbp_mmhg, p90.dbp_mmhg),
        (p95.sbp_mmhg, p95.dbp_mmhg),
        (p99.sbp_mmhg + CTCAE_GRADE3_MARGIN_MMHG, p99.dbp_mmhg + CTCAE_GRADE3_MARGIN_MMHG),
    )


def _percentile_grade(value: float, g1: float, g2: float, g3: float) -> int:
    if value > g3:
        return 3
    if value >= g2:
        return 2
    if value > g1:
        return 1
    return 0


def _adolescent_grade(sbp_mmhg: float, dbp_mmhg: float) -> int:
    if sbp_mmhg >= CTCAE_ADOLESCENT_G2_SBP_MMHG or dbp_mmhg >= CTCAE_ADOLESCENT_G2_DBP_MMHG:
        return 2
    return 1 if sbp_mmhg >= CTCAE_ADOLESCENT_G1_SBP_MMHG else 0


def ctcae_pediatric_hypertension_bp_band(
    sbp_mmhg: float, dbp_mmhg: float, sex: str, age_years: float, height_percentile: float
) -> int | None:
    """The CTCAE v5 grade (0-3) a reading falls in by BP alone; None under 1 year.

    Grade 2 also asks for recurrent or persistent (>= 24 h) readings and grade 4 for clinical
    consequences: those need the timeline and belong to the grading layer.
    """
    t = ctcae_hypertension_thresholds(sex, age_years, height_percentile)
    if t is None:
        return None
    grade = max(
        _percentile_grade(
            sbp_mmhg, t.grade1_above_mmhg[0], t.grade2_from_mmhg[0], t.grade3_above_mmhg[0]
        ),
        _percentile_grade(
            dbp_mmhg, t.grade1_above_mmhg[1], t.grade2_from_mmhg[1], t.grade3_above_mmhg[1]
        ),
    )
    if age_years >= CTCAE_ADOLESCENT_FROM_YEARS:
        grade = max(grade, _adolescent_grade(sbp_mmhg, dbp_mmhg))
    return grade
