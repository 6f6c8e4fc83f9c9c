"""The standard normal CDF as a plain SQL expression, for the height percentile.

Why not a Python function registered with the engine: DuckDB runs a query that calls a Python
UDF on one thread (the UDF holds the interpreter lock), which halved the embedded engine's
speed on two cores; Spark pays a serialisation round-trip per batch. Neither engine has `erf`.

Why a Taylor series: the percentile is clamped to the blood-pressure tables' height span (5th to
95th, |z| <= 1.645) before it is used, so only |z| <= 2 needs precision; beyond, the value
only has to fall on the right side of the span (Phi(2) = 97.7%, above the 95th). On |z| <= 2 the
series
    erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)),   x = z / sqrt(2)
with the terms below agrees with `statistics.NormalDist().cdf` (the reference evaluator's
function, via `math.erf`) to about 1e-15 (tests/engines/test_normal_cdf.py checks a dense grid).
"""

from __future__ import annotations

import math
from fractions import Fraction

# Terms of the series; the first omitted term is below 1e-19 at x = 2 / sqrt(2). Each term is
# a multiply-add over every blood-pressure row, so the span decides the cost (3 needed 40).
TERMS = 26
# Beyond this |z| the series is not used: the answer is 0 or 1 (tails lie outside the clamp).
Z_LIMIT = 2.0
ROOT_HALF = 1.0 / math.sqrt(2.0)


def _coefficients() -> list[float]:
    """(-1)^n / (n! (2n+1)), computed exactly then rounded once."""
    return [float(Fraction((-1) ** n, math.factorial(n) * (2 * n + 1))) for n in range(TERMS)]


COEFFICIENTS = tuple(_coefficients())
TWO_OVER_ROOT_PI = 2.0 / math.sqrt(math.pi)


def erf_series(x: float) -> float:
    """The series evaluated in Python the same way as the SQL (Horner in x^2): the unit test
    compares this with `math.erf`, and the SQL with this."""
    y = x * x
    acc = 0.0
    for c in reversed(COEFFICIENTS):
        acc = acc * y + c
    return TWO_OVER_ROOT_PI * x * acc


def scaled_sql(z: str) -> str:
    """x = z / sqrt(2), the series' variable, for a column of its own."""
    return f"({z} * {ROOT_HALF!r})"


def normal_cdf_sql(z: str, x: str, y: str) -> str:
    """SQL for Phi(z), given columns z, x = `scaled_sql(z)` and y = x * x.

    Columns, not expressions: the engines evaluate an expression tree node by node, and the
    series repeats y once per term. NULL in, NULL out; |z| > Z_LIMIT gives exactly 0 or 1."""
    horner = repr(COEFFICIENTS[-1])
    for c in reversed(COEFFICIENTS[:-1]):
        horner = f"({horner} * {y} + {c!r})"
    series = f"(0.5 + 0.5 * {TWO_OVER_ROOT_PI!r} * {x} * {horner})"
    return (
        f"(CASE WHEN {z} > {Z_LIMIT!r} THEN 1.0 WHEN {z} < {-Z_LIMIT!r} THEN 0.0 "
        f"ELSE {series} END)"
    )
