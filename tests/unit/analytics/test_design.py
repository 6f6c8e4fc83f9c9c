"""Simon two-stage designs and the `thrombo design simon` command.

Golden rows: Simon R. Control Clin Trials 1989;10:1-10, table (alpha 0.05, beta 0.20 and
alpha 0.10, beta 0.10 blocks), as quoted in clinical-reference.md section G for p0 0.2/p1 0.4.
clinfun::ph2simon is not packaged for Debian, so every row is also reproduced by the independent
unpruned brute-force search in tests/golden/simon.R (output: tests/golden/simon.out), whose EN0,
PET0, attained alpha and power are the values checked here.
"""

from __future__ import annotations

import json

import pytest
from scipy.stats import binom
from typer.testing import CliRunner

import thrombo.cli.design  # noqa: F401  (registers `thrombo design`)
from thrombo.analytics.design import simon_two_stage
from thrombo.analytics.proportions import single_stage_sample_size
from thrombo.cli.app import app
from thrombo.errors import ImplausibleValueError

Design = tuple[int, int, int, int, float, float]


def _design(text: str) -> Design:
    r1, n1, r, n, en0, pet0 = text.split()
    return int(r1), int(n1), int(r), int(n), float(en0), float(pet0)


Inputs = tuple[float, float, float, float]


def _simon_rows(table: str) -> list[tuple[Inputs, Design, Design]]:
    """One row a line: p0 p1 alpha beta | optimal design | minimax design."""
    rows = []
    for line in table.strip().splitlines():
        inputs, optimal, minimax = line.split("|")
        p0, p1, alpha, beta = (float(x) for x in inputs.split())
        rows.append(((p0, p1, alpha, beta), _design(optimal), _design(minimax)))
    return rows


# p0  p1   alpha beta | optimal r1, n1, r, n, EN0, PET0 | minimax r1, n1, r, n, EN0, PET0
SIMON_1989 = _simon_rows("""
0.05 0.25 0.05 0.20 |  0  9  2 17 11.95800472 0.6302494097 |  0 12  2 16 13.83855965 0.5403600877
0.10 0.30 0.05 0.20 |  1 10  5 29 15.01412035 0.7360989291 |  1 15  5 25 19.50956981 0.5490430189
0.20 0.40 0.05 0.20 |  3 13 12 43 20.58027071 0.7473243095 |  4 18 10 33 22.25469276 0.7163538157
0.30 0.50 0.05 0.20 |  5 15 18 46 23.62973535 0.7216214402 |  6 19 16 39 25.68996986 0.6655015070
0.40 0.60 0.05 0.20 |  7 16 23 46 24.51809942 0.7160633527 | 17 34 20 39 34.43584158 0.9128316850
0.50 0.70 0.05 0.20 |  8 15 26 43 23.50134277 0.6963806152 | 12 23 23 37 27.74347639 0.6611802578
0.60 0.80 0.05 0.20 |  7 11 30 43 20.48109640 0.7037157376 |  8 13 25 35 20.76692062 0.6469581537
0.10 0.30 0.10 0.10 |  1 12  5 35 19.84294821 0.6590022518 |  1 16  4 25 20.36744953 0.5147278302
""")


@pytest.mark.parametrize(("inputs", "optimal", "minimax"), SIMON_1989)
def test_designs_match_simon_1989_and_the_r_search(
        inputs: Inputs, optimal: Design, minimax: Design) -> None:
    designs = simon_two_stage(*inputs)
    for found, expected in ((designs.optimal, optimal), (designs.minimax, minimax)):
        assert (found.r1, found.n1, found.r, found.n) == expected[:4]
        assert found.en0 == pytest.approx(expected[4], abs=1e-7)
        assert found.pet0 == pytest.approx(expected[5], abs=1e-9)
        assert found.alpha <= inputs[2]
        assert found.power >= 1 - inputs[3]


def test_worked_check_attained_error_rates() -> None:
    """clinical-reference.md G: optimal 3/13, 12/43 attains alpha 0.0496 and power 0.800
    (simon.out: 0.04958144975, 0.8002143562)."""
    optimal = simon_two_stage(0.2, 0.4, 0.05, 0.2).optimal
    assert optimal.alpha == pytest.approx(0.04958144975, abs=1e-10)
    assert optimal.power == pytest.approx(0.8002143562, abs=1e-9)


def _attained(r1: int, n1: int, r: int, n: int, p: float) -> float:
    """P(reject H0) for a two-stage design, straight from scipy's binomial: continue when X1 > r1,
    reject when X1 + X2 > r (Simon 1989)."""
    return float(sum(binom.pmf(x1, n1, p) * binom.sf(r - x1, n - n1, p)
                     for x1 in range(r1 + 1, n1 + 1)))


def test_largest_row_designs_hold_alpha_and_power_by_an_independent_sum() -> None:
    """The hardest row of the table (p0 0.05, p1 0.15; designs up to 100 patients): the optimal
    and minimax designs' stated error rates equal a plain scipy sum and meet alpha and beta.
    (Its search time is a benchmark: benchmarks/design_simon.py.)"""
    found = simon_two_stage(0.05, 0.15, 0.05, 0.2, n_max=100)
    for design in (found.optimal, found.minimax):
        alpha = _attained(design.r1, design.n1, design.r, design.n, 0.05)
        power = _attained(design.r1, design.n1, design.r, design.n, 0.15)
        assert design.alpha == pytest.approx(alpha, abs=1e-9)
        assert design.power == pytest.approx(power, abs=1e-9)
        assert alpha <= 0.05 and power >= 0.8
    assert found.minimax.n <= found.optimal.n
    assert found.optimal.en0 <= found.minimax.en0


def test_no_design_within_the_limit_is_a_user_error() -> None:
    with pytest.raises(ImplausibleValueError, match="raise the maximum"):
        simon_two_stage(0.2, 0.4, 0.05, 0.2, n_max=30)


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta"),
                         [(0.4, 0.2, 0.05, 0.2), (0.0, 0.2, 0.05, 0.2), (0.2, 0.4, 1.5, 0.2)])
def test_implausible_inputs_are_refused(p0: float, p1: float, alpha: float, beta: float) -> None:
    with pytest.raises(ImplausibleValueError):
        simon_two_stage(p0, p1, alpha, beta)


runner = CliRunner()


def test_cli_json_is_the_interface_document() -> None:
    """interface.md, "design simon --json", for p0 0.2, p1 0.4, alpha 0.05, beta 0.2."""
    result = runner.invoke(app, ["design", "simon", "--p0", "0.2", "--p1", "0.4",
                                 "--alpha", "0.05", "--beta", "0.2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {k: doc[k] for k in ("p0", "p1", "alpha", "beta")} == {
        "p0": 0.2, "p1": 0.4, "alpha": 0.05, "beta": 0.2}
    assert doc["optimal"] == {"r1": 3, "n1": 13, "r": 12, "n": 43, "en0": 20.6, "pet0": 0.75,
                              "alpha": 0.0496, "power": 0.800}
    assert {k: doc["minimax"][k] for k in ("r1", "n1", "r", "n", "en0", "pet0")} == {
        "r1": 4, "n1": 18, "r": 10, "n": 33, "en0": 22.3, "pet0": 0.72}


def test_cli_human_output_is_a_table() -> None:
    result = runner.invoke(app, ["design", "simon", "--p0", "0.1", "--p1", "0.3",
                                 "--alpha", "0.05", "--beta", "0.2"])
    assert result.exit_code == 0, result.output
    assert "optimal" in result.stdout and "1/10" in result.stdout and "5/29" in result.stdout
    assert "minimax" in result.stdout and "1/15" in result.stdout and "5/25" in result.stdout


def test_cli_reversed_rates_raise_the_user_error() -> None:
    """The console entry point (thrombo.cli.main) turns this into one line and exit 2."""
    result = runner.invoke(app, ["design", "simon", "--p0", "0.4", "--p1", "0.2",
                                 "--alpha", "0.05", "--beta", "0.2"])
    assert isinstance(result.exception, ImplausibleValueError)


def test_cli_missing_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["design", "simon", "--p0", "0.2"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta"),
                         [(0.2, 0.4, 0.05, 0.2), (0.05, 0.25, 0.05, 0.2), (0.3, 0.5, 0.05, 0.1)])
def test_exact_single_stage_is_the_smallest_n_by_brute_force(p0: float, p1: float, alpha: float,
                                                             beta: float) -> None:
    """Every (n, r) checked with scipy's binomial: the design found holds alpha and power, and
    no smaller n does for any r (A'Hern, Stat Med 2001;20:859-866: 35 patients, promising with
    12 or more responses, for p0 0.2 and p1 0.4)."""
    single = single_stage_sample_size(p0, p1, alpha, beta)

    def holds(r: int, n: int) -> bool:
        return bool(binom.sf(r, n, p0) <= alpha and binom.sf(r, n, p1) >= 1 - beta)

    assert holds(single.r, single.n)
    assert single.alpha == pytest.approx(binom.sf(single.r, single.n, p0), abs=1e-12)
    assert single.power == pytest.approx(binom.sf(single.r, single.n, p1), abs=1e-12)
    assert not any(holds(r, n) for n in range(1, single.n) for r in range(n + 1))
    if (p0, p1) == (0.2, 0.4):
        assert (single.r, single.n) == (11, 35)


def test_cli_prints_the_single_stage_design_beside_simons() -> None:
    result = runner.invoke(app, ["design", "simon", "--p0", "0.2", "--p1", "0.4",
                                 "--alpha", "0.05", "--beta", "0.2", "--json"])
    single = json.loads(result.stdout)["single_stage"]
    assert (single["r"], single["n"]) == (11, 35)
    assert single["alpha"] == pytest.approx(0.034357, abs=1e-6)
    assert single["power"] == pytest.approx(0.804825, abs=1e-6)
    table = runner.invoke(app, ["design", "simon", "--p0", "0.2", "--p1", "0.4",
                                "--alpha", "0.05", "--beta", "0.2"], env={"COLUMNS": "120"})
    assert "single-stage" in table.stdout and "11/35" in table.stdout
