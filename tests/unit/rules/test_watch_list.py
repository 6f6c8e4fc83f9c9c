"""The watch list over several patients: order, rules and warnings; the medication-derived
event behind `new_hypertension` (thrombo/rules/watch/medications.py)."""

from __future__ import annotations

from tests.spec.screening.test_harmonized_vignettes import CLEAR_TA_TMA
from tests.spec.watch.tables import day, patient, timeline, with_medications
from tests.spec.watch.test_levels import LDH_THEN_PROTEIN
from thrombo.rules.watch import watch_list
from thrombo.rules.watch.medications import EVENT, second_antihypertensive_events
from thrombo.rules.watch.options import DESIGN_WARNING


def test_alerts_come_first_then_watches_then_the_rest_then_the_diagnosed() -> None:
    """As of day +37: P02 is on watch (LDH rising since day +36); P01 (the harmonized vignette,
    whose values start on day +40) and P03 (no results) have no signal: after P02, by id. As of
    day +50 P01 is diagnosed (day +42) and goes last, without a level."""
    patients = [timeline(CLEAR_TA_TMA, who=patient("P01")),
                timeline(LDH_THEN_PROTEIN, who=patient("P02")),
                timeline("", who=patient("P03"))]
    found = watch_list(patients, day(37))
    assert [(p.patient_id, p.level) for p in found.patients] == [
        ("P02", "watch"), ("P01", "none"), ("P03", "none")]
    later = watch_list(patients, day(50))
    assert [(p.patient_id, p.level, p.diagnosed) for p in later.patients][-1] == (
        "P01", None, True)
    assert found.rules["name"] == "tma-watch"
    assert found.warnings[0] == DESIGN_WARNING


def test_two_antihypertensives_started_together_are_both_second() -> None:
    """Started at the same moment, each runs beside the other: one event each, same day."""
    tl = with_medications(timeline(""), """
        drug       | start | end
        amlodipine | 30    | -
        labetalol  | 30    | -
        furosemide | 31    | -
    """)
    events = second_antihypertensive_events(tl)
    assert sorted(e.note or "" for e in events) == [
        "amlodipine started while another antihypertensive was running",
        "labetalol started while another antihypertensive was running"]
    assert {e.event for e in events} == {EVENT}


def test_a_screening_the_caller_already_has_gives_the_same_list() -> None:
    """The service passes the default set's screening it keeps per patient and day: the list
    must be the one computed from scratch, on a day with a watch, a none and a diagnosis."""
    from thrombo.rules.registry import DEFAULT, criteria_set
    from thrombo.rules.screening import screen_patient

    patients = [timeline(CLEAR_TA_TMA, who=patient("P01")),
                timeline(LDH_THEN_PROTEIN, who=patient("P02")),
                timeline("", who=patient("P03"))]
    for as_of in (day(37), day(50)):
        screened = {t.patient_id: screen_patient(t, criteria_set(DEFAULT), as_of)
                    for t in patients}
        assert watch_list(patients, as_of, screened=screened) == watch_list(patients, as_of)
