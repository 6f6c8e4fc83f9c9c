"""Plans that remember the patient's course (issue 17, finding 5).

The plan reads the whole record known by the end of as-of, not only what runs that day:
- death (patients.csv `death_date` on or before as-of) ends every plan, TA-TMA and ITP alike:
  the summary says so and nothing is suggested or dosed;
- a defibrotide course ends at its last administration: a record's end date, or, when the course
  is recorded as administrations without an end, the last one ([Design]: none in the last 24 h,
  four missed q6h doses, means stopped);
- resolution (seed 000: LDH normal on values spanning 24 h, platelets >= 50 without transfusion
  in 7 days, schistocytes absent, confirmed on the next assessment day) moves the plan to
  follow-up: nothing new is suggested.

Patient: the TA-TMA vignette of test_tma_protocol_vignettes.py (transplant 2026-01-01 = day 0;
TA-TMA diagnosed on day +42 = 2026-02-12; LDH 900 >= 2 x ULN 320 = high risk, so eculizumab is
the suggested alternative while the TA-TMA is active; pre-conditioning weight 18.4 kg).
"""

from __future__ import annotations

from tests.spec.plans.test_tma_protocol_vignettes import course
from tests.unit.plans.tables import day, patient_timeline, platelets
from thrombo.domain.timeline import PatientTimeline
from thrombo.plans import OptionStatus, plan_for, tma_protocol

S = OptionStatus
# The vignettes' TA-TMA course with LDH 900 (>= 2 x ULN 320: high risk) and the weight 18.4 kg.
HIGH_RISK = course(ldh=900, extra="-12 weight 18.4")
# After defibrotide from day +43: LDH normal on days +55 and +56 (24 h apart), platelets >= 50
# with no transfusion, schistocytes absent, on days +55, +56 and +57.
RECOVERY = """
    55 platelets 80
    55 ldh 250 high=320
    55 schistocytes absent
    56 platelets 90
    56 ldh 240 high=320
    56 schistocytes absent
    57 platelets 95
    57 ldh 230 high=320
    57 schistocytes absent
"""


def child(meds: str = "", obs: str = "", death: int | None = None) -> PatientTimeline:
    return patient_timeline(HIGH_RISK + obs, meds, hsct=0, conditioning=-10,
                            neutrophil_engraftment=20, platelet_engraftment=25,
                            birth=-5 * 365 - 100, death=death)  # fmt: skip


def test_a_child_who_died_a_year_ago_has_an_ended_plan_and_nothing_suggested() -> None:
    """Defibrotide from day +43 with no end recorded, death on day +100 (2026-04-11); plan as
    of day +765 (2028-02-05), 722 days after the first dose. Expected: no "in progress, day
    722", no eculizumab suggestion: the plan ended on death, nothing is next, no dose, no hold;
    the summary and the first warning say why."""
    plan = tma_protocol(child("43 defibrotide", death=100), day(765))
    doc = plan.to_json()
    assert doc["summary"]["plan_state"] == "ended"
    assert doc["summary"]["death_date"] == "2026-04-11"
    assert "patient died on 2026-04-11" in doc["summary"]["plan_state_reason"]
    assert plan.option("defibrotide").status is S.ENDED
    assert plan.option("eculizumab").status is S.ENDED
    assert doc["next"] == [] and doc["doses"] == [] and doc["holds"] == []
    assert not any(o["status"] == "suggested" for o in doc["options"])
    assert doc["warnings"][0].startswith("patient died on 2026-04-11")
    assert doc["course"]["state"] == "ended-by-death"
    assert doc["course"]["last_administration"] == "2026-04-11"
    assert doc["course"]["day_of_course"] is None


def test_death_after_as_of_is_not_yet_known() -> None:
    """The same child as of day +50: alive then, defibrotide in progress on day 7."""
    plan = tma_protocol(child("43 defibrotide", death=100), day(50))
    assert plan.summary["plan_state"] == "active"
    assert plan.option("defibrotide").status is S.IN_PROGRESS
    assert plan.course["day_of_course"] == 7


def test_a_course_ends_at_its_last_administration() -> None:
    """Defibrotide from day +43 to day +60 (2026-02-13 to 2026-03-02 = 18 days), TA-TMA not
    resolved; as of day +765: `completed` with its dates, not in progress; no new course is
    suggested by the plan. Eculizumab (high risk, unresolved) is the alternative while the
    TA-TMA is active (day +55: LDH 900, platelets 40, Hb 9.0, schistocytes), not two years on,
    when the criteria are no longer met or measured: re-screen first."""
    plan = tma_protocol(child("43 defibrotide end=60"), day(765))
    defib = plan.option("defibrotide")
    assert defib.status is S.COMPLETED and not defib.is_next
    assert defib.reasons[0].text.startswith(
        "defibrotide course given 2026-02-13 to 2026-03-02 (18 days)")
    assert (plan.course["state"], plan.course["days_given"]) == ("completed", 18)
    assert plan.course["day_of_course"] is None
    assert plan.summary["course_phase"] == "course-completed"
    assert plan.holds == ()
    ecu = plan.option("eculizumab")
    assert ecu.status is S.NOT_YET and "not active" in ecu.reasons[0].text
    still = "55 ldh 900 high=320\n55 platelets 40\n55 hemoglobin 9.0\n55 schistocytes present"
    active = tma_protocol(child("43 defibrotide end=60", still), day(55))
    assert active.option("eculizumab").status is S.SUGGESTED


def test_a_course_recorded_as_administrations_ends_at_the_last_one() -> None:
    """Defibrotide given on days +43, +44 and +45 (one record each, no end). As of day +45 the
    last dose is today: in progress. As of day +47 none for 2 days (> 24 h, [Design]): the course
    ended on day +45 (2026-02-15)."""
    meds = "43 defibrotide\n44 defibrotide\n45 defibrotide"
    assert tma_protocol(child(meds), day(45)).option("defibrotide").status is S.IN_PROGRESS
    later = tma_protocol(child(meds), day(47))
    assert later.option("defibrotide").status is S.COMPLETED
    assert later.course["last_administration"] == "2026-02-15"


def test_resolution_moves_the_plan_to_follow_up() -> None:
    """Defibrotide days +43 to +60; on day +56 all three components are met (LDH 250 and 240
    spanning 24 h, platelets 90, schistocytes absent) and day +57 confirms: resolved on
    2026-02-26 (day 13 of the course). As of day +90: follow-up, defibrotide completed,
    eculizumab not suggested, follow-up monitoring."""
    plan = tma_protocol(child("43 defibrotide end=60", RECOVERY), day(90))
    assert plan.summary["plan_state"] == "follow-up"
    assert plan.summary["course_phase"] == "follow-up"
    assert plan.summary["resolution_date"] == "2026-02-26"
    assert plan.option("defibrotide").status is S.COMPLETED
    assert "TA-TMA resolved on 2026-02-26" in plan.option("defibrotide").reasons[1].text
    ecu = plan.option("eculizumab")
    assert ecu.status is S.NOT_YET and "resolved" in ecu.reasons[0].text
    assert plan.next_options == ()
    assert plan.monitoring[0].startswith("TA-TMA resolved: follow-up")


def test_resolved_while_the_course_still_runs() -> None:
    """Resolved on day +56 with defibrotide still running (no end): the course continues (in
    progress, the protocol's minimum is 14 days) and the plan says the TA-TMA resolved."""
    plan = tma_protocol(child("43 defibrotide", RECOVERY), day(58))
    defib = plan.option("defibrotide")
    assert defib.status is S.IN_PROGRESS
    assert any("resolved on 2026-02-26" in r.text for r in defib.reasons)
    assert plan.summary["plan_state"] == "follow-up"
    assert plan.option("eculizumab").status is S.NOT_YET


def test_the_shared_entry_point_ends_a_deceased_childs_itp_ladder() -> None:
    """ITP diagnosed on day 0, platelets 8 -> 10, 24 kg; died on day 30. plan_for as of day 60:
    the ITP ladder suggests nothing (every rung still offered is `ended`), no dose."""
    obs = platelets((0, 8), (3, 10)) + "\n3 weight 24"
    itp = patient_timeline(obs, diagnosis=0, death=30)
    plan = plan_for(itp, day(60))
    doc = plan.to_json()
    assert doc["condition"] == "itp"
    assert doc["summary"]["plan_state"] == "ended"
    assert doc["next"] == [] and doc["doses"] == []
    assert not any(o["status"] in ("suggested", "short-term-only") for o in doc["options"])
    alive = plan_for(itp, day(20))
    assert alive.next_options, "before the death the ladder still suggests"
