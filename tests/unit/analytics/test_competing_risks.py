"""Aalen-Johansen cumulative incidence with tied times, against R's cmprsk::cuminc.

Golden values: R 4.2.2, cmprsk 2.2-11, tests/golden/cif_ties.R (output cif_ties.out):

    d <- read.csv("cif_ties.csv")
    ci <- cuminc(ftime = d$time, fstatus = d$cause, cencode = 0)
    timepoints(ci, c(0.5, 1, 2, 3, 3.5, 4, 5, 6))

The estimates are also computed by hand in thrombo.analytics.competing_risks' docstring.
Gray's test is not implemented (see the module report), so it is not tested here.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrombo.analytics.competing_risks import aalen_johansen, incidence_at
from thrombo.errors import ImplausibleValueError

GOLDEN = Path(__file__).parents[2] / "golden"
LANDMARKS = [0.5, 1, 2, 3, 3.5, 4, 5, 6]

# timepoints(ci, LANDMARKS)$est and $var, rows "1 1" (cause 1) and "1 2" (cause 2)
R_EST = {1: [0, 0.1, 0.2, 0.3166666667, 0.3166666667, 0.55, 0.55, 0.7833333333],
         2: [0, 0.0, 0.1, 0.1, 0.1, 0.2166666667, 0.2166666667, 0.2166666667]}
R_VAR = {1: [0, 0.01, 0.01790123457, 0.02659807956, 0.02659807956, 0.03281666667,
             0.03281666667, 0.07640178326],
         2: [0, 0.0, 0.01012345679, 0.01012345679, 0.01012345679, 0.02195733882,
             0.02195733882, 0.02195733882]}


def load_ties() -> tuple[list[float], list[int]]:
    with (GOLDEN / "cif_ties.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return [float(r["time"]) for r in rows], [int(r["cause"]) for r in rows]


@pytest.mark.parametrize("cause", [1, 2])
def test_estimates_and_variances_match_cmprsk(cause: int) -> None:
    time, kinds = load_ties()
    curve = aalen_johansen(time, kinds).curve(cause)
    for t, est, var in zip(LANDMARKS, R_EST[cause], R_VAR[cause], strict=True):
        i = max(j for j, u in enumerate(curve.times) if u <= t)
        assert curve.incidence[i] == pytest.approx(est, abs=1e-9)
        assert curve.variance[i] == pytest.approx(var, abs=1e-10)


def test_hand_computation_of_the_tied_example() -> None:
    """Docstring of thrombo.analytics.competing_risks: F1 = 0.1, 0.2, 0.31667, 0.55, 0.78333;
    F2 = 0.1 from day 2, 0.21667 from day 4; event-free S = 0.9, 0.7, 0.58333, 0.23333, 0."""
    time, kinds = load_ties()
    est = aalen_johansen(time, kinds)
    assert est.times == (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert est.event_free == pytest.approx([1, 0.9, 0.7, 0.7 * 5 / 6, 0.7 * 5 / 6 * 2 / 5,
                                            0.7 * 5 / 6 * 2 / 5, 0])
    assert est.curve(1).incidence == pytest.approx([0, 0.1, 0.2, 0.2 + 0.7 / 6, 0.55, 0.55,
                                                    0.55 + 0.7 / 3])


def test_second_example_where_the_last_follow_up_is_a_competing_event() -> None:
    """cif_ties.out, second example: cuminc(c(1, 2, 3, 3, 4), c(2, 1, 1, 0, 2))."""
    est = aalen_johansen([1, 2, 3, 3, 4], [2, 1, 1, 0, 2])
    assert est.curve(1).incidence[1:] == pytest.approx([0.0, 0.2, 0.4, 0.4])
    assert est.curve(1).variance[1:] == pytest.approx([0.0, 0.0425, 0.06777777778, 0.06777777778])
    assert est.curve(2).incidence[1:] == pytest.approx([0.2, 0.2, 0.2, 0.6])
    assert est.curve(2).variance[1:] == pytest.approx([0.04, 0.04, 0.04, 0.22777777778])


def test_result_does_not_depend_on_row_order() -> None:
    """No jitter: shuffling the patients gives the identical estimate, to the last bit."""
    time, kinds = load_ties()
    reference = aalen_johansen(time, kinds)
    rows = list(zip(time, kinds, strict=True))
    random.Random(7).shuffle(rows)
    shuffled = aalen_johansen([t for t, _ in rows], [k for _, k in rows])
    assert shuffled == reference


def test_landmark_reading_and_log_log_interval() -> None:
    """Day 4.5 reads the day-4 step. The interval is exp(-exp(log(-log F) +/- z*se/|F log F|)),
    hand-computed here from cmprsk's variance 0.03281666667 at F = 0.55."""
    time, kinds = load_ties()
    at = incidence_at(aalen_johansen(time, kinds).curve(1), 4.5)
    assert at.estimate == pytest.approx(0.55)
    assert at.ci_low == pytest.approx(0.172025, abs=1e-6)
    assert at.ci_high == pytest.approx(0.816229, abs=1e-6)
    assert at.method == "aalen-johansen, cmprsk variance, log-log CI"


def test_requested_cause_that_never_occurs_is_zero() -> None:
    est = aalen_johansen([3, 5, 8], [0, 2, 0], event_types=[1, 2])
    assert est.curve(1).incidence == (0.0, 0.0, 0.0, 0.0)
    assert est.curve(1).ci_low == (0.0, 0.0, 0.0, 0.0)


def test_landmark_after_follow_up_is_refused() -> None:
    time, kinds = load_ties()
    with pytest.raises(ImplausibleValueError, match="longest follow-up"):
        incidence_at(aalen_johansen(time, kinds).curve(1), 28)


@pytest.mark.parametrize(("durations", "causes"), [
    ([], []), ([1, 2], [1]), ([-1, 2], [1, 0]), ([1, 2], [1, -2]), ([1, 2], [0.5, 1])])
def test_bad_input_is_refused(durations: list[float], causes: list[float]) -> None:
    with pytest.raises(ImplausibleValueError):
        aalen_johansen(durations, causes)  # type: ignore[arg-type]


follow_up = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3)), min_size=1, max_size=40)


@given(follow_up)
def test_incidences_and_event_free_survival_sum_to_at_most_one(
        data: list[tuple[int, int]]) -> None:
    est = aalen_johansen([t for t, _ in data], [k for _, k in data], event_types=[1, 2, 3])
    for j in range(len(est.times)):
        total = est.event_free[j] + sum(c.incidence[j] for c in est.curves)
        assert total <= 1.0 + 1e-12
        assert total == pytest.approx(1.0)  # Aalen-Johansen partitions the probability
    for curve in est.curves:
        assert all(a <= b + 1e-15 for a, b in zip(curve.incidence, curve.incidence[1:],
                                                  strict=False))
