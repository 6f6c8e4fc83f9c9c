"""Cumulative incidence with competing risks: the Aalen-Johansen estimator (clinical-reference G).

Time to TA-TMA resolution is censored by death before resolution, which is a competing event:
1 - Kaplan-Meier would overstate resolution, so the cumulative incidence function (CIF) is used.

Written by hand because lifelines' AalenJohansenFitter breaks tied times with random jitter, and
day-level clinical data ties all the time: results must not depend on a random seed.
scikit-survival (which does this deterministically) is not a dependency of thrombo.

Ties: at a tied time all events (of every cause) are processed together against the same risk
set; patients censored at that time are still in the risk set (censoring after events, as usual).

Variance: the one R's cmprsk::cuminc reports (Gray's Fortran routine `cinc`, cmprsk 2.2-11 [S]),
an Aalen-type estimator with a correction (1 - (d - 1)/(n - 1)) for d tied events. As in cmprsk,
the variance of a cause's CIF changes only at that cause's event times. cmprsk gives no interval;
the CI here is taken on the log(-log) scale, as scikit-survival's conf_type="log-log" does.

Hand check (tests/golden/cif_ties.csv; 10 patients; cause 1 = interest, 2 = competing,
0 = censored): day 1: 10 at risk, one cause 1: F1 = 1/10 = 0.1, S = 0.9. Day 2: 9 at risk, one
cause 1, one cause 2, one censored: F1 = 0.1 + 0.9 * 1/9 = 0.2, F2 = 0.9 * 1/9 = 0.1,
S = 0.9 * 7/9 = 0.7. Day 3: 6 at risk, one cause 1: F1 = 0.2 + 0.7/6 = 0.31667, S = 0.58333.
Day 4: 5 at risk, two cause 1, one cause 2: F1 = 0.31667 + 0.58333 * 2/5 = 0.55,
F2 = 0.1 + 0.58333/5 = 0.21667, S = 0.23333. Day 5: censored. Day 6: 1 at risk, cause 1:
F1 = 0.55 + 0.23333 = 0.78333, S = 0; F1 + F2 + S = 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from thrombo.analytics.follow_up import follow_up_and_marks
from thrombo.analytics.proportions import DEFAULT_CONFIDENCE, check_probability
from thrombo.analytics.statistical_results import (
    CompetingRisksEstimate,
    CumulativeIncidenceCurve,
    LandmarkEstimate,
)
from thrombo.analytics.survival import step_landmark
from thrombo.errors import ImplausibleValueError

AALEN_JOHANSEN_METHOD = "aalen-johansen, cmprsk variance, log-log CI"

CENSORED = 0


@dataclass(frozen=True)
class _RiskTable:
    """Per distinct time: patients at risk, all events, and events of each cause."""

    times: NDArray[np.float64]
    at_risk: NDArray[np.float64]
    events: NDArray[np.float64]
    by_cause: dict[int, NDArray[np.float64]]


def _check(durations: Sequence[float], causes: Sequence[int],
           ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    times, kinds = follow_up_and_marks(durations, causes, marks_name="causes",
                                       estimate="cumulative incidence estimate")
    if kinds.dtype.kind not in "iu" and not np.all(np.mod(kinds, 1) == 0):
        raise ImplausibleValueError("causes must be whole numbers (0 = censored)")
    kinds = kinds.astype(np.int64)
    if np.any(kinds < 0):
        raise ImplausibleValueError("causes must be 0 (censored) or a positive event type")
    return times, kinds


def _risk_table(times: NDArray[np.float64], kinds: NDArray[np.int64],
                causes: Sequence[int]) -> _RiskTable:
    grid = np.unique(times)
    at_risk = np.array([np.sum(times >= t) for t in grid], dtype=np.float64)
    position = np.searchsorted(grid, times)
    by_cause = {c: np.bincount(position[kinds == c], minlength=grid.size).astype(np.float64)
                for c in causes}
    events = np.bincount(position[kinds != CENSORED], minlength=grid.size).astype(np.float64)
    return _RiskTable(times=grid, at_risk=at_risk, events=events, by_cause=by_cause)


def _tie_weight(d: float, n: float) -> float:
    """cmprsk's correction for d tied events among n at risk: 1 - (d - 1)/(n - 1)."""
    return 1.0 - (d - 1.0) / (n - 1.0) if d > 1 else 1.0


def _cause_curve(table: _RiskTable, cause: int, before: NDArray[np.float64],
                 after: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """CIF of one cause and its cmprsk variance on the table's times.

    `before` / `after` are the all-cause event-free survival just before / at each time.
    The running sums v1, v2, v3 follow Gray's decomposition of the variance.
    """
    own = table.by_cause[cause]
    incidence = np.cumsum(before * own / table.at_risk)
    variance = np.zeros_like(incidence)
    v1 = v2 = v3 = 0.0
    current = 0.0
    for j in range(table.times.size):
        n, d_own, d_other = table.at_risk[j], own[j], table.events[j] - own[j]
        f, s_before, s_after = incidence[j], before[j], after[j]
        if d_other > 0 and s_after > 0:
            weight = s_before**2 * _tie_weight(d_other, n) * d_other / n**2
            a, b = f / s_after, 1.0 / s_after
            v1, v2, v3 = v1 + a * a * weight, v2 + b * a * weight, v3 + b * b * weight
        if d_own > 0:
            weight = s_before**2 * _tie_weight(d_own, n) * d_own / n**2
            b = 1.0 / s_after if s_after > 0 else 0.0
            a = 1.0 + b * f
            v1, v2, v3 = v1 + a * a * weight, v2 + b * a * weight, v3 + b * b * weight
            current = v1 + f * f * v3 - 2.0 * f * v2
        variance[j] = current
    return incidence, variance


def _log_log_interval(estimate: NDArray[np.float64], variance: NDArray[np.float64],
                      confidence: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """CI for a probability F on the log(-log F) scale; [0, 0] at F = 0, undefined at F = 1."""
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(-np.log(estimate))
        spread = z * np.sqrt(variance) / np.abs(estimate * np.log(estimate))
        low = np.exp(-np.exp(g + spread))
        high = np.exp(-np.exp(g - spread))
    zero = estimate <= 0.0
    low = np.where(zero, 0.0, np.where(estimate >= 1.0, np.nan, low))
    high = np.where(zero, 0.0, np.where(estimate >= 1.0, np.nan, high))
    return low, high


def aalen_johansen(durations: Sequence[float], causes: Sequence[int],
                   confidence: float = DEFAULT_CONFIDENCE,
                   event_types: Sequence[int] | None = None) -> CompetingRisksEstimate:
    """Cumulative incidence of each cause (0 = censored, 1, 2, ... = event types).

    Curves are given for `event_types` (default: every type observed), at time 0 and every
    distinct observed time; a requested type that never occurs has an incidence of 0.
    """
    times, kinds = _check(durations, causes)
    check_probability("confidence", confidence)
    wanted = sorted(set(event_types) if event_types is not None
                    else {int(k) for k in kinds if k != CENSORED})
    if any(c <= CENSORED for c in wanted):
        raise ImplausibleValueError("event types must be positive (0 means censored)")
    observed = sorted({int(k) for k in kinds if k != CENSORED})
    table = _risk_table(times, kinds, sorted(set(wanted) | set(observed)))
    after = np.cumprod(1.0 - table.events / table.at_risk, dtype=np.float64)
    before = np.concatenate(([1.0], after[:-1]))
    # Curves start at (0, 0) unless someone's follow-up ends at time 0 already.
    origin = [0.0] if table.times[0] > 0 else []
    grid = (*origin, *(float(t) for t in table.times))
    curves = []
    for cause in wanted:
        incidence, variance = _cause_curve(table, cause, before, after)
        incidence = np.concatenate((origin, incidence))
        variance = np.concatenate((origin, variance))
        low, high = _log_log_interval(incidence, variance, confidence)
        curves.append(CumulativeIncidenceCurve(
            cause=cause, times=grid, incidence=tuple(float(v) for v in incidence),
            variance=tuple(float(v) for v in variance), ci_low=tuple(float(v) for v in low),
            ci_high=tuple(float(v) for v in high), confidence=confidence,
            method=AALEN_JOHANSEN_METHOD))
    event_free = (*(1.0 for _ in origin), *(float(s) for s in after))
    return CompetingRisksEstimate(times=grid, event_free=event_free, curves=tuple(curves),
                                  method=AALEN_JOHANSEN_METHOD)


def incidence_at(curve: CumulativeIncidenceCurve, time: float) -> LandmarkEstimate:
    """F(t) read from the step function (last step at or before t), e.g. resolution by day 28."""
    return step_landmark(curve, curve.incidence, time, "cumulative incidence")
