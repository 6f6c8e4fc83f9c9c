"""Resolution by day 28 by exposure group on the hand-built cohort, checked against SciPy.

Groups (tests/unit/analytics/hand_exposure.py): RDI >= 90% is T01-T05 and T10, 5 of 6 resolved
by day 28; RDI < 90% is T06-T08, 1 of 3; T09's RDI is unknown. Course >= 14 days is T01-T05,
T09 and T10, 5 of 7; shorter is T06-T08, 1 of 3.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from scipy import stats

from tests.unit.analytics.hand_exposure import hand_exposure
from tests.unit.study.hand_cohort import hand_cohort, ten_treated
from thrombo.analytics.exposure_response import CAUTION, exposure_response
from thrombo.analytics.study import StudyOptions, build_study

OPTIONS = StudyOptions("harmonized-2023")


def exact_ci(k: int, n: int) -> tuple[float, float]:
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
    return ci.low, ci.high


@pytest.mark.parametrize(("index", "high", "low", "unknown"),
                         [(0, (5, 6), (1, 3), 1), (1, (5, 7), (1, 3), 0)])
def test_groups_and_fisher_test_match_scipy(index: int, high: tuple[int, int],
                                            low: tuple[int, int], unknown: int) -> None:
    result = exposure_response(ten_treated(), hand_exposure(), "treatment-start")
    comparison = result.comparisons[index]
    for estimate, (k, n) in zip(comparison.groups, (high, low), strict=True):
        assert estimate is not None and (estimate.k, estimate.n) == (k, n)
        assert (estimate.ci_low, estimate.ci_high) == pytest.approx(exact_ci(k, n))
    table = [[high[0], high[1] - high[0]], [low[0], low[1] - low[0]]]
    expected = stats.fisher_exact(table, alternative="two-sided")
    assert comparison.p_value == pytest.approx(expected.pvalue)
    assert comparison.odds_ratio == pytest.approx(expected.statistic)
    assert comparison.unknown == unknown


def test_time_to_resolution_against_the_14_day_dose() -> None:
    # Resolved with a known dose: T01-T05 received 14 x 25 = 350 mg/kg in the first 14 days and
    # resolved on days 10, 14, 14, 21, 28; T06 and T07 received 10 x 20 = 200 and resolved on
    # days 20 and 35 (a resolution after day 28 still has a time to resolution).
    result = exposure_response(ten_treated(), hand_exposure(), "treatment-start").dose_time
    doses = [350.0] * 5 + [200.0, 200.0]
    days = [10, 14, 14, 21, 28, 20, 35]
    assert sorted((d, t) for _, d, t in result.points) == sorted(zip(doses, days, strict=True))
    expected = stats.spearmanr(doses, days)
    assert result.rho == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_an_empty_group_gives_no_test() -> None:
    full = [replace(e, relative_dose_intensity=1.0) for e in hand_exposure()]
    comparison = exposure_response(ten_treated(), full, "treatment-start").comparisons[0]
    assert comparison.p_value is None and comparison.groups[1] is None
    assert "no patient in the group < 90%" in (comparison.note or "")


def test_study_document_carries_exposure_and_the_caution() -> None:
    doc: Any = build_study(hand_cohort(), OPTIONS, hand_exposure()).to_json()
    exposure = doc["exposure"]
    assert isinstance(exposure, list) and len(exposure) == 11
    t04 = [e for e in exposure if e["patient_id"] == "T04"]
    assert [e["drug"] for e in t04] == ["defibrotide", "eculizumab"]
    assert t04[0]["interruptions"][0]["reason"] == "bleeding"
    assert set(t04[0]) >= {"patient_id", "drug", "start", "end", "course_days",
                           "planned_mg_per_kg_day", "received_mg_per_kg_day",
                           "relative_dose_intensity", "interruptions"}
    response = doc["exposure_response"]
    assert isinstance(response, dict) and response["caution"] == CAUTION
    assert "confounding by indication" in CAUTION
    first = response["comparisons"][0]
    assert first["groups"][0]["resolution_by_day_28"]["k"] == 5
    assert first["test"] == "Fisher's exact test, two-sided"
    # Without exposure the document says nothing about it.
    bare = build_study(hand_cohort(), OPTIONS).to_json()
    assert bare["exposure"] is None or bare["exposure"] == []
    assert bare["exposure_response"] is None


def test_suppression_hides_the_table_and_small_groups() -> None:
    doc: Any = build_study(hand_cohort(), replace(OPTIONS, suppress_below=3),
                      hand_exposure()).to_json()
    assert doc["exposure"] is None
    response = doc["exposure_response"]
    assert isinstance(response, dict)
    rdi = response["comparisons"][0]
    # 5 of 6 hides k (6 - 5 = 1 is small); 1 of 3 hides k: no p-value either.
    assert rdi["groups"][0]["resolution_by_day_28"]["k"] is None
    assert rdi["p_value"] is None and rdi["suppressed"] is True
    assert rdi["unknown"] is None
