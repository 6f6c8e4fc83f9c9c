"""Censored results a plan reads: never a number to dose with, decided by interval logic at a limit.

Anti-D (WinRho label, clinical-reference.md D): not to be given when Hb < 8 g/dL; 8-10 g/dL
takes the reduced dose. A latest Hb reported "<9" may be 7.5: anti-D is not suitable, as for a
measured 7.6. "<7" is below 8 for every value. ">10" is not below 8, but it is no number for the
dose band: anti-D stays suitable and is listed without a dose. A weight reported as a bound is
never a dosing weight. Days count from 2026-01-01; an 8-year-old girl with ITP from day 0,
Rh(D) positive, bleeding grade 3 (mucosal) on day 5.
"""

from __future__ import annotations

import pytest

from tests.unit.plans.tables import day, patient_timeline
from thrombo.plans import OptionStatus, itp_ladder


def ladder(obs: str) -> object:
    tl = patient_timeline("0 platelets 9\n" + obs, events="5 bleeding grade=3", diagnosis=0,
                          attributes={"rh_d": "positive"})
    return itp_ladder(tl, day(6))


@pytest.mark.parametrize(("hb", "verdict"), [("<7", "is below"), ("<9", "may be below")])
def test_a_censored_hb_that_may_be_below_8_rules_out_anti_d(hb: str, verdict: str) -> None:
    anti_d = ladder(f"0 weight 20\n0 hemoglobin 11.0\n5 hemoglobin {hb}").option(  # type: ignore[attr-defined]
        "anti_d")
    assert anti_d.status is OptionStatus.NOT_SUITABLE
    assert anti_d.reasons[0].text == (f"latest Hb {hb} g/dL on 2026-01-06 {verdict} 8 g/dL: "
                                      "anti-D must not be given")
    assert anti_d.dose is None


def test_a_censored_hb_above_10_keeps_anti_d_but_gives_no_dose() -> None:
    anti_d = ladder("0 weight 20\n5 hemoglobin >10").option("anti_d")  # type: ignore[attr-defined]
    assert anti_d.status is OptionStatus.SUGGESTED
    assert anti_d.dose is None and anti_d.dose_missing is not None


def test_a_censored_weight_is_not_a_dosing_weight() -> None:
    """Only a weight reported "<30" kg: prednisone is listed without a dose."""
    prednisone = ladder("0 weight <30\n0 hemoglobin 11.0").option(  # type: ignore[attr-defined]
        "prednisone")
    assert prednisone.dose is None and "weight" in (prednisone.dose_missing or "")
