"""Organ recovery and haematologic response after TA-TMA treatment, at each boundary.

Source: clinical-reference.md A8 "suggested operational definitions" [Design]:
- renal recovery: eGFR (bedside Schwartz, the baseline's equation) back to >= 75% of the pre-HSCT
  value and rUPCR < 0.5 mg/mg; the height used may be up to 365 days older than the creatinine
  ([Design], thrombo/response/tma_recovery.py);
- neurological recovery: the neurological event's CTCAE grade <= 1;
- haematologic response (Jodele-group wording, unverified): LDH normal (confirmed, as for
  resolution) on a day >= 7 days after the start, with no platelet or RBC transfusion in the 7
  days before it.

Patient: a girl of 8, transplanted on day -30; defibrotide from day 0 (2026-01-01). Before
treatment: LDH 900 U/L (ULN 300), platelets 20, schistocytes present. Height 130 cm.
Pre-HSCT creatinine 0.5 mg/dL on day -40: eGFR 0.413 x 130 / 0.5 = 107.38, so 75% is 80.54. At
the start creatinine 1.0 (eGFR 53.7) and UPCR 1.2: renal injury.
"""

from __future__ import annotations

import pytest

from tests.spec.response.test_tma_resolution import components

INJURED = "-40 height 130\n-40 creatinine 0.5\n0 creatinine 1.0\n0 upcr 1.2\n"


@pytest.mark.parametrize(("creatinine", "upcr", "recovered"), [
    ("0.66", "0.3", True),     # eGFR 81.35 >= 80.54
    ("0.67", "0.3", False),    # eGFR 80.13 < 80.54
    ("0.70", "0.3", False),    # eGFR 76.70: 71% of the baseline
    ("0.60", "0.49", True),    # UPCR below 0.5
    ("0.60", "0.5", False),    # UPCR 0.5 is not below 0.5
])
def test_renal_recovery_75_percent_of_baseline_egfr_and_upcr_below_half(
    creatinine: str, upcr: str, recovered: bool
) -> None:
    obs = INJURED + f"14 creatinine {creatinine}\n14 upcr {upcr}"
    assert components(obs)["renal_recovery"] is recovered


@pytest.mark.parametrize(("height_day", "recovered"), [(-405, True), (-406, None)])
def test_renal_baseline_height_up_to_365_days_old(height_day: int,
                                                  recovered: bool | None) -> None:
    """The pre-HSCT creatinine (day -40) needs a height from day -405 or later; without one the
    baseline eGFR is unknown and renal recovery cannot be judged (None)."""
    obs = (f"{height_day} height 130\n-40 creatinine 0.5\n-1 height 130\n0 creatinine 1.0\n"
           "0 upcr 1.2\n14 creatinine 0.6\n14 upcr 0.3")
    assert components(obs)["renal_recovery"] is recovered


@pytest.mark.parametrize(("last_grade", "recovered"), [(1, True), (2, False)])
def test_neurological_recovery_is_grade_1_or_less(last_grade: int, recovered: bool) -> None:
    events = f"-1 neurological_event grade=3\n15 neurological_event grade={last_grade}"
    assert components("", events)["neurological_recovery"] is recovered


@pytest.mark.parametrize(("ldh_days", "response"), [
    ((6, 7), True),     # LDH normal confirmed on day 7 = start + 7
    ((5, 6), False),    # confirmed on day 6: too early, and no later LDH
    ((39, 40), True),   # confirmed on day 40, the as-of day
])
def test_haematologic_response_from_day_7(ldh_days: tuple[int, int], response: bool) -> None:
    obs = "".join(f"{d} ldh 250 high=300\n" for d in ldh_days)
    assert components(obs)["hematologic_response"] is response


@pytest.mark.parametrize(("transfused", "response"), [(2, True), (3, False)])
def test_haematologic_response_needs_7_transfusion_free_days(transfused: int,
                                                             response: bool) -> None:
    """LDH normal on days 9 and 10 (confirmed on day 10); an RBC transfusion on day 3 lies
    within the 7 days before day 10, one on day 2 does not."""
    obs = "9 ldh 250 high=300\n10 ldh 240 high=300"
    assert components(obs, f"{transfused} rbc_transfusion")["hematologic_response"] is response


def test_renal_recovery_at_exactly_75_percent() -> None:
    """Pre-HSCT creatinine 0.6 (eGFR 0.413 x 130 / 0.6 = 89.48); on day 14 creatinine 0.8 gives
    67.1125, exactly 75% of it (">= 75%"), with UPCR 0.3: recovered."""
    obs = ("-40 height 130\n-40 creatinine 0.6\n0 creatinine 1.0\n0 upcr 1.2\n"
           "14 creatinine 0.8\n14 upcr 0.3")
    assert components(obs)["renal_recovery"] is True


@pytest.mark.parametrize(("pre_hsct", "recovered"), [
    ("-31 creatinine 0.5", True),                        # the day before HSCT is pre-HSCT
    ("-40 creatinine 0.5\n-30 creatinine 2.0", True),    # the HSCT day's 2.0 is not baseline
])
def test_renal_baseline_is_the_last_creatinine_before_the_hsct_day(pre_hsct: str,
                                                                    recovered: bool) -> None:
    """Baseline 0.5 mg/dL (eGFR 107.4); at the start 1.0, UPCR 1.2; day 14 0.6 (89.5) and UPCR
    0.3: recovered. The UPCR of 1.2 is injury at the start whichever creatinine is the
    baseline, so these rows show the days read, not which value is the baseline: that is
    test_tma_recovery_boundaries.py's case (creatinine at the start without proteinuria)."""
    obs = (f"-40 height 130\n{pre_hsct}\n0 creatinine 1.0\n0 upcr 1.2\n"
           "14 creatinine 0.6\n14 upcr 0.3")
    assert components(obs)["renal_recovery"] is recovered


def test_results_and_events_on_the_as_of_day_count() -> None:
    """Assessed as of day 40 (what is known by its end): creatinine 0.6 with UPCR 0.3 measured
    on day 40 is a renal recovery, and a grade 1 neurological event that day a neurological
    recovery (after grade 3 on day -1)."""
    doc = components(INJURED + "40 creatinine 0.6\n40 upcr 0.3",
                     "-1 neurological_event grade=3\n40 neurological_event grade=1")
    assert (doc["renal_recovery"], doc["neurological_recovery"]) == (True, True)


def test_no_neurological_involvement_when_grade_1_on_the_start_day() -> None:
    """Grade 3 on day -5, then grade 1 on the start day: no involvement left to recover from
    (None), not a recovery."""
    events = "-5 neurological_event grade=3\n0 neurological_event grade=1"
    assert components("", events)["neurological_recovery"] is None


def test_no_haematologic_response_to_judge_without_an_ldh_after_the_start() -> None:
    """The start day's LDH (900) is the baseline: with no LDH after it, the answer is unknown
    (None), not 'no response'."""
    assert components("10 platelets 80")["hematologic_response"] is None
