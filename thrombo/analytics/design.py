"""Simon two-stage designs for single-arm phase II studies (clinical-reference.md section G).

Simon R. Optimal two-stage designs for phase II clinical trials. Control Clin Trials
1989;10:1-10 [S]: stage 1 treats n1 patients and stops if at most r1 respond; otherwise n - n1
more are treated and the treatment is declared promising only if more than r of all n respond.
"Optimal" minimises the expected sample size under p0 (EN0); "minimax" minimises n, then EN0.

Written by hand because no maintained PyPI package provides it (clinical-reference.md section G);
the search is exhaustive over (n, n1, r1) with the boundary r found by vectorised tail sums, as
in R's clinfun::ph2simon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from thrombo.analytics.proportions import check_design_inputs
from thrombo.analytics.statistical_results import SimonDesign, SimonDesigns
from thrombo.errors import ImplausibleValueError

# clinfun::ph2simon searches total sample sizes up to nmax = 100 by default [S] (its docs).
DEFAULT_MAX_PATIENTS = 100

# Above this the exhaustive search grows as n^4 and stops being interactive [Design].
LARGEST_SEARCH = 300

# Attained error rates are compared with this slack so that designs that sit exactly on the
# target (power 0.800) are not lost to rounding in the binomial tails.
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class _Tails:
    """Binomial tables under one response rate, for every sample size up to n_max."""

    pmf: tuple[NDArray[np.float64], ...]  # pmf[m][x] = P(X = x), X ~ Bin(m, p)
    sf: tuple[NDArray[np.float64], ...]  # sf[m][k + 1] = P(X > k) for k = -1..m

    @staticmethod
    def build(p: float, n_max: int) -> _Tails:
        pmf = tuple(stats.binom.pmf(np.arange(m + 1), m, p) for m in range(n_max + 1))
        sf = tuple(stats.binom.sf(np.arange(-1, m + 1), m, p) for m in range(n_max + 1))
        return _Tails(pmf=pmf, sf=sf)

    def promising(self, n1: int, n: int) -> NDArray[np.float64]:
        """P(X1 > r1 and X1 + X2 > r) as a matrix indexed [r, r1] for r, r1 in 0..n-1."""
        n2 = n - n1
        r = np.arange(n)[:, None]
        x1 = np.arange(n1 + 1)[None, :]
        # P(X2 > r - x1): below -1 the tail is 1, above n2 it is 0.
        needed = np.clip(r - x1, -1, n2)
        second = self.sf[n2][needed + 1]
        joint = self.pmf[n1][None, :] * second
        # Sum over x1 > r1: reverse cumulative sum, shifted by one.
        from_x1 = np.cumsum(joint[:, ::-1], axis=1)[:, ::-1]
        tail = np.zeros((n, n), dtype=np.float64)
        width = min(n1, n)
        tail[:, :width] = from_x1[:, 1 : width + 1]
        return tail


def _designs_for(n1: int, n: int, null: _Tails, alt: _Tails, alpha: float,
                 beta: float) -> list[SimonDesign]:
    """Every (r1, r) with this n1 and n that meets alpha and beta, r the smallest that holds alpha.

    For fixed r1, raising r lowers both alpha and power, so the smallest r holding alpha is the
    only one that can be the best design for that r1.
    """
    type_one = null.promising(n1, n)
    power = alt.promising(n1, n)
    designs: list[SimonDesign] = []
    for r1 in range(n1):
        column = type_one[r1:, r1]
        holding = np.flatnonzero(column <= alpha + _TOLERANCE)
        if holding.size == 0:
            continue
        r = r1 + int(holding[0])
        if power[r, r1] < 1.0 - beta - _TOLERANCE:
            continue
        pet0 = float(1.0 - null.sf[n1][r1 + 1])
        designs.append(SimonDesign(r1=r1, n1=n1, r=r, n=n, en0=n1 + (1.0 - pet0) * (n - n1),
                                   pet0=pet0, alpha=float(type_one[r, r1]),
                                   power=float(power[r, r1])))
    return designs


def simon_two_stage(p0: float, p1: float, alpha: float, beta: float,
                    n_max: int = DEFAULT_MAX_PATIENTS) -> SimonDesigns:
    """The optimal and minimax Simon designs with at most n_max patients.

    p0: response rate not worth pursuing (H0); p1: rate worth pursuing (H1); alpha: one-sided
    P(declare promising | p0); beta: P(declare not promising | p1).
    """
    check_design_inputs(p0, p1, alpha, beta)
    if not 2 <= n_max <= LARGEST_SEARCH:
        raise ImplausibleValueError(
            f"the largest total sample size must be between 2 and {LARGEST_SEARCH}, got {n_max}")
    null, alt = _Tails.build(p0, n_max), _Tails.build(p1, n_max)
    optimal: SimonDesign | None = None
    minimax: SimonDesign | None = None
    for n in range(2, n_max + 1):
        for n1 in range(1, n):
            # EN0 is at least n1, so a first stage this large cannot beat the optimal found.
            if optimal is not None and n1 >= optimal.en0:
                break
            for design in _designs_for(n1, n, null, alt, alpha, beta):
                if optimal is None or design.en0 < optimal.en0 - _TOLERANCE:
                    optimal = design
                if minimax is None or (design.n == minimax.n
                                       and design.en0 < minimax.en0 - _TOLERANCE):
                    minimax = design
    if optimal is None or minimax is None:
        raise ImplausibleValueError(
            f"no two-stage design with at most {n_max} patients reaches alpha {alpha} and "
            f"power {1 - beta} for p0={p0}, p1={p1}; raise the maximum sample size")
    return SimonDesigns(p0=p0, p1=p1, alpha=alpha, beta=beta, optimal=optimal, minimax=minimax,
                        method="simon two-stage, exhaustive search", n_max=n_max)
