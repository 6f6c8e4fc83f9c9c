"""Watch-list levels, dates and next steps for hand-checked courses.

Rules ([Design], thrombo/rules/watch/options.py): one current signal = watch, two or more =
alert; `since` = the first day of the unbroken run at that level or higher; review by since + 7
days (watch) or + 2 days (alert). A patient the default criteria set (harmonized 2023, A1)
diagnoses has `diagnosed: true` and no level. Next tests (issue 24): a smear for schistocytes,
sC5b-9, a random UPCR, haptoglobin and BP with a height percentile, less those whose criterion is
already met. Patient: girl, 9 years, transplant day 0 = 2026-01-01.
"""

from __future__ import annotations

from tests.spec.screening.test_harmonized_vignettes import CLEAR_TA_TMA
from thrombo.rules.watch import watch_patient

from .tables import day, patient, timeline, watched

LDH_THEN_PROTEIN = """
    day | analyte       | value | unit   | ref_high
    30  | ldh           | 240   | U/L    | 320
    33  | ldh           | 260   | U/L    | 320
    33  | upcr          | 0.2   | mg/mg  |
    33  | urine_protein | 10    | mg/dL  |
    36  | ldh           | 400   | U/L    | 320
    38  | upcr          | 1.5   | mg/mg  |
    38  | urine_protein | 10    | mg/dL  |
"""


def test_one_signal_is_watch_reviewed_within_a_week() -> None:
    """Day +37: LDH 400 > ULN 320 and >= 1.25 x 250 since day +36; nothing else: watch since
    day +36 (2026-02-06), review by day +43."""
    result = watched(timeline(LDH_THEN_PROTEIN), as_of=37)
    assert (result.level, result.since, result.review_by) == ("watch", day(36), day(43))
    assert [(s.signal, s.since) for s in result.signals] == [("ldh_rising", day(36))]
    assert result.signals[0].evidence[0].observation_id == "P01-o4"
    assert result.criteria_met == ("ldh",)
    assert result.next_tests == ("blood smear for schistocytes", "sC5b-9", "random UPCR",
                                 "haptoglobin", "BP with height percentile")


def test_two_signals_are_an_alert_from_the_second() -> None:
    """Day +38 adds new proteinuria (UPCR 0.2 -> 1.5): alert since day +38, review by +40.
    The UPCR is settled (proteinuria met), so it leaves the next tests."""
    result = watched(timeline(LDH_THEN_PROTEIN), as_of=39)
    assert (result.level, result.since, result.review_by) == ("alert", day(38), day(40))
    assert [(s.signal, s.since) for s in result.signals] == [
        ("ldh_rising", day(36)), ("new_proteinuria", day(38))]
    assert result.criteria_met == ("ldh", "proteinuria")
    assert "random UPCR" not in result.next_tests
    assert result.diagnosed is False


def test_alert_falls_back_to_watch_when_a_signal_lapses() -> None:
    """Day +43: the LDH signal (day +36) left its 7-day window on day +43; proteinuria
    (day +38) stays to day +44. Watch, whose run began on day +36."""
    result = watched(timeline(LDH_THEN_PROTEIN), as_of=43)
    assert (result.level, result.since) == ("watch", day(36))
    assert [s.signal for s in result.signals] == ["new_proteinuria"]


def test_no_signal_is_none_with_nothing_to_do() -> None:
    result = watched(timeline(LDH_THEN_PROTEIN), as_of=34)
    assert (result.level, result.since, result.review_by, result.next_tests) == (
        "none", None, None, ())
    assert dict(result.signals_indeterminate)["sc5b9_rising"].startswith("no sc5b9 result")


def test_a_diagnosed_patient_gets_no_level() -> None:
    """The harmonized vignette diagnosed on day +42 (A1): diagnosed, no level, no watch."""
    result = watched(timeline(CLEAR_TA_TMA), as_of=50)
    assert (result.diagnosed, result.level, result.signals) == (True, None, ())
    assert result.screening_status == "ta-tma"


def test_before_the_diagnosis_the_same_patient_was_on_alert() -> None:
    """Day +41 (before the confirming day +42): platelets fell 60% from 150 (platelet_fall)
    and BP 130/88 is above her 99th percentile (new_hypertension) on day +40; LDH 900 has no
    earlier value to rise from. Alert since day +40."""
    result = watched(timeline(CLEAR_TA_TMA), as_of=41)
    assert (result.diagnosed, result.level, result.since) == (False, "alert", day(40))
    assert {s.signal for s in result.signals} == {"platelet_fall", "new_hypertension"}


def test_autologous_transplant_is_not_on_the_list() -> None:
    tl = timeline(LDH_THEN_PROTEIN, who=patient(hsct_type="autologous"))
    assert watch_patient(tl, day(39)) is None
