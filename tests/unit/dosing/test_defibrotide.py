"""Defibrotide plan and hold rules (clinical-reference.md B1; DEFITELIO US label)."""

import pytest

from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.defibrotide_holds import ActiveOrder, HoldAction, assess_defibrotide_holds
from thrombo.dosing.inputs import DoseInputs
from thrombo.errors import ImplausibleValueError, MissingInputError
from thrombo.physiology.plausibility import OutsideValidRangeError


def test_worked_plan_for_18_4_kg() -> None:
    """Label 6.25 mg/kg q6h; 80 mg/mL vials of 200 mg; final 4-20 mg/mL (B1 dose arithmetic).

    6.25 x 18.4 = 115.0 mg; x 4 = 460.0 mg/day; 115 / 80 = 1.4375 -> 1.44 mL; ceil(115/200) = 1
    vial; bag 115/20 = 5.75 mL to 115/4 = 28.75 mL.
    """
    plan = defibrotide(DoseInputs(weight_kg=18.4)).to_json()
    assert plan["dose"] == {"value": 115.0, "unit": "mg"}
    assert plan["per_kg"] == {"value": 6.25, "unit": "mg/kg"}
    assert plan["interval_hours"] == 6
    assert plan["per_day"] == {"value": 460.0, "unit": "mg"}
    assert plan["route"] == "IV"
    assert plan["infusion_minutes"] == 120
    assert plan["practical"]["vials"] == 1
    assert plan["practical"]["concentrate_ml"] == 1.44
    assert plan["practical"]["bag_volume_ml"] == {"low": 5.75, "high": 28.75}
    assert plan["course"] == "at least 14 days; reassess on day 14 and day 28"
    assert plan["regimen"] == "ta-tma-protocol"
    assert plan["schedule"] == []
    assert plan["capped"] is False


def test_interface_keys_present() -> None:
    """interface.md "dose --json" example keys are all present."""
    keys = {
        "drug", "indication", "regimen", "dose", "per_kg", "interval_hours", "per_day", "route",
        "infusion_minutes", "course", "practical", "schedule", "capped", "warnings", "sources",
    }  # fmt: skip
    assert keys <= defibrotide(DoseInputs(weight_kg=18.4)).to_json().keys()


def test_vod_course_is_the_label_course() -> None:
    """Label: VOD at least 21 days, to at most 60 days if unresolved."""
    plan = defibrotide(DoseInputs(weight_kg=18.4, indication="vod"))
    assert plan.regimen == "vod-label"
    assert "at least 21 days" in plan.course
    assert "60 days" in plan.course
    assert not any("off-label" in w for w in plan.warnings)


def test_ta_tma_course_is_marked_off_label() -> None:
    plan = defibrotide(DoseInputs(weight_kg=18.4))
    assert any("off-label" in w for w in plan.warnings)
    assert any("000_56e8c5c5802e858b" in s for s in plan.sources)


def test_regimen_name_selects_indication_and_contradiction_is_refused() -> None:
    assert defibrotide(DoseInputs(weight_kg=10, regimen="vod-label")).indication == "vod"
    with pytest.raises(OutsideValidRangeError):
        defibrotide(DoseInputs(weight_kg=10, regimen="vod-label", indication="ta-tma"))
    with pytest.raises(OutsideValidRangeError):
        defibrotide(DoseInputs(weight_kg=10, indication="itp"))


def test_rounding_to_0_1_mg_half_up_and_vials_ceil() -> None:
    """6.25 x 3.3 kg = 20.625 -> 20.6 mg; 6.25 x 33 kg = 206.25 -> 206.3 mg needs 2 vials."""
    infant = defibrotide(DoseInputs(weight_kg=3.3))
    assert infant.dose.value == 20.6
    assert infant.practical["bag_volume_ml"] == {"low": 1.03, "high": 5.15}
    older = defibrotide(DoseInputs(weight_kg=33))
    assert older.dose.value == 206.3
    assert older.practical["vials"] == 2


def test_bag_limits_rounded_inwards() -> None:
    """20.6 mg / 20 mg/mL = 1.03 exactly; 20.7 mg / 20 = 1.035 -> 1.04 (never above 20 mg/mL)."""
    plan = defibrotide(DoseInputs(weight_kg=3.312))  # 20.7 mg
    assert plan.dose.value == 20.7
    low = plan.practical["bag_volume_ml"]["low"]
    high = plan.practical["bag_volume_ml"]["high"]
    assert 20.7 / low <= 20
    assert 20.7 / high >= 4


@pytest.mark.parametrize("weight", [0, -1, 251, 500])
def test_implausible_weight_refused(weight: float) -> None:
    with pytest.raises(ImplausibleValueError):
        defibrotide(DoseInputs(weight_kg=weight))


def test_missing_weight_refused() -> None:
    with pytest.raises(MissingInputError, match="--weight-kg"):
        defibrotide(DoseInputs())


def test_heparin_blocks_at_any_intent_but_a_line_dose_warns() -> None:
    """Label: systemic anticoagulant/fibrinolytic therapy is a contraindication (B1, I1 [S]);
    heparin for central-line maintenance is the EU SmPC 4.4 exception (a warning)."""
    blocked = assess_defibrotide_holds([ActiveOrder("heparin", "therapeutic")])
    assert blocked.blocked
    assert blocked.findings[0].rule == "concomitant-anticoagulant"
    assert assess_defibrotide_holds([ActiveOrder("Heparin", "prophylactic")]).blocked
    line = assess_defibrotide_holds([ActiveOrder("heparin", "line_maintenance")])
    assert not line.blocked
    assert line.warnings
    strict = assess_defibrotide_holds(
        [ActiveOrder("heparin", "line_maintenance")], line_heparin_blocks=True
    )
    assert strict.blocked


def test_unknown_intent_and_fibrinolytic_block() -> None:
    assert assess_defibrotide_holds([ActiveOrder("enoxaparin")]).blocked
    result = assess_defibrotide_holds([ActiveOrder("alteplase", "therapeutic")])
    assert result.findings[0].rule == "concomitant-fibrinolytic"
    assert not assess_defibrotide_holds([ActiveOrder("paracetamol", "therapeutic")]).findings


def test_bleeding_grade_three_blocks_grade_two_warns() -> None:
    assert assess_defibrotide_holds(open_bleeding_grades=[1, 3]).blocked
    two = assess_defibrotide_holds(open_bleeding_grades=[2])
    assert not two.blocked
    assert two.findings[0].action is HoldAction.WARN
    recurrent = assess_defibrotide_holds(recurrent_significant_bleeding=True)
    assert recurrent.findings[0].action is HoldAction.DISCONTINUE


def test_vasopressors_and_procedures() -> None:
    """Label: stable on <= 1 vasopressor; stop >= 2 h before an invasive procedure."""
    assert not assess_defibrotide_holds(vasopressor_count=1).findings
    two = assess_defibrotide_holds(vasopressor_count=2)
    assert two.findings[0].action is HoldAction.WARN
    assert assess_defibrotide_holds(hours_until_invasive_procedure=1.5).blocked
    assert not assess_defibrotide_holds(hours_until_invasive_procedure=2).blocked
    assert assess_defibrotide_holds(severe_hypersensitivity=True).blocked


def test_clean_patient_has_no_findings() -> None:
    assert assess_defibrotide_holds().findings == ()
