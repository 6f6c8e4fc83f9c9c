"""The SQL normal CDF (engines/normal_cdf.py) against the reference evaluator's own function."""

from __future__ import annotations

import math
from statistics import NormalDist

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrombo.engines.normal_cdf import Z_LIMIT, erf_series, normal_cdf_sql, scaled_sql
from thrombo.engines.reftables import HEIGHT_SPAN

# The height percentile is compared with table columns; 1e-13 (in percentile units) is far
# below any difference a blood-pressure limit could show.
TOLERANCE = 1e-15


def test_series_matches_math_erf_on_a_dense_grid() -> None:
    worst = max(
        abs(erf_series(x) - math.erf(x))
        for x in (i * (Z_LIMIT / math.sqrt(2)) / 3000 for i in range(-3000, 3001))
    )
    assert worst < 4 * TOLERANCE


def _sql_cdf(values: list[float | None]) -> list[float | None]:
    con = duckdb.connect()
    con.execute("CREATE TABLE zs (i INTEGER, z DOUBLE)")
    con.executemany("INSERT INTO zs VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(
        f"SELECT {normal_cdf_sql('z', 'x', 'y')} FROM (SELECT *, x * x AS y FROM "
        f"(SELECT *, {scaled_sql('z')} AS x FROM zs)) ORDER BY i"
    ).fetchall()
    return [r[0] for r in rows]


def test_sql_matches_normal_dist_including_the_clamped_tails_and_null() -> None:
    zs: list[float | None] = [-8.0, -3.5, -2.0, -1.645, -0.5, 0.0, 0.5, 1.645, 1.99, 2.0, 2.01, 9.0]
    got = _sql_cdf([*zs, None])
    assert got[-1] is None
    for z, p in zip(zs, got[:-1], strict=True):
        assert z is not None and p is not None
        expected = NormalDist().cdf(z)
        if abs(z) <= Z_LIMIT:
            assert p == pytest.approx(expected, abs=4 * TOLERANCE), z
        else:
            assert p == (1.0 if z > 0 else 0.0)


# No deadline: each example is a DuckDB query, whose time follows the machine's load.
@settings(deadline=None)
@given(st.lists(st.floats(-Z_LIMIT, Z_LIMIT), min_size=1, max_size=50))
def test_sql_matches_normal_dist_anywhere_in_the_span(zs: list[float]) -> None:
    for z, p in zip(zs, _sql_cdf(list(zs)), strict=True):
        assert p == pytest.approx(NormalDist().cdf(z), abs=4 * TOLERANCE)


def test_beyond_the_limit_the_clamp_decides() -> None:
    """0 and 1 beyond |z| = Z_LIMIT give the same clamped percentile as the exact value would:
    the blood-pressure tables' height span ends inside (-Z_LIMIT, Z_LIMIT)."""
    low, high = HEIGHT_SPAN
    assert 100 * NormalDist().cdf(-Z_LIMIT) < low
    assert 100 * NormalDist().cdf(Z_LIMIT) > high
