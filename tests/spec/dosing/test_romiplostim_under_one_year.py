"""Romiplostim asked for directly for a child under 1 year: the dose carries the approval warning.

Source: romiplostim US paediatric approval (FDA, 14 Dec 2018): age >= 1 year and ITP of >= 6
months' duration (clinical-reference.md D2 [S] corrected). The ITP ladder already refuses the
step below that age (tests/spec/plans); `thrombo dose romiplostim` gave a dose without a word.
"""

from __future__ import annotations

import pytest

from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.romiplostim import romiplostim


@pytest.mark.parametrize(("age_years", "warned"), [
    (0.66, True),   # 8 months
    (0.99, True),   # the day before a first birthday, near enough
    (1.0, False),   # the first birthday
    (6.0, False),
    (None, False),  # age not given: no claim either way
])
def test_the_under_one_year_warning(age_years: float | None, warned: bool) -> None:
    dose = romiplostim(DoseInputs(weight_kg=8.0, age_years=age_years))
    under = [w for w in dose.warnings if "under 1 year" in w]
    assert bool(under) is warned
    if warned:
        assert "FDA, 14 Dec 2018" in under[0]
    assert dose.dose.value == pytest.approx(8.0)  # 1 ug/kg x 8 kg, the label's start either way
