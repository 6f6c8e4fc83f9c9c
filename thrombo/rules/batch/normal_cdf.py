"""The standard normal CDF as a plain SQL expression, for the height percentile.

Why not a Python function registered with the engine: DuckDB runs a query that calls a Python
UDF on one thread (the UDF holds the interpreter lock), which halved the embedded engine's
speed on two cores; Spark pays a serialisation round-trip per batch. Neither engine has `erf`.

Why a Taylor series: the percentile is clamped to the blood-pressure tables' height span (5th to
95th, |z| <= 1.645) before it is used, so only |z| <= 3 needs precision; beyond, the value
only has to fall on the right side of the span. On |z| <= 3 the series
    erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)),   x = z / sqrt(2)
with the terms below agrees with `statistics.NormalDist().cdf` (the reference evaluator's
function, via `math.erf`) to about 1e-15 (tests/unit/test_normal_cdf.py checks a dense grid).
"""

from __future__ import annotations

import math
from fractions import Fraction

# Terms of the series; the first omitted term is below 1e-23 at x = 3 / sqrt(2).
TERMS = 40
# Beyond this |z| the series is not used: the answer is 0 or 1 (tails lie outside the clamp).
Z_LIMIT = 3.0


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


def normal_cdf_sql(z: str) -> str:
    """SQL for Phi(z), where `z` is a column name (it is repeated, so not an expression).

    NULL in, NULL out; |z| > Z_LIMIT gives exactly 0 or 1."""
    x = f"({z} * {1.0 / math.sqrt(2.0)!r})"
    y = f"({x} * {x})"
    horner = repr(COEFFICIENTS[-1])
    for c in reversed(COEFFICIENTS[:-1]):
        horner = f"({horner} * {y} + {c!r})"
    series = f"(0.5 + 0.5 * {TWO_OVER_ROOT_PI!r} * {x} * {horner})"
    return (
        f"(CASE WHEN {z} > {Z_LIMIT!r} THEN 1.0 WHEN {z} < {-Z_LIMIT!r} THEN 0.0 "
        f"ELSE {series} END)"
    )
