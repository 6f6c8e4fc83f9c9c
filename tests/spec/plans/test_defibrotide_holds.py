"""Defibrotide and anticoagulants: the TA-TMA plan and the order-sign hook (issue 17, findings 1-2).

Patient: the TA-TMA vignette of test_tma_protocol_vignettes.py (transplant 2026-01-01, TA-TMA
diagnosed on day +42 = 2026-02-12, pre-conditioning weight 18.4 kg). Checked at 08:00 UTC on
day +44 (2026-02-14), when defibrotide would otherwise be "suggested".

Sources (clinical-reference.md I1):
- US label section 4 [S]: concomitant systemic anticoagulant or fibrinolytic therapy is a
  contraindication -> every systemic anticoagulant blocks, whatever its intent.
- EU SmPC 4.4 [S]: no drug that increases the risk of haemorrhage within 24 h of defibrotide,
  12 h for unfractionated heparin -> the washout after the last dose; heparin for routine
  maintenance or reopening of a central line is excepted -> a warning only.
- [Design] (no number in the reference beyond the SmPC's 24 h): fondaparinux 72 h (long
  half-life), warfarin 5 days (effect lasts until the clotting factors recover); each says so in
  the plan's warnings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.spec.plans.test_tma_protocol_vignettes import course
from tests.unit.itp.timeline_tables import at
from tests.unit.plans.tables import day, patient_timeline
from thrombo.api.cds.order_sign import hold_cards
from thrombo.domain.codes import rxnorm
from thrombo.domain.timeline import PatientTimeline
from thrombo.normalize.concepts import drug_match
from thrombo.plans import OptionStatus, tma_protocol

S = OptionStatus
CHECK = at(44, 8)  # 2026-02-14 08:00 UTC
# The vignettes' TA-TMA course (LDH 500, ULN 320) with the pre-conditioning weight 18.4 kg.
COURSE = course(ldh=500, extra="-12 weight 18.4")

# Every systemic anticoagulant the issue names, with its RxNorm ingredient code (normalize/
# concepts.py; codes from memory, unverified) -> blocks defibrotide while it runs.
ANTICOAGULANTS = {
    "enoxaparin": "67108", "dalteparin": "67109", "tinzaparin": "69528", "heparin": "5224",
    "rivaroxaban": "1114195", "apixaban": "1364430", "dabigatran": "1546356",
    "edoxaban": "1599538", "warfarin": "11289", "fondaparinux": "321208",
    "argatroban": "15202", "bivalirudin": "60819",
}  # fmt: skip
FIBRINOLYTICS = {"alteplase": "8410", "tenecteplase": "259280", "reteplase": "76895",
                 "urokinase": "11055"}  # fmt: skip
INTENTS = ("therapeutic", "prophylactic", None)


def patient(meds: str = "") -> PatientTimeline:
    return patient_timeline(COURSE, meds, hsct=0, conditioning=-10, neutrophil_engraftment=20,
                            platelet_engraftment=25, birth=-9 * 365 - 100)  # fmt: skip


def order(drug: str, code: str | None = None, ident: str = "draft-1") -> dict[str, Any]:
    coding = {"display": drug} if code is None else {
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code, "display": drug}
    return {"resourceType": "MedicationRequest", "id": ident, "status": "draft",
            "intent": "order", "medicationCodeableConcept": {"coding": [coding]}}  # fmt: skip


def hook_indicators(timeline: PatientTimeline) -> list[str]:
    """The order-sign hook's cards for a defibrotide order signed at CHECK."""
    draft = order("defibrotide", "1311089")
    return [c["indicator"] for c in hold_cards(timeline, draft, [draft], CHECK)]


def plan_status(timeline: PatientTimeline) -> OptionStatus:
    return tma_protocol(timeline, day(44), at=CHECK).option("defibrotide").status


def test_without_anticoagulant_defibrotide_is_suggested_and_the_hook_is_silent() -> None:
    timeline = patient()
    assert plan_status(timeline) is S.SUGGESTED
    assert hook_indicators(timeline) == []


@pytest.mark.parametrize("intent", INTENTS)
@pytest.mark.parametrize("drug", [*ANTICOAGULANTS, *FIBRINOLYTICS])
def test_every_running_anticoagulant_blocks_at_any_intent(drug: str, intent: str | None) -> None:
    """Running since day +35 (no end recorded). Expected: defibrotide `blocked`, not suggested,
    the record cited; the hook gives a critical card for a defibrotide order (US label 4)."""
    meds = f"35 {drug}" + (f" intent={intent}" if intent else "")
    plan = tma_protocol(patient(meds), day(44), at=CHECK)
    defib = plan.option("defibrotide")
    assert defib.status is S.BLOCKED and not defib.is_next
    (hold,) = plan.holds
    assert hold.finding.action.value == "block"
    assert hold.finding.until is None, "running: no end until it is stopped"
    assert hold.evidence[0].record_id == "m0"
    assert "US PI section 4" in hold.finding.source
    assert hook_indicators(patient(meds)) == ["critical"]


@pytest.mark.parametrize("drug", [*ANTICOAGULANTS, *FIBRINOLYTICS])
def test_each_drug_is_recognised_by_its_rxnorm_ingredient_code(drug: str) -> None:
    """A FHIR medication coded only by RxNorm is read as the generic name the holds use."""
    code = {**ANTICOAGULANTS, **FIBRINOLYTICS}[drug]
    match = drug_match((rxnorm(code),), None)
    assert match is not None and match.concept == drug


def test_an_anticoagulant_in_the_same_order_set_blocks_the_defibrotide_order() -> None:
    """Defibrotide and enoxaparin (RxNorm 67108) signed together: the defibrotide order is
    refused (critical, with a suggestion to remove it), and so is the enoxaparin order."""
    defib, enox = order("defibrotide", "1311089"), order("enoxaparin", "67108", "draft-2")
    cards = hold_cards(patient(), defib, [defib, enox], CHECK)
    assert [c["indicator"] for c in cards] == ["critical"]
    assert "enoxaparin" in cards[0]["detail"]
    action = cards[0]["suggestions"][0]["actions"][0]
    assert (action["type"], action["resourceId"]) == ("delete", ["MedicationRequest/draft-1"])
    (other,) = hold_cards(patient(), enox, [defib, enox], CHECK)
    assert other["indicator"] == "critical"


def test_an_anticoagulant_ordered_while_defibrotide_runs_is_refused() -> None:
    running = patient("43 defibrotide")
    draft = order("rivaroxaban", "1114195")
    (found,) = hold_cards(running, draft, [draft], CHECK)
    assert found["indicator"] == "critical"
    assert hold_cards(patient(), draft, [draft], CHECK) == []


def test_heparin_for_line_maintenance_is_the_labels_exception() -> None:
    """Heparin recorded for central-line maintenance (intent `line_maintenance`, or a CSV drug
    `heparin_flush`): defibrotide stays suggested with a warning (SmPC 4.4); the hook warns."""
    for meds in ("35 heparin intent=line_maintenance", "35 heparin_flush"):
        plan = tma_protocol(patient(meds), day(44), at=CHECK)
        assert plan.option("defibrotide").status is S.SUGGESTED
        assert [h.finding.action.value for h in plan.holds] == ["warn"]
        assert "SmPC 4.4" in plan.holds[0].finding.source
        assert hook_indicators(patient(meds)) == ["warning"]


# --- washout: the hold is read from recent history ------------------------------------------
# Each row: drug, hours between its stop and the 08:00 check, expected hold, hold length (h).
WASHOUT_CASES = [
    ("enoxaparin", 12, True, 24),     # the example: stopped 12 h ago -> held 12 h more
    ("enoxaparin", 25, False, 24),
    ("heparin", 11, True, 12),        # SmPC 4.4: 12 h for unfractionated heparin
    ("heparin", 13, False, 12),
    ("apixaban", 20, True, 24),
    ("argatroban", 23, True, 24),
    ("alteplase", 23, True, 24),
    ("fondaparinux", 48, True, 72),   # [Design]
    ("fondaparinux", 73, False, 72),
    ("warfarin", 96, True, 120),      # [Design] 5 days
    ("warfarin", 121, False, 120),
]  # fmt: skip


def stopped_before_check(drug: str, hours: int) -> PatientTimeline:
    stop = CHECK - timedelta(hours=hours)
    base = patient(f"30 {drug} intent=therapeutic")
    (med,) = base.medications
    return PatientTimeline.build(base.patient, base.observations, [replace(med, end=stop)])


@pytest.mark.parametrize(("drug", "hours", "held", "washout"), WASHOUT_CASES)
def test_a_stopped_anticoagulant_holds_until_its_washout_ends(
    drug: str, hours: int, held: bool, washout: int
) -> None:
    timeline = stopped_before_check(drug, hours)
    plan = tma_protocol(timeline, day(44), at=CHECK)
    status = plan.option("defibrotide").status
    assert status is (S.BLOCKED if held else S.SUGGESTED)
    assert (hook_indicators(timeline) == ["critical"]) is held, "the hook agrees with the plan"
    if held:
        (hold,) = plan.holds
        until = CHECK - timedelta(hours=hours) + timedelta(hours=washout)
        assert hold.finding.until == until
        assert hold.to_json()["until"] == until.isoformat()
        assert until.isoformat() in plan.option("defibrotide").reasons[0].text
    else:
        assert plan.holds == ()


def test_design_washouts_say_so_in_the_warnings() -> None:
    for drug, hours in (("warfarin", 96), ("fondaparinux", 48)):
        plan = tma_protocol(stopped_before_check(drug, hours), day(44), at=CHECK)
        assert any("[Design]" in w and drug in w for w in plan.warnings)
        assert "[Design]" in plan.holds[0].finding.source


def test_enoxaparin_stopped_12_h_ago_blocks_the_whole_day_plan_too() -> None:
    """Without a check time the plan covers the as-of day: enoxaparin stopped at 20:00 the day
    before (day +43) is held until 20:00 on day +44 (24 h, SmPC 4.4); the plan shows the end."""
    plan = tma_protocol(patient("40 enoxaparin end=43 intent=prophylactic"), day(44))
    assert plan.option("defibrotide").status is S.BLOCKED
    assert plan.to_json()["holds"][0]["until"] == "2026-02-14T20:00:00+00:00"
    assert plan.to_json()["holds"][0]["washout_hours"] == 24
    later = tma_protocol(patient("40 enoxaparin end=43 intent=prophylactic"), day(45))
    assert later.option("defibrotide").status is S.SUGGESTED


def test_a_date_only_stop_counts_from_the_end_of_that_day() -> None:
    """An end recorded as a date only (read as midnight) may be any time that day: [Design] the
    washout counts from the end of that day. Enoxaparin ended '2026-02-13': held until the end
    of 2026-02-14 (24 h later)."""
    base = patient("30 enoxaparin")
    (med,) = base.medications
    date_only = replace(med, end=datetime(2026, 2, 13, tzinfo=UTC))
    timeline = PatientTimeline.build(base.patient, base.observations, [date_only])
    plan = tma_protocol(timeline, day(44), at=CHECK)
    assert plan.holds[0].finding.until == datetime(2026, 2, 14, 23, 59, 59, 999999, tzinfo=UTC)
    assert plan.option("defibrotide").status is S.BLOCKED


def test_anticoagulant_recorded_as_administrations_holds_from_the_last_one() -> None:
    """Enoxaparin given at 08:00 on days +41, +42 and +43 (one record each, no end): each is an
    administration, so the hold runs 24 h from the last (SmPC 4.4): until 08:00 on day +44. At
    07:00 on day +44 defibrotide is blocked; at 08:00 it is not, and the hook agrees."""
    timeline = patient("41 enoxaparin\n42 enoxaparin\n43 enoxaparin")
    early = at(44, 7)
    plan = tma_protocol(timeline, day(44), at=early)
    assert plan.option("defibrotide").status is S.BLOCKED
    assert plan.holds[0].finding.until == at(44, 8)
    draft = order("defibrotide", "1311089")
    assert [c["indicator"] for c in hold_cards(timeline, draft, [draft], early)] == ["critical"]
    assert plan_status(timeline) is S.SUGGESTED
    assert hook_indicators(timeline) == []
