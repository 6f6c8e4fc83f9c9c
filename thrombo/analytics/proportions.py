"""Response rates for single-arm studies (clinical-reference.md section G).

Clopper-Pearson exact intervals, the exact one-sample binomial test against a historical control,
and the exact single-stage sample size. SciPy does the binomial arithmetic; this module adds the
conventions (0/n, n/n, refusal of n = 0) and the result types.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from thrombo.analytics.statistical_results import (
    BinomialTest,
    ProportionEstimate,
    SingleStageDesign,
)
from thrombo.errors import ImplausibleValueError

# Two-sided 95% intervals: the convention of clinical-reference.md section G [S].
DEFAULT_CONFIDENCE = 0.95

# A sample-size search stops here unless told otherwise; single-arm paediatric studies are far
# smaller [Design].
DEFAULT_MAX_PATIENTS = 500

_ALTERNATIVES = ("greater", "less", "two-sided")

# Error rates are compared with this slack so that a design printed as alpha 0.05 is not lost
# to floating-point rounding in the binomial tails.
_TOLERANCE = 1e-12


def check_probability(name: str, value: float) -> float:
    """A rate, alpha, beta or confidence level must lie strictly between 0 and 1."""
    if not 0.0 < value < 1.0:
        raise ImplausibleValueError(f"{name} must be strictly between 0 and 1, got {value}")
    return float(value)


def check_counts(k: int, n: int) -> None:
    """k responders of n patients: whole numbers, n >= 1, 0 <= k <= n."""
    if isinstance(k, bool) or isinstance(n, bool) or int(k) != k or int(n) != n:
        raise ImplausibleValueError(f"counts must be whole numbers, got k={k}, n={n}")
    if n < 1:
        raise ImplausibleValueError(
            f"a proportion needs at least one patient in the denominator, got n={n}")
    if not 0 <= k <= n:
        raise ImplausibleValueError(f"responders must be between 0 and n={n}, got k={k}")


def clopper_pearson(k: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> ProportionEstimate:
    """k/n with the Clopper-Pearson exact interval.

    Lower = Beta^-1(a/2; k, n-k+1) (0 when k = 0), upper = Beta^-1(1-a/2; k+1, n-k) (1 when
    k = n): Clopper & Pearson, Biometrika 1934 [S]. SciPy's "exact" interval is this one.
    """
    check_counts(k, n)
    check_probability("confidence", confidence)
    interval = stats.binomtest(int(k), int(n)).proportion_ci(
        confidence_level=confidence, method="exact")
    return ProportionEstimate(k=int(k), n=int(n), rate=k / n, ci_low=float(interval.low),
                              ci_high=float(interval.high), confidence=confidence,
                              method="clopper-pearson")


def exact_binomial_test(k: int, n: int, p0: float, alternative: str = "greater") -> BinomialTest:
    """Exact test of k/n against a historical-control rate p0.

    The default alternative is "greater": a single-arm study asks whether the new treatment does
    better than the historical control.
    """
    check_counts(k, n)
    check_probability("historical-control rate p0", p0)
    if alternative not in _ALTERNATIVES:
        raise ImplausibleValueError(
            f"alternative must be one of {', '.join(_ALTERNATIVES)}, got {alternative!r}")
    result = stats.binomtest(int(k), int(n), p0, alternative=alternative)
    return BinomialTest(k=int(k), n=int(n), p0=p0, alternative=alternative,
                        p_value=float(result.pvalue), method="exact binomial test")


def single_stage_sample_size(p0: float, p1: float, alpha: float, beta: float,
                             n_max: int = DEFAULT_MAX_PATIENTS) -> SingleStageDesign:
    """Smallest n, with boundary r, where P(X > r | p0) <= alpha and P(X > r | p1) >= 1 - beta.

    For each n the boundary r is the smallest one that holds alpha, which gives that n its
    largest power; the first n whose power reaches 1 - beta is returned (A'Hern 2001 style
    exact single-stage design, one-sided).
    """
    check_design_inputs(p0, p1, alpha, beta)
    for n in range(1, n_max + 1):
        boundaries = np.arange(n + 1)
        type_one = stats.binom.sf(boundaries, n, p0)
        holding = np.flatnonzero(type_one <= alpha + _TOLERANCE)
        r = int(holding[0])
        power = float(stats.binom.sf(r, n, p1))
        if power >= 1.0 - beta - _TOLERANCE:
            return SingleStageDesign(p0=p0, p1=p1, target_alpha=alpha, target_beta=beta, n=n,
                                     r=r, alpha=float(type_one[r]), power=power,
                                     method="exact single-stage binomial design")
    raise ImplausibleValueError(
        f"no single-stage design with at most {n_max} patients reaches alpha {alpha} and "
        f"power {1 - beta} for p0={p0}, p1={p1}")


def check_design_inputs(p0: float, p1: float, alpha: float, beta: float) -> None:
    """p0 < p1, all four strictly inside (0, 1)."""
    check_probability("p0", p0)
    check_probability("p1", p1)
    check_probability("alpha", alpha)
    check_probability("beta", beta)
    if p0 >= p1:
        raise ImplausibleValueError(
            f"the rate worth pursuing p1 must exceed the uninteresting rate p0 (p0={p0}, p1={p1})")
