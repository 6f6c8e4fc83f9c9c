"""Comparisons of survival: against a historical reference curve, between groups within centres,
and Cox regression for covariates (clinical-reference.md section G; study issue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from numpy.typing import NDArray
from scipy import stats

from thrombo.analytics.proportions import DEFAULT_CONFIDENCE, check_probability
from thrombo.analytics.statistical_results import (
    CoxModel,
    HazardRatio,
    LogRankTest,
    OneSampleLogRankTest,
)
from thrombo.analytics.survival import follow_up_arrays
from thrombo.errors import ImplausibleValueError


@dataclass(frozen=True)
class ReferenceCurve:
    """A historical survival curve given at knots, e.g. a published 6-month survival.

    Between knots the cumulative hazard -log S is interpolated linearly (a constant hazard on
    each stretch, the usual reading of a digitised curve); beyond the last knot the last
    stretch's hazard continues. Knots start at time 0 with survival 1.
    """

    times: tuple[float, ...]
    survival: tuple[float, ...]

    def __post_init__(self) -> None:
        t, s = np.asarray(self.times, dtype=float), np.asarray(self.survival, dtype=float)
        if t.size < 2 or t.shape != s.shape:
            raise ImplausibleValueError(
                "a reference curve needs at least two (time, survival) knots")
        if t[0] != 0.0 or s[0] != 1.0:
            raise ImplausibleValueError("a reference curve starts at time 0 with survival 1")
        if np.any(np.diff(t) <= 0) or np.any(np.diff(s) > 0) or np.any(s <= 0) or np.any(s > 1):
            raise ImplausibleValueError(
                "reference times must increase and survival must stay in (0, 1] without rising")

    @staticmethod
    def exponential(survival: float, at_time: float) -> ReferenceCurve:
        """A constant-hazard curve through one landmark, e.g. 50% survival at day 183."""
        check_probability("reference survival", survival)
        if at_time <= 0:
            raise ImplausibleValueError(f"the landmark time must be positive, got {at_time}")
        return ReferenceCurve(times=(0.0, float(at_time)), survival=(1.0, float(survival)))

    def cumulative_hazard(self, times: NDArray[np.float64]) -> NDArray[np.float64]:
        knots = np.asarray(self.times, dtype=float)
        hazard = -np.log(np.asarray(self.survival, dtype=float))
        slope = (hazard[-1] - hazard[-2]) / (knots[-1] - knots[-2])
        inside = np.interp(times, knots, hazard)
        beyond = hazard[-1] + slope * (times - knots[-1])
        return np.asarray(np.where(times > knots[-1], beyond, inside), dtype=np.float64)


def one_sample_logrank(durations: Sequence[float], events: Sequence[bool | int],
                       reference: ReferenceCurve) -> OneSampleLogRankTest:
    """Observed deaths O against E = sum of each patient's reference cumulative hazard at the end
    of their follow-up; statistic (O - E)^2 / E on 1 df (Breslow 1975; R's
    survdiff(Surv(time, status) ~ offset(S_ref(time))) gives the same).

    z = (O - E) / sqrt(E): positive when more patients die than the reference predicts (R prints
    the opposite sign).
    """
    times, flags = follow_up_arrays(durations, events)
    observed = int(flags.sum())
    expected = float(reference.cumulative_hazard(times).sum())
    if expected <= 0:
        raise ImplausibleValueError("no follow-up time: the reference predicts no events")
    statistic = (observed - expected) ** 2 / expected
    z = float((observed - expected) / np.sqrt(expected))
    return OneSampleLogRankTest(observed=observed, expected=expected, z=z, statistic=statistic,
                                p_value=float(stats.chi2.sf(statistic, 1)),
                                method="one-sample log-rank against a reference curve")


def _stratum_scores(times: NDArray[np.float64], flags: NDArray[np.bool_],
                    group_index: NDArray[np.int64], n_groups: int,
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Observed, expected and the hypergeometric covariance of deaths by group in one stratum."""
    observed = np.zeros(n_groups)
    expected = np.zeros(n_groups)
    covariance = np.zeros((n_groups, n_groups))
    for t in np.unique(times[flags]):
        at_risk = times >= t
        n_g = np.bincount(group_index[at_risk], minlength=n_groups).astype(float)
        d_g = np.bincount(group_index[flags & (times == t)], minlength=n_groups).astype(float)
        n, d = n_g.sum(), d_g.sum()
        observed += d_g
        expected += d * n_g / n
        if n > 1:
            share = n_g / n
            covariance += d * (n - d) / (n - 1) * (np.diag(share) - np.outer(share, share))
    return observed, expected, covariance


def stratified_logrank(durations: Sequence[float], events: Sequence[bool | int],
                       groups: Sequence[str], strata: Sequence[str] | None = None) -> LogRankTest:
    """Log-rank test between groups, stratified by e.g. centre for pooled multicentre data.

    Observed minus expected and their variance are summed over strata (R's survdiff with
    `+ strata(centre)`). Written by hand: lifelines' log-rank tests have no strata, and the score
    test of lifelines' stratified Cox model uses Efron ties, which is not the log-rank test.
    """
    times, flags = follow_up_arrays(durations, events)
    labels = np.asarray([str(g) for g in groups])
    centres = np.asarray(["all"] * times.size if strata is None else [str(s) for s in strata])
    if labels.shape != times.shape or centres.shape != times.shape:
        raise ImplausibleValueError("groups and strata need one entry per patient")
    names, group_index = np.unique(labels, return_inverse=True)
    if names.size < 2:
        raise ImplausibleValueError("a log-rank test needs at least two groups")
    observed = np.zeros(names.size)
    expected = np.zeros(names.size)
    covariance = np.zeros((names.size, names.size))
    for centre in np.unique(centres):
        inside = centres == centre
        o, e, v = _stratum_scores(times[inside], flags[inside], group_index[inside], names.size)
        observed, expected, covariance = observed + o, expected + e, covariance + v
    # The covariance has rank (groups - 1): drop the last group, as survdiff does.
    score = (observed - expected)[:-1]
    statistic = float(score @ np.linalg.solve(covariance[:-1, :-1], score))
    df = int(names.size - 1)
    return LogRankTest(groups=tuple(str(n) for n in names), observed=tuple(observed.tolist()),
                       expected=tuple(expected.tolist()), statistic=statistic,
                       degrees_of_freedom=df, p_value=float(stats.chi2.sf(statistic, df)),
                       strata=int(np.unique(centres).size),
                       method="log-rank" if strata is None else "stratified log-rank")


def cox_model(durations: Sequence[float], events: Sequence[bool | int],
              covariates: Mapping[str, Sequence[float]], strata: Sequence[str] | None = None,
              confidence: float = DEFAULT_CONFIDENCE) -> CoxModel:
    """Hazard ratios (per unit of each numeric covariate) with Wald CIs, from lifelines'
    CoxPHFitter (Efron ties, as R's coxph). Categorical covariates are coded 0/1 by the caller.
    `strata` (e.g. centre) gives each stratum its own baseline hazard.
    """
    times, flags = follow_up_arrays(durations, events)
    check_probability("confidence", confidence)
    if not covariates:
        raise ImplausibleValueError("a Cox model needs at least one covariate")
    frame = pd.DataFrame({"_time": times, "_event": flags.astype(int)})
    for name, values in covariates.items():
        column = np.asarray(values, dtype=float)
        if column.shape != times.shape or not np.all(np.isfinite(column)):
            raise ImplausibleValueError(f"covariate {name!r} needs one finite number per patient")
        frame[name] = column
    strata_columns: list[str] = []
    if strata is not None:
        if len(strata) != times.size:
            raise ImplausibleValueError("strata need one entry per patient")
        frame["_stratum"] = [str(s) for s in strata]
        strata_columns = ["_stratum"]
    fitter = CoxPHFitter(alpha=1.0 - confidence)
    fitter.fit(frame, duration_col="_time", event_col="_event", strata=strata_columns or None)
    summary = fitter.summary
    # lifelines names the limits after the level ("exp(coef) lower 95%"); find them by prefix.
    lower = next(c for c in summary.columns if str(c).startswith("exp(coef) lower"))
    upper = next(c for c in summary.columns if str(c).startswith("exp(coef) upper"))
    ratios = tuple(
        HazardRatio(covariate=str(name), hazard_ratio=float(row["exp(coef)"]),
                    ci_low=float(row[lower]),
                    ci_high=float(row[upper]),
                    p_value=float(row["p"]))
        for name, row in summary.iterrows())
    return CoxModel(hazard_ratios=ratios, n=int(times.size), events=int(flags.sum()),
                    strata=tuple(sorted({str(s) for s in strata})) if strata is not None else (),
                    confidence=confidence, method="cox proportional hazards (efron ties)")
