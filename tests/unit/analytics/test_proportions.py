"""Clopper-Pearson intervals, exact binomial tests and the exact single-stage design.

Golden values: clinical-reference.md section G (12/20 -> 0.60, 95% CI 0.361-0.809) and base R's
binom.test (tests/golden/proportions.R, output in proportions.out).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrombo.analytics.proportions import (
    clopper_pearson,
    exact_binomial_test,
    single_stage_sample_size,
)
from thrombo.errors import ImplausibleValueError


def test_worked_check_from_the_clinical_reference() -> None:
    """clinical-reference.md G: 12/20 responders -> 60% (95% CI 36.1-80.9%)."""
    est = clopper_pearson(12, 20)
    assert est.rate == pytest.approx(0.60)
    assert round(est.ci_low, 3) == 0.361
    assert round(est.ci_high, 3) == 0.809
    assert est.method == "clopper-pearson"


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # R: binom.test(k, n)$conf.int (tests/golden/proportions.out)
        (12, 20, 0.3605425873, 0.8088099393),
        (0, 10, 0.0, 0.3084971078),
        (10, 10, 0.6915028922, 1.0),
        (21, 30, 0.5060409585, 0.8526548152),
        (1, 1, 0.025, 1.0),
    ],
)
def test_clopper_pearson_matches_r_binom_test(k: int, n: int, low: float, high: float) -> None:
    est = clopper_pearson(k, n)
    assert est.ci_low == pytest.approx(low, abs=1e-9)
    assert est.ci_high == pytest.approx(high, abs=1e-9)


def test_zero_and_all_responders_pin_the_open_end() -> None:
    """Clopper & Pearson: lower = 0 when k = 0 and upper = 1 when k = n, exactly."""
    assert clopper_pearson(0, 7).ci_low == 0.0
    assert clopper_pearson(7, 7).ci_high == 1.0


def test_json_has_the_interface_fields() -> None:
    """interface.md study --json: resolution_by_day_28 has k, n, rate, ci_low, ci_high, method."""
    doc = clopper_pearson(21, 30).to_json()
    assert {"k", "n", "rate", "ci_low", "ci_high", "method"} <= set(doc)
    assert round(float(doc["ci_low"]), 3) == 0.506  # type: ignore[arg-type]
    assert round(float(doc["ci_high"]), 3) == 0.853  # type: ignore[arg-type]


@pytest.mark.parametrize(("k", "n"), [(0, 0), (3, 2), (-1, 5), (1.5, 4), (True, 4)])
def test_impossible_counts_are_refused(k: float, n: int) -> None:
    with pytest.raises(ImplausibleValueError):
        clopper_pearson(k, n)  # type: ignore[arg-type]


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0])
def test_confidence_level_must_be_a_fraction(confidence: float) -> None:
    with pytest.raises(ImplausibleValueError):
        clopper_pearson(3, 10, confidence=confidence)


@pytest.mark.parametrize(
    ("k", "n", "p0", "alternative", "p_value"),
    [  # R: binom.test(k, n, p = p0, alternative = ...)$p.value (proportions.out)
        (12, 20, 0.4, "greater", 0.0565263670),
        (3, 20, 0.4, "less", 0.0159611628),
        (12, 20, 0.4, "two-sided", 0.1074783202),
    ],
)
def test_exact_binomial_test_matches_r(k: int, n: int, p0: float, alternative: str,
                                       p_value: float) -> None:
    result = exact_binomial_test(k, n, p0, alternative=alternative)
    assert result.p_value == pytest.approx(p_value, abs=1e-9)


def test_binomial_test_refuses_unknown_alternative() -> None:
    with pytest.raises(ImplausibleValueError):
        exact_binomial_test(3, 10, 0.2, alternative="bigger")


@pytest.mark.parametrize(
    ("p0", "p1", "alpha", "beta", "n", "r"),
    [  # the unpruned R search in tests/golden/simon.R ("single stage:" rows of simon.out)
        (0.05, 0.25, 0.05, 0.2, 16, 2),
        (0.10, 0.30, 0.05, 0.2, 25, 5),
        (0.20, 0.40, 0.05, 0.2, 35, 11),
        (0.30, 0.50, 0.05, 0.2, 39, 16),
        (0.60, 0.80, 0.05, 0.2, 36, 26),
        (0.10, 0.30, 0.10, 0.1, 25, 4),
    ],
)
def test_single_stage_sample_size_matches_independent_search(
        p0: float, p1: float, alpha: float, beta: float, n: int, r: int) -> None:
    design = single_stage_sample_size(p0, p1, alpha, beta)
    assert (design.n, design.r) == (n, r)
    assert design.alpha <= alpha
    assert design.power >= 1 - beta


def test_single_stage_refuses_reversed_rates_and_reports_unreachable_power() -> None:
    with pytest.raises(ImplausibleValueError, match="p1 must exceed"):
        single_stage_sample_size(0.4, 0.2, 0.05, 0.2)
    with pytest.raises(ImplausibleValueError, match="no single-stage design"):
        single_stage_sample_size(0.2, 0.25, 0.05, 0.2, n_max=20)


@given(n=st.integers(1, 300), data=st.data())
def test_interval_contains_the_estimate(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    est = clopper_pearson(k, n)
    assert 0.0 <= est.ci_low <= est.rate <= est.ci_high <= 1.0


@given(n=st.integers(1, 150), factor=st.integers(2, 6), data=st.data())
def test_interval_widens_as_n_shrinks_at_a_fixed_rate(n: int, factor: int,
                                                      data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    small, large = clopper_pearson(k, n), clopper_pearson(k * factor, n * factor)
    assert small.rate == pytest.approx(large.rate)
    assert small.ci_high - small.ci_low > large.ci_high - large.ci_low
