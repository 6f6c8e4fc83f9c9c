"""Result types shared by the statistical modules of the analytics layer.

Every result is a frozen dataclass that names the `method` it was computed with and turns into
plain JSON-ready dicts with `to_json()`. Undefined numbers (a confidence limit where the curve is
at 0, a median that is never reached) are `None` in the dataclass and `null` in JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

Json: TypeAlias = bool | int | float | str | list["Json"] | dict[str, "Json"] | None


def finite_or_none(value: float) -> float | None:
    """NaN and infinities are not numbers a reader can use: they become None (JSON null)."""
    return value if math.isfinite(value) else None


# --- proportions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProportionEstimate:
    """k of n with its confidence interval."""

    k: int
    n: int
    rate: float
    ci_low: float
    ci_high: float
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"k": self.k, "n": self.n, "rate": self.rate, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "confidence": self.confidence, "method": self.method}


@dataclass(frozen=True)
class BinomialTest:
    """An exact one-sample binomial test of k of n against a historical-control rate p0."""

    k: int
    n: int
    p0: float
    alternative: str
    p_value: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"k": self.k, "n": self.n, "p0": self.p0, "alternative": self.alternative,
                "p_value": self.p_value, "method": self.method}


@dataclass(frozen=True)
class SingleStageDesign:
    """Treat n patients; declare the treatment promising if more than r respond."""

    p0: float
    p1: float
    target_alpha: float
    target_beta: float
    n: int
    r: int
    alpha: float
    power: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"p0": self.p0, "p1": self.p1, "target_alpha": self.target_alpha,
                "target_beta": self.target_beta, "n": self.n, "r": self.r,
                "alpha": self.alpha, "power": self.power, "method": self.method}


# --- survival ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier step function: `survival[i]` holds on [times[i], times[i+1])."""

    times: tuple[float, ...]
    survival: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    censored: tuple[int, ...]
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"times": list(self.times), "survival": list(self.survival),
                "ci_low": [finite_or_none(v) for v in self.ci_low],
                "ci_high": [finite_or_none(v) for v in self.ci_high],
                "at_risk": list(self.at_risk), "events": list(self.events),
                "censored": list(self.censored), "confidence": self.confidence,
                "method": self.method}


@dataclass(frozen=True)
class LandmarkEstimate:
    """A curve read at one time (survival, or cumulative incidence), with its CI."""

    time: float
    estimate: float
    ci_low: float | None
    ci_high: float | None
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"time": self.time, "estimate": self.estimate, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "confidence": self.confidence, "method": self.method}


@dataclass(frozen=True)
class AtRiskRow:
    """Patients still followed at `time`, and events and censorings up to and including it."""

    time: float
    at_risk: int
    events_so_far: int
    censored_so_far: int

    def to_json(self) -> dict[str, Json]:
        return {"time": self.time, "at_risk": self.at_risk,
                "events_so_far": self.events_so_far, "censored_so_far": self.censored_so_far}


@dataclass(frozen=True)
class MedianSurvival:
    """Median time to event; None where the curve (or a CI limit) never reaches one half."""

    median: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"median": self.median, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "confidence": self.confidence, "method": self.method}


# --- competing risks -----------------------------------------------------------------------


@dataclass(frozen=True)
class CumulativeIncidenceCurve:
    """Aalen-Johansen cumulative incidence of one cause, a step function on `times`."""

    cause: int
    times: tuple[float, ...]
    incidence: tuple[float, ...]
    variance: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"cause": self.cause, "times": list(self.times),
                "incidence": list(self.incidence), "variance": list(self.variance),
                "ci_low": [finite_or_none(v) for v in self.ci_low],
                "ci_high": [finite_or_none(v) for v in self.ci_high],
                "confidence": self.confidence, "method": self.method}


@dataclass(frozen=True)
class CompetingRisksEstimate:
    """Cumulative incidence of every cause, and the probability of being free of all events."""

    times: tuple[float, ...]
    event_free: tuple[float, ...]
    curves: tuple[CumulativeIncidenceCurve, ...]
    method: str

    def curve(self, cause: int) -> CumulativeIncidenceCurve:
        for curve in self.curves:
            if curve.cause == cause:
                return curve
        raise KeyError(f"no cause {cause} in this estimate")

    def to_json(self) -> dict[str, Json]:
        return {"times": list(self.times), "event_free": list(self.event_free),
                "curves": [c.to_json() for c in self.curves], "method": self.method}


# --- comparisons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LogRankTest:
    """A (possibly stratified) log-rank test between groups."""

    groups: tuple[str, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    statistic: float
    degrees_of_freedom: int
    p_value: float
    strata: int
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"groups": list(self.groups), "observed": list(self.observed),
                "expected": list(self.expected), "statistic": self.statistic,
                "degrees_of_freedom": self.degrees_of_freedom, "p_value": self.p_value,
                "strata": self.strata, "method": self.method}


@dataclass(frozen=True)
class OneSampleLogRankTest:
    """Observed events against those expected under a reference survival curve."""

    observed: int
    expected: float
    z: float
    statistic: float
    p_value: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"observed": self.observed, "expected": self.expected, "z": self.z,
                "statistic": self.statistic, "p_value": self.p_value, "method": self.method}


@dataclass(frozen=True)
class HazardRatio:
    """One covariate of a Cox model: hazard ratio per unit, its CI and Wald p-value."""

    covariate: str
    hazard_ratio: float
    ci_low: float
    ci_high: float
    p_value: float

    def to_json(self) -> dict[str, Json]:
        return {"covariate": self.covariate, "hazard_ratio": self.hazard_ratio,
                "ci_low": self.ci_low, "ci_high": self.ci_high, "p_value": self.p_value}


@dataclass(frozen=True)
class CoxModel:
    """A fitted proportional-hazards model, summarised as hazard ratios."""

    hazard_ratios: tuple[HazardRatio, ...]
    n: int
    events: int
    strata: tuple[str, ...]
    confidence: float
    method: str

    def to_json(self) -> dict[str, Json]:
        return {"hazard_ratios": [h.to_json() for h in self.hazard_ratios], "n": self.n,
                "events": self.events, "strata": list(self.strata),
                "confidence": self.confidence, "method": self.method}


# --- trial design --------------------------------------------------------------------------


@dataclass(frozen=True)
class SimonDesign:
    """Stop after stage 1 if at most r1 of n1 respond; promising if more than r of n respond.

    `en0` is the expected sample size and `pet0` the probability of early termination, both
    when the true rate is p0; `alpha` and `power` are the attained error rates.
    """

    r1: int
    n1: int
    r: int
    n: int
    en0: float
    pet0: float
    alpha: float
    power: float

    def to_json(self) -> dict[str, Json]:
        # Rounded as Simon's 1989 table and interface.md ("design simon --json") print them.
        return {"r1": self.r1, "n1": self.n1, "r": self.r, "n": self.n,
                "en0": round(self.en0, 1), "pet0": round(self.pet0, 2),
                "alpha": round(self.alpha, 4), "power": round(self.power, 3)}


@dataclass(frozen=True)
class SimonDesigns:
    """The optimal (smallest EN0) and minimax (smallest n) Simon two-stage designs."""

    p0: float
    p1: float
    alpha: float
    beta: float
    optimal: SimonDesign
    minimax: SimonDesign
    method: str
    n_max: int
    """The largest total sample size searched (a rule option: a larger search may find others)."""

    def to_json(self) -> dict[str, Json]:
        return {"p0": self.p0, "p1": self.p1, "alpha": self.alpha, "beta": self.beta,
                "optimal": self.optimal.to_json(), "minimax": self.minimax.to_json(),
                "method": self.method,
                "rules": {"name": "simon-1989", "version": "1",
                          "options": {"n_max": self.n_max, "alpha": "one-sided"}}}
