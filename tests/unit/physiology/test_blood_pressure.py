"""BP percentile thresholds, AAP 2017 stages, CTCAE v5 bands (clinical-reference.md E4, F)."""

import pytest

from thrombo.physiology.blood_pressure import (
    BpSource,
    bp_column,
    bp_threshold,
    bp_threshold_on,
    bp_threshold_range,
)
from thrombo.physiology.bp_staging import (
    AapStage,
    aap_2017_stage,
    ctcae_hypertension_thresholds,
    ctcae_pediatric_hypertension_bp_band,
)
from thrombo.physiology.plausibility import OutsideValidRangeError


def test_fourth_report_99th_boy_10_years_50th_height() -> None:
    """Fourth Report 2004 boys' table, age 10, height 50th: 99th percentile 127/88 mm Hg."""
    t = bp_threshold("M", 10.7, 50, 99)
    assert t is not None
    assert (t.sbp_mmhg, t.dbp_mmhg) == (127, 88)


def test_height_percentiles_interpolate_and_clamp() -> None:
    """Boys 10 y, 99th: height 25th 125/86, 50th 127/88 -> 37.5th 126/87; 5th 122/85."""
    mid = bp_threshold("M", 10, 37.5, 99)
    assert mid is not None
    assert (mid.sbp_mmhg, mid.dbp_mmhg) == pytest.approx((126, 87))
    low = bp_threshold("M", 10, 1, 99)
    assert low is not None
    assert (low.sbp_mmhg, low.dbp_mmhg) == (122, 85)
    high = bp_threshold("M", 10, 99.5, 99)
    assert high is not None
    assert (high.sbp_mmhg, high.dbp_mmhg) == (130, 90)


def test_one_column_read_for_many_heights() -> None:
    """Boys 10 y, 99th (Fourth Report 2004): the column read once gives at each height what
    bp_threshold gives (125/86 at the 25th, 126/87 at the 37.5th); none under 1 year."""
    rows = bp_column("M", 10, 99)
    assert rows is not None
    assert rows[2] == (25.0, 125.0, 86.0)
    for height in (1, 5, 25, 37.5, 50, 62.2, 95, 99.5):
        assert bp_threshold_on(rows, height) == bp_threshold("M", 10, height, 99)
    assert bp_column("F", 0.9, 95) is None
    with pytest.raises(OutsideValidRangeError):
        bp_threshold_on(rows, 100)


def test_range_over_heights_when_height_missing() -> None:
    rng = bp_threshold_range("M", 10, 99)
    assert rng is not None
    assert (rng.sbp_low_mmhg, rng.sbp_high_mmhg, rng.dbp_low_mmhg, rng.dbp_high_mmhg) == (
        122,
        130,
        85,
        90,
    )


def test_infants_not_assessable_and_adults_refused() -> None:
    assert bp_threshold("F", 0.9, 50, 95) is None
    assert bp_threshold_range("F", 0.2, 95) is None
    assert aap_2017_stage(120, 70, "F", 0.5, 50) is None
    assert ctcae_pediatric_hypertension_bp_band(120, 70, "F", 0.5, 50) is None
    with pytest.raises(OutsideValidRangeError):
        bp_threshold("F", 18.0, 50, 95)


def test_aap_has_no_99th_percentile() -> None:
    with pytest.raises(OutsideValidRangeError):
        bp_threshold("F", 8, 50, 99, BpSource.AAP_2017)


@pytest.mark.parametrize(
    ("sbp", "dbp", "stage"),
    [
        (118, 70, AapStage.NORMAL),
        (120, 70, AapStage.ELEVATED),
        (129, 79, AapStage.ELEVATED),
        (130, 70, AapStage.STAGE_1),
        (118, 80, AapStage.STAGE_1),
        (139, 89, AapStage.STAGE_1),
        (140, 70, AapStage.STAGE_2),
        (110, 90, AapStage.STAGE_2),
    ],
)
def test_aap_adolescent_stages(sbp: float, dbp: float, stage: AapStage) -> None:
    """AAP 2017 (Flynn 2017) >= 13 y: 120/<80 elevated, 130/80 stage 1, 140/90 stage 2 [S]."""
    result = aap_2017_stage(sbp, dbp, "M", 14, 50)
    assert result is not None
    assert result.stage is stage
    assert result.warnings == ()


def test_aap_child_stage_uses_tables_and_warns() -> None:
    """AAP 2017 boys 8 y at height 50th: 90th/95th from the packaged Table 4."""
    p95 = bp_threshold("M", 8, 50, 95, BpSource.AAP_2017)
    assert p95 is not None
    at_95th = aap_2017_stage(p95.sbp_mmhg, 50, "M", 8, 50)
    assert at_95th is not None
    assert at_95th.stage is AapStage.STAGE_1
    assert "unverified" in at_95th.warnings[0]
    stage2 = aap_2017_stage(min(p95.sbp_mmhg + 12, 140), 50, "M", 8, 50)
    assert stage2 is not None
    assert stage2.stage is AapStage.STAGE_2


def test_ctcae_grade3_edge_is_99th_plus_5() -> None:
    """CTCAE v5 paediatric hypertension grade 3: > 5 mm Hg above the 99th (boys 10 y: 127+5)."""
    t = ctcae_hypertension_thresholds("M", 10, 50)
    assert t is not None
    assert t.grade3_above_mmhg == (132, 93)
    assert ctcae_pediatric_hypertension_bp_band(132, 60, "M", 10, 50) == 2
    assert ctcae_pediatric_hypertension_bp_band(133, 60, "M", 10, 50) == 3


def test_ctcae_adolescent_absolute_bands() -> None:
    """CTCAE v5: adolescents grade 1 from 120/80, grade 2 at 130-139/80-89 even < 95th."""
    assert ctcae_pediatric_hypertension_bp_band(121, 60, "F", 16, 95) == 1
    assert ctcae_pediatric_hypertension_bp_band(110, 82, "F", 16, 95) == 2
    assert ctcae_pediatric_hypertension_bp_band(100, 60, "F", 16, 95) == 0
