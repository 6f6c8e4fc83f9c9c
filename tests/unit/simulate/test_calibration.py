"""Over many simulated patients the outcome rates approach the configured ones.

Defaults reproduce the single-centre study (seed 000_56e8c5c5802e858b.txt): 70% resolution by
day 28, 80% 6-month survival, 60% organ recovery, no major bleeding. Each observed proportion
must lie within 3 standard errors (sqrt(p(1-p)/n)) of the configured rate.
"""

from __future__ import annotations

import math

import pytest

from thrombo.simulate import SimulationConfig, simulate_hsct_patient
from thrombo.simulate.hsct import draw_cohort
from thrombo.simulate.rng import patient_rng

N = 2000
TREATED = SimulationConfig(seed=2026, tma_fraction=1.0, poor_graft_function_fraction=0.0,
                           infection_lookalike_fraction=0.0)


@pytest.fixture(scope="module")
def truths() -> list[dict[str, str]]:
    return [simulate_hsct_patient(TREATED, index).truth for index in range(N)]


def assert_within_3_se(observed: int, n: int, rate: float) -> None:
    se = math.sqrt(rate * (1.0 - rate) / n)
    assert abs(observed / n - rate) <= 3.0 * se, f"{observed}/{n} vs {rate}"


@pytest.mark.parametrize(
    ("column", "rate"),
    [
        ("resolved_by_day_28", TREATED.resolution_by_day_28),
        ("died_within_6_months", 1.0 - TREATED.survival_6_months),
        ("organ_recovery", TREATED.organ_recovery),
        ("hypotension", TREATED.hypotension),
        ("minor_bleeding", TREATED.minor_bleeding),
    ],
)
def test_outcome_rates_match_the_configuration(
    truths: list[dict[str, str]], column: str, rate: float
) -> None:
    observed = sum(t[column] == "true" for t in truths)
    assert_within_3_se(observed, N, rate)


def test_no_major_bleeding_by_default(truths: list[dict[str, str]]) -> None:
    assert all(t["major_bleeding"] == "false" for t in truths)


def test_the_seed_study_rates_are_the_defaults() -> None:
    """Seed 000_56e8c5c5802e858b.txt, Results and Safety."""
    defaults = SimulationConfig()
    assert (defaults.resolution_by_day_28, defaults.survival_6_months) == (0.70, 0.80)
    assert (defaults.organ_recovery, defaults.major_bleeding) == (0.60, 0.0)


def test_other_rates_are_reproduced_too() -> None:
    config = SimulationConfig(seed=5, tma_fraction=1.0, resolution_by_day_28=0.4,
                              survival_6_months=0.6, organ_recovery=0.3,
                              poor_graft_function_fraction=0.0, infection_lookalike_fraction=0.0)
    truths = [simulate_hsct_patient(config, index).truth for index in range(600)]
    assert_within_3_se(sum(t["resolved_by_day_28"] == "true" for t in truths), 600, 0.4)
    assert_within_3_se(sum(t["died_within_6_months"] == "true" for t in truths), 600, 0.4)
    assert_within_3_se(sum(t["organ_recovery"] == "true" for t in truths), 600, 0.3)


def test_cohort_mix_matches_the_fractions() -> None:
    """TA-TMA incidence default 6.3% (clinical-reference.md B2 context)."""
    config = SimulationConfig(seed=9)
    n = 20_000
    draws = [draw_cohort(patient_rng(9, 0, i), config) for i in range(n)]
    assert_within_3_se(draws.count("tma"), n, config.tma_fraction)
    assert_within_3_se(draws.count("pgf"), n, config.poor_graft_function_fraction)
    assert_within_3_se(draws.count("infection"), n, config.infection_lookalike_fraction)
