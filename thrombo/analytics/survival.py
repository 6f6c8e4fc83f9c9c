"""Overall survival: Kaplan-Meier with log-log confidence intervals (clinical-reference.md G).

lifelines' KaplanMeierFitter does the estimation. Its confidence interval is already the
log-log ("exponential Greenwood") one: `KaplanMeierFitter._bounds` in lifelines 0.30 computes
exp(-exp(log(-log S) -/+ z * sqrt(Greenwood sum) / log S)), the same as R's
survfit(conf.type = "log-log"), so it is used as it stands (checked against R on the aml data in
tests/unit/analytics/test_survival.py; R script tests/golden/km_aml.R). Two conventions are added
here, following R: where S = 0 the log-log interval is undefined and is reported as NaN (None in
JSON), and the median follows survival:::quantile.survfit (see `median_survival`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lifelines import KaplanMeierFitter
from numpy.typing import NDArray

from thrombo.analytics.follow_up import follow_up_and_marks
from thrombo.analytics.proportions import DEFAULT_CONFIDENCE, check_probability
from thrombo.analytics.statistical_results import (
    AtRiskRow,
    CumulativeIncidenceCurve,
    LandmarkEstimate,
    MedianSurvival,
    SurvivalCurve,
    finite_or_none,
)
from thrombo.errors import ImplausibleValueError

KAPLAN_MEIER_METHOD = "kaplan-meier, log-log CI"

# survival:::quantile.survfit treats a curve within this distance of 1/2 as exactly 1/2, so that
# rounding does not move the median off a flat stretch [S] (R survival 3.5 source).
_HALF_TOLERANCE = 1.4901161193847656e-08  # sqrt(.Machine$double.eps)


def follow_up_arrays(durations: Sequence[float], events: Sequence[bool | int],
                     ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Check and convert follow-up times (>= 0, finite) and event flags (0/1) of equal length."""
    times, flags = follow_up_and_marks(durations, events, marks_name="events",
                                       estimate="survival estimate")
    if not np.all(np.isin(flags, (0, 1))):
        raise ImplausibleValueError("event flags must be 0 (censored) or 1 (event)")
    return times, flags.astype(bool)


def kaplan_meier(durations: Sequence[float], events: Sequence[bool | int],
                 confidence: float = DEFAULT_CONFIDENCE) -> SurvivalCurve:
    """The Kaplan-Meier curve with log-log CI at time 0 and every observed time."""
    times, flags = follow_up_arrays(durations, events)
    check_probability("confidence", confidence)
    fitter = KaplanMeierFitter(alpha=1.0 - confidence).fit(times, flags)
    survival = fitter.survival_function_.iloc[:, 0].to_numpy(dtype=np.float64)
    bounds = fitter.confidence_interval_.to_numpy(dtype=np.float64)
    at_zero = survival <= 0.0
    # R reports NA where S = 0 (log(-log 0) is undefined); lifelines would give [0, 0].
    ci_low = np.where(at_zero, np.nan, bounds[:, 0])
    ci_high = np.where(at_zero, np.nan, bounds[:, 1])
    table = fitter.event_table
    return SurvivalCurve(
        times=tuple(float(t) for t in fitter.timeline),
        survival=tuple(float(s) for s in survival),
        ci_low=tuple(float(v) for v in ci_low),
        ci_high=tuple(float(v) for v in ci_high),
        at_risk=tuple(int(v) for v in table["at_risk"]),
        events=tuple(int(v) for v in table["observed"]),
        censored=tuple(int(v) for v in table["censored"]),
        confidence=confidence,
        method=KAPLAN_MEIER_METHOD,
    )


def _step_index(times: Sequence[float], at: float) -> int:
    """Index of the last step at or before `at` (the curve is right-continuous)."""
    return int(np.searchsorted(np.asarray(times), at, side="right")) - 1


def survival_at(curve: SurvivalCurve, time: float) -> LandmarkEstimate:
    """S(t) read from the step function: the value of the last step at or before t.

    Beyond the longest follow-up the curve is not estimable and the landmark is refused.
    """
    return step_landmark(curve, curve.survival, time, "survival")


def step_landmark(curve: SurvivalCurve | CumulativeIncidenceCurve, values: Sequence[float],
                  time: float, what: str) -> LandmarkEstimate:
    """`values` (the curve's estimates, `what` they are) at `time`: the last step at or before
    it. A negative time is refused, and so is one beyond the longest follow-up, where the curve
    is not estimable."""
    if time < 0:
        raise ImplausibleValueError(f"a landmark time cannot be negative, got {time}")
    if time > curve.times[-1]:
        raise ImplausibleValueError(
            f"landmark {time} is after the longest follow-up ({curve.times[-1]}): {what} "
            "there cannot be estimated")
    i = _step_index(curve.times, time)
    return LandmarkEstimate(time=time, estimate=values[i],
                            ci_low=finite_or_none(curve.ci_low[i]),
                            ci_high=finite_or_none(curve.ci_high[i]),
                            confidence=curve.confidence, method=curve.method)


def at_risk_table(durations: Sequence[float], events: Sequence[bool | int],
                  times: Sequence[float]) -> tuple[AtRiskRow, ...]:
    """At risk at each time (follow-up >= t, as R counts it), with events and censorings so far."""
    follow_up, flags = follow_up_arrays(durations, events)
    rows = []
    for t in times:
        ended = follow_up <= t
        rows.append(AtRiskRow(time=float(t), at_risk=int(np.sum(follow_up >= t)),
                              events_so_far=int(np.sum(ended & flags)),
                              censored_so_far=int(np.sum(ended & ~flags))))
    return tuple(rows)


def _first_crossing(times: Sequence[float], values: Sequence[float]) -> float | None:
    """First time a decreasing step function reaches 1/2, with R's midpoint rule.

    Where the curve equals 1/2 exactly over [t_i, t_{i+1}) the crossing is the midpoint of that
    stretch (survival:::quantile.survfit); if it stays at 1/2 to the end, t_i itself.
    """
    vals = np.asarray(values, dtype=np.float64)
    reached = np.flatnonzero(np.isfinite(vals) & (vals <= 0.5 + _HALF_TOLERANCE))
    if reached.size == 0:
        return None
    i = int(reached[0])
    if abs(vals[i] - 0.5) <= _HALF_TOLERANCE:
        below = np.flatnonzero(vals[i:] < 0.5 - _HALF_TOLERANCE)
        if below.size:
            return (times[i] + times[i + int(below[0])]) / 2.0
    return float(times[i])


def median_survival(curve: SurvivalCurve) -> MedianSurvival:
    """Median survival and its CI, where the curve and each CI limit first reach one half.

    Written by hand rather than lifelines' median_survival_times, which has no midpoint rule for
    a curve that is exactly 1/2 over a stretch; the CI is the one R's print(survfit) gives
    (Brookmeyer-Crowley style, read from the log-log pointwise limits).
    """
    # Where S = 0 the limits are undefined and, as in R, cannot mark a crossing.
    return MedianSurvival(median=_first_crossing(curve.times, curve.survival),
                          ci_low=_first_crossing(curve.times, curve.ci_low),
                          ci_high=_first_crossing(curve.times, curve.ci_high),
                          confidence=curve.confidence, method=curve.method)
