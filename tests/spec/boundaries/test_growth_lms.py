"""The LMS transform's inverse and the CDC modified z-score, at their edges.

Source: LMS method (Cole; CDC SAS `_zscore` macro, clinical-reference.md I8 [S]): the value at z
is M (1 + L S z)^(1/L), or M exp(S z) when L = 0; the CDC modified z divides X - M by half the
distance from M to the value at z = +2 (above M) or z = -2 (below M).
"""

from __future__ import annotations

import math

import pytest

from thrombo.physiology.growth import Lms, lms_value_at_z, modified_z_score

SKEWED = Lms(-0.5, 20.0, 0.1)  # a right-skewed measure, like weight


# (z, value): 20 (1 - 0.05 z)^-2; the curve has a ceiling at z = 1 / (L S) magnitude 20.
VALUES_AT_Z = [
    (2.0, 20.0 / 0.81), (-2.0, 20.0 / 1.21), (19.9, 20.0 / 0.005 ** 2), (20.0, math.inf),
]


@pytest.mark.parametrize(("z", "value"), VALUES_AT_Z)
def test_value_at_z(z: float, value: float) -> None:
    assert lms_value_at_z(z, SKEWED) == pytest.approx(value, rel=1e-9)


def test_value_at_z_other_forms() -> None:
    """L = 0: M exp(S z); L > 0 with 1 + L S z <= 0: no measurement that low, 0."""
    assert lms_value_at_z(1.0, Lms(0.0, 20.0, 0.1)) == pytest.approx(20.0 * math.exp(0.1))
    assert lms_value_at_z(-20.0, Lms(0.5, 20.0, 0.1)) == 0.0
    assert lms_value_at_z(-19.9, Lms(0.5, 20.0, 0.1)) == pytest.approx(20.0 * 0.005 ** 2)


# (value, modified z): above M, half the distance to the +2 value (24.691 - 20) / 2;
# below M, half the distance to the -2 value (20 - 16.529) / 2.
MODIFIED_Z = [
    (30.0, 10.0 / ((20.0 / 0.81 - 20.0) / 2)),
    (20.0, 0.0),
    (15.0, -5.0 / ((20.0 - 20.0 / 1.21) / 2)),
]


@pytest.mark.parametrize(("value", "z"), MODIFIED_Z)
def test_cdc_modified_z(value: float, z: float) -> None:
    assert modified_z_score(value, SKEWED) == pytest.approx(z, rel=1e-9)
