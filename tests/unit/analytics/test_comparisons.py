"""Log-rank tests (two-sample, stratified, one-sample) and the Cox wrapper, against R.

Golden values: R 4.2.2, survival 3.5.3, tests/golden/km_aml.R (output km_aml.out), data
tests/golden/aml.csv, with an artificial centre (odd rows "A", even rows "B"):

    survdiff(Surv(time, status) ~ x, data = aml)                      # chisq 3.396388699
    survdiff(Surv(time, status) ~ x + strata(centre), data = aml)     # chisq 2.720759373
    survdiff(Surv(time, status) ~ offset(exp(-0.02 * time)), data = aml)
    coxph(Surv(time, status) ~ x, data = aml)                         # Efron ties
    coxph(Surv(time, status) ~ x + strata(centre), data = aml)
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from lifelines.statistics import logrank_test

from thrombo.analytics.comparisons import (
    ReferenceCurve,
    cox_model,
    one_sample_logrank,
    stratified_logrank,
)
from thrombo.errors import ImplausibleValueError

GOLDEN = Path(__file__).parents[2] / "golden"


def load_aml() -> tuple[list[float], list[int], list[str], list[str]]:
    with (GOLDEN / "aml.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    centre = ["A" if i % 2 == 0 else "B" for i in range(len(rows))]  # R: odd rows (1-based) "A"
    return ([float(r["time"]) for r in rows], [int(r["status"]) for r in rows],
            [r["x"] for r in rows], centre)


def test_log_rank_matches_survdiff_and_lifelines() -> None:
    time, status, arm, _ = load_aml()
    test = stratified_logrank(time, status, arm)
    assert test.groups == ("Maintained", "Nonmaintained")
    assert test.observed == (7.0, 11.0)
    assert test.expected == pytest.approx((10.68934, 7.31066), abs=1e-5)
    assert test.statistic == pytest.approx(3.396388699, abs=1e-8)
    assert test.p_value == pytest.approx(0.06533932204, abs=1e-9)
    kept = [a == "Maintained" for a in arm]
    other = logrank_test([t for t, k in zip(time, kept, strict=True) if k],
                         [t for t, k in zip(time, kept, strict=True) if not k],
                         [s for s, k in zip(status, kept, strict=True) if k],
                         [s for s, k in zip(status, kept, strict=True) if not k])
    assert test.statistic == pytest.approx(other.test_statistic, rel=1e-10)


def test_stratified_log_rank_matches_survdiff_with_strata() -> None:
    time, status, arm, centre = load_aml()
    test = stratified_logrank(time, status, arm, strata=centre)
    assert test.expected == pytest.approx((10.35675, 7.64325), abs=1e-5)
    assert test.statistic == pytest.approx(2.720759373, abs=1e-8)
    assert test.p_value == pytest.approx(0.09905088214, abs=1e-9)
    assert (test.strata, test.method) == (2, "stratified log-rank")


def test_three_groups_have_two_degrees_of_freedom() -> None:
    time, status, arm, centre = load_aml()
    groups = [f"{a}-{c}" if a == "Maintained" else a for a, c in zip(arm, centre, strict=True)]
    test = stratified_logrank(time, status, groups)
    assert test.degrees_of_freedom == 2
    assert sum(test.observed) == pytest.approx(sum(test.expected))


def test_log_rank_needs_two_groups() -> None:
    with pytest.raises(ImplausibleValueError, match="two groups"):
        stratified_logrank([1, 2, 3], [1, 1, 0], ["a", "a", "a"])


def test_one_sample_log_rank_matches_survdiff_offset() -> None:
    """R: observed 18, expected 13.56, chisq 1.45380531, p 0.2279183385 (R prints Z = -1.2057,
    the sign of E - O)."""
    time, status, _, _ = load_aml()
    reference = ReferenceCurve(times=(0.0, 1.0), survival=(1.0, math.exp(-0.02)))
    test = one_sample_logrank(time, status, reference)
    assert test.observed == 18
    assert test.expected == pytest.approx(13.56)
    assert test.statistic == pytest.approx(1.45380531, abs=1e-8)
    assert test.p_value == pytest.approx(0.2279183385, abs=1e-9)
    assert test.z == pytest.approx(1.205738, abs=1e-6)


def test_exponential_reference_through_a_landmark() -> None:
    """Hand check: 50% survival at 183 days -> hazard log(2)/183; two patients followed 183 and
    366 days expect log(2) * (1 + 2) = 2.0794 deaths."""
    reference = ReferenceCurve.exponential(0.5, 183)
    test = one_sample_logrank([183, 366], [1, 0], reference)
    assert test.expected == pytest.approx(3 * math.log(2))


def test_reference_curve_interpolates_the_cumulative_hazard_between_knots() -> None:
    """Knots S(0) = 1, S(10) = 0.8, S(20) = 0.5: at day 15, -log S is halfway between
    -log 0.8 and -log 0.5."""
    reference = ReferenceCurve(times=(0.0, 10.0, 20.0), survival=(1.0, 0.8, 0.5))
    test = one_sample_logrank([15], [0], reference)
    assert test.expected == pytest.approx((-math.log(0.8) - math.log(0.5)) / 2)


@pytest.mark.parametrize(("times", "survival"), [
    ((0.0,), (1.0,)), ((1.0, 2.0), (1.0, 0.5)), ((0.0, 5.0), (1.0, 1.2)),
    ((0.0, 5.0, 4.0), (1.0, 0.9, 0.8)), ((0.0, 5.0), (1.0, 0.0))])
def test_malformed_reference_curves_are_refused(times: tuple[float, ...],
                                                survival: tuple[float, ...]) -> None:
    with pytest.raises(ImplausibleValueError):
        ReferenceCurve(times=times, survival=survival)


def test_cox_hazard_ratio_matches_coxph() -> None:
    """R: exp(coef) 2.498105, lower .95 0.9159073, upper .95 6.813496, p 0.073715."""
    time, status, arm, _ = load_aml()
    model = cox_model(time, status, {"nonmaintained": [float(a == "Nonmaintained") for a in arm]})
    (hr,) = model.hazard_ratios
    assert hr.covariate == "nonmaintained"
    assert hr.hazard_ratio == pytest.approx(2.498105, rel=1e-5)
    assert hr.ci_low == pytest.approx(0.9159073, rel=1e-5)
    assert hr.ci_high == pytest.approx(6.813496, rel=1e-5)
    assert hr.p_value == pytest.approx(0.073715, abs=1e-5)
    assert (model.n, model.events) == (23, 18)


def test_cox_stratified_by_centre_matches_coxph_with_strata() -> None:
    """R: exp(coef) 2.273615, lower .95 0.8344496, upper .95 6.194893, p 0.10826."""
    time, status, arm, centre = load_aml()
    model = cox_model(time, status, {"nonmaintained": [float(a == "Nonmaintained") for a in arm]},
                      strata=centre)
    (hr,) = model.hazard_ratios
    assert hr.hazard_ratio == pytest.approx(2.273615, rel=1e-5)
    assert hr.ci_low == pytest.approx(0.8344496, rel=1e-5)
    assert hr.ci_high == pytest.approx(6.194893, rel=1e-5)
    assert hr.p_value == pytest.approx(0.10826, abs=1e-5)
    assert model.strata == ("A", "B")
    assert model.to_json()["method"] == "cox proportional hazards (efron ties)"


def test_cox_refuses_missing_or_ragged_covariates() -> None:
    time, status, _, _ = load_aml()
    with pytest.raises(ImplausibleValueError):
        cox_model(time, status, {})
    with pytest.raises(ImplausibleValueError, match="covariate 'age'"):
        cox_model(time, status, {"age": [1.0, 2.0]})
