"""Renal recovery after TA-TMA: the pre-HSCT baseline is the last creatinine before the transplant
day, not the transplant day's own.

Source: clinical-reference.md A8 "suggested operational definitions" [Design]: renal recovery is
eGFR (bedside Schwartz, 0.413 x height cm / creatinine mg/dL) back to >= 75% of the *pre-HSCT*
baseline and rUPCR < 0.5 mg/mg. Patient as in test_tma_recovery.py: transplanted on day -30,
defibrotide from day 0 (2026-01-01), height 130 cm. At the start creatinine 1.0 (eGFR 53.69)
with UPCR 0.3, so renal injury rests on the eGFR alone; on day 14 creatinine 0.6 (eGFR 89.48)
and UPCR 0.3.
"""

from __future__ import annotations

import pytest

from tests.spec.response.test_tma_resolution import components

COURSE = "0 creatinine 1.0\n0 upcr 0.3\n14 creatinine 0.6\n14 upcr 0.3"


@pytest.mark.parametrize(("pre_hsct", "recovered"), [
    # Day -31, the day before HSCT: baseline 0.5 (eGFR 107.38, 75% = 80.54); 53.69 at the start
    # is injury, 89.48 on day 14 recovery.
    ("-31 creatinine 0.5", True),
    # Only the transplant day's 0.5: no pre-HSCT creatinine, so no baseline (unknown).
    ("-30 creatinine 0.5", None),
    # Baseline 0.5 on day -40; the transplant day's 2.0 (eGFR 26.85) is not the baseline: as
    # the baseline it would make 53.69 at the start no injury, and the answer unknown.
    ("-40 creatinine 0.5\n-30 creatinine 2.0", True),
])
def test_the_transplant_day_s_creatinine_is_not_the_baseline(pre_hsct: str,
                                                             recovered: bool | None) -> None:
    obs = f"-40 height 130\n{pre_hsct}\n{COURSE}"
    assert components(obs)["renal_recovery"] is recovered
