"""Kaplan-Meier with log-log CI, landmarks, at-risk table and median, against R.

Golden values: R 4.2.2, survival 3.5.3, tests/golden/km_aml.R (output km_aml.out), data
survival::aml exported to tests/golden/aml.csv:

    fit <- survfit(Surv(time, status) ~ 1, data = aml, conf.type = "log-log")
    summary(fit); summary(fit, times = c(0, 5, 9, 12, 13, 20, 30, 45, 48, 100, 161)); print(fit)

R prints six to seven significant digits, so estimates are compared to 1e-6 and limits to 1e-5.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrombo.analytics.survival import (
    at_risk_table,
    kaplan_meier,
    median_survival,
    survival_at,
)
from thrombo.errors import ImplausibleValueError

GOLDEN = Path(__file__).parents[2] / "golden"


def load_aml() -> tuple[list[float], list[int], list[str]]:
    with (GOLDEN / "aml.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return ([float(r["time"]) for r in rows], [int(r["status"]) for r in rows],
            [r["x"] for r in rows])


# summary(fit): time, n.risk, n.event, survival, lower 95% CI, upper 95% CI
R_SUMMARY = [
    (5, 23, 2, 0.9130435, 0.69494754, 0.977516),
    (8, 21, 2, 0.8260870, 0.60061041, 0.930904),
    (9, 19, 1, 0.7826087, 0.55421151, 0.903207),
    (12, 18, 1, 0.7391304, 0.50920944, 0.873376),
    (13, 17, 1, 0.6956522, 0.46564175, 0.841721),
    (18, 14, 1, 0.6459627, 0.41395295, 0.805308),
    (23, 13, 2, 0.5465839, 0.31925041, 0.726449),
    (27, 11, 1, 0.4968944, 0.27556563, 0.684214),
    (30, 9, 1, 0.4416839, 0.22738117, 0.637093),
    (31, 8, 1, 0.3864734, 0.18283662, 0.587477),
    (33, 7, 1, 0.3312629, 0.14182569, 0.535274),
    (34, 6, 1, 0.2760524, 0.10444134, 0.480285),
    (43, 5, 1, 0.2208420, 0.07099665, 0.422167),
    (45, 4, 1, 0.1656315, 0.04211428, 0.360361),
    (48, 2, 1, 0.0828157, 0.00695597, 0.286760),
]

# summary(fit, times = ...): time, n.risk, survival, lower, upper
R_LANDMARKS = [
    (0, 23, 1.0, 1.0, 1.0),
    (5, 23, 0.9130435, 0.69494754, 0.977516),
    (9, 19, 0.7826087, 0.55421151, 0.903207),
    (12, 18, 0.7391304, 0.50920944, 0.873376),
    (13, 17, 0.6956522, 0.46564175, 0.841721),
    (20, 13, 0.6459627, 0.41395295, 0.805308),
    (30, 9, 0.4416839, 0.22738117, 0.637093),
    (45, 4, 0.1656315, 0.04211428, 0.360361),
    (48, 2, 0.0828157, 0.00695597, 0.286760),
    (100, 1, 0.0828157, 0.00695597, 0.286760),
    (161, 1, 0.0828157, 0.00695597, 0.286760),
]


def test_event_times_match_r_summary() -> None:
    time, status, _ = load_aml()
    curve = kaplan_meier(time, status)
    for t, n_risk, n_event, surv, low, high in R_SUMMARY:
        i = curve.times.index(float(t))
        assert (curve.at_risk[i], curve.events[i]) == (n_risk, n_event)
        assert curve.survival[i] == pytest.approx(surv, abs=1e-6)
        assert curve.ci_low[i] == pytest.approx(low, abs=1e-6)
        assert curve.ci_high[i] == pytest.approx(high, abs=1e-5)
    assert curve.method == "kaplan-meier, log-log CI"


@pytest.mark.parametrize(("t", "n_risk", "surv", "low", "high"), R_LANDMARKS)
def test_landmarks_read_from_the_step_function_match_r(t: float, n_risk: int, surv: float,
                                                       low: float, high: float) -> None:
    time, status, _ = load_aml()
    estimate = survival_at(kaplan_meier(time, status), t)
    assert estimate.estimate == pytest.approx(surv, abs=1e-6)
    assert estimate.ci_low == pytest.approx(low, abs=1e-6)
    assert estimate.ci_high == pytest.approx(high, abs=1e-5)
    (row,) = at_risk_table(time, status, [t])
    assert row.at_risk == n_risk


def test_landmark_between_steps_takes_the_earlier_step() -> None:
    """S(29.9) is the value set at day 27 (0.4968944 in R), not the day-30 drop."""
    time, status, _ = load_aml()
    assert survival_at(kaplan_meier(time, status), 29.9).estimate == pytest.approx(0.4968944,
                                                                                   abs=1e-6)


def test_landmark_beyond_follow_up_is_refused() -> None:
    time, status, _ = load_aml()
    with pytest.raises(ImplausibleValueError, match="longest follow-up"):
        survival_at(kaplan_meier(time, status), 183)


def test_median_and_its_ci_match_r() -> None:
    """print(fit): median 27, 0.95LCL 13, 0.95UCL 34; Maintained arm: 31, 13, NA."""
    time, status, arm = load_aml()
    overall = median_survival(kaplan_meier(time, status))
    assert (overall.median, overall.ci_low, overall.ci_high) == (27.0, 13.0, 34.0)
    kept = [i for i, a in enumerate(arm) if a == "Maintained"]
    maintained = median_survival(kaplan_meier([time[i] for i in kept], [status[i] for i in kept]))
    assert (maintained.median, maintained.ci_low, maintained.ci_high) == (31.0, 13.0, None)


def test_maintained_arm_matches_r() -> None:
    """summary(survfit(..., data = subset(aml, x == "Maintained"), conf.type = "log-log"))."""
    time, status, arm = load_aml()
    kept = [i for i, a in enumerate(arm) if a == "Maintained"]
    curve = kaplan_meier([time[i] for i in kept], [status[i] for i in kept])
    at_48 = survival_at(curve, 48)
    assert at_48.estimate == pytest.approx(0.184091, abs=1e-6)
    assert at_48.ci_low == pytest.approx(0.0117385, abs=1e-6)
    assert at_48.ci_high == pytest.approx(0.525015, abs=1e-5)


def test_median_on_a_flat_half_is_the_midpoint() -> None:
    """Hand check: 4 patients, deaths at 1 and 2, censored at 3, death at 5 -> S = 0.5 on [2, 5),
    0 from 5: R's rule gives the midpoint (2 + 5) / 2 = 3.5; R (km_aml.out, last section):
    median 3.5, 0.95LCL 1, 0.95UCL NA."""
    found = median_survival(kaplan_meier([1, 2, 3, 5], [1, 1, 0, 1]))
    assert (found.median, found.ci_low, found.ci_high) == (3.5, 1.0, None)


def test_ci_is_undefined_where_survival_reaches_zero() -> None:
    """R (km_aml.out, last section): at S = 0.5 lower 0.00598, upper 0.91; at S = 0 NA.
    JSON carries null there."""
    curve = kaplan_meier([1, 2], [1, 1])
    end = survival_at(curve, 2)
    assert end.estimate == 0.0
    assert end.ci_low is None and end.ci_high is None
    assert curve.to_json()["ci_low"] == [1.0, pytest.approx(0.00598, abs=1e-5), None]
    assert curve.ci_high[1] == pytest.approx(0.91, abs=5e-3)


def test_at_risk_table_counts_events_and_censorings_so_far() -> None:
    time, status, _ = load_aml()
    rows = at_risk_table(time, status, [0, 13, 161])
    assert [(r.at_risk, r.events_so_far, r.censored_so_far) for r in rows] == [
        (23, 0, 0), (17, 7, 1), (1, 18, 5)]


@pytest.mark.parametrize(("durations", "events"), [
    ([], []), ([1, 2], [1]), ([-1, 2], [1, 1]), ([1, float("nan")], [1, 0]), ([1, 2], [1, 2])])
def test_bad_follow_up_is_refused(durations: list[float], events: list[int]) -> None:
    with pytest.raises(ImplausibleValueError):
        kaplan_meier(durations, events)


follow_up = st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=40)


@given(follow_up)
def test_kaplan_meier_never_rises_and_limits_bracket_it(data: list[tuple[int, bool]]) -> None:
    curve = kaplan_meier([d for d, _ in data], [int(e) for _, e in data])
    assert all(a >= b for a, b in zip(curve.survival, curve.survival[1:], strict=False))
    for s, low, high in zip(curve.survival, curve.ci_low, curve.ci_high, strict=True):
        assert 0.0 <= s <= 1.0
        if s > 0:
            assert low - 1e-12 <= s <= high + 1e-12
