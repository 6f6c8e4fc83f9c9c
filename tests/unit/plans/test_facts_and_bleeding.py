"""What plans read from the record: current bleeding, body size, Rh(D), dose answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.plans.tables import day, patient_timeline
from thrombo.domain.records import Event
from thrombo.dosing.inputs import Ancestry, DoseInputs
from thrombo.plans.bleeding_now import BleedingLevel, current_bleeding, level_of
from thrombo.plans.facts import ancestry, body_size, dose_for, rh_d_positive

WHEN = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "grade", "note", "level"),
    [
        ("bleeding", 1, None, BleedingLevel.SKIN),
        ("bleeding", 2, None, BleedingLevel.SKIN),  # Buchanan 2: many petechiae, no mucosal
        ("bleeding", 3, None, BleedingLevel.MUCOSAL),  # Buchanan 3: overt mucosal bleeding
        ("bleeding", 4, None, BleedingLevel.SEVERE),
        ("bleeding", 5, None, BleedingLevel.SEVERE),
        ("major_bleeding", None, None, BleedingLevel.SEVERE),
        ("bleeding", None, "petechiae on legs", BleedingLevel.SKIN),
        ("bleeding", None, "Epistaxis 20 min", BleedingLevel.MUCOSAL),
        ("bleeding", None, "intracranial haemorrhage", BleedingLevel.SEVERE),
        ("bleeding", None, "which one?", BleedingLevel.UNGRADED),  # 'ich' inside a word
        ("bleeding", None, None, BleedingLevel.UNGRADED),
    ],
)
def test_bleeding_levels_follow_buchanan_grades_then_the_note(
    event: str, grade: int | None, note: str | None, level: BleedingLevel
) -> None:
    """clinical-reference.md C5: Buchanan & Adix overall grades 0-2 skin, 3 mucosal, 4-5 severe."""
    assert level_of(Event("e", "P", WHEN, event, grade, note)) is level


def test_current_bleeding_is_the_worst_of_the_last_7_days() -> None:
    tl = patient_timeline(events="0 bleeding grade=4\n8 bleeding grade=1\n9 bleeding grade=2")
    now = current_bleeding(tl, day(10))  # days 4-10: the grade 4 bleed on day 0 is older
    assert (now.level, [e.record_id for e in now.evidence]) == (BleedingLevel.SKIN, ["e1", "e2"])
    assert current_bleeding(tl, day(6)).level is BleedingLevel.SEVERE
    assert current_bleeding(tl, day(30)).level is BleedingLevel.NONE


def test_body_size_uses_the_latest_values_up_to_as_of() -> None:
    tl = patient_timeline("0 weight 20\n50 weight 22\n50 height 120\n60 weight 99", birth=-3653)
    body = body_size(tl.as_of(day(55)), day(55))
    assert body.weight is not None and (body.weight.value, body.weight.day) == (22.0, day(50))
    assert body.height is not None and body.height.value == 120.0
    assert body.hemoglobin is None
    assert body.age_years == 10.15  # 3708 days / 365.25
    assert body.warnings() == []
    assert body_size(tl.as_of(day(150)), day(150)).warnings() == []  # 90 days: not > 90
    assert body_size(tl.as_of(day(151)), day(151)).warnings() == [
        "the dosing weight was measured on 2026-03-02, 91 days before 2026-06-01 (more than "
        "90): re-weigh the child before prescribing"]


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [({"rh_d": "positive"}, True), ({"RhD": "NEG"}, False), ({"rh": "+"}, True), ({}, None),
     ({"rh_d": "unknown"}, None)],
)
def test_rh_d_from_dataset_attributes(attributes: dict[str, str], expected: bool | None) -> None:
    assert rh_d_positive(patient_timeline(attributes=attributes)) is expected


def test_ancestry_attribute_and_default() -> None:
    assert ancestry(patient_timeline(attributes={"ancestry": "East-Asian"})) is Ancestry.EAST_ASIAN
    assert ancestry(patient_timeline(attributes={"ancestry": "martian"})) is Ancestry.OTHER


def test_dose_answers_missing_refused_and_dosed() -> None:
    missing = dose_for("ivig", DoseInputs())
    assert (missing.dose, missing.missing) == (None, "ivig dosing needs the weight")
    refused = dose_for("anti_d", DoseInputs(weight_kg=20, hb_g_dl=7.5))
    assert refused.refused is not None and "7.5 g/dL" in refused.refused
    dosed = dose_for("ivig", DoseInputs(weight_kg=20))
    assert dosed.dose is not None and dosed.dose.dose.value == 20.0  # 1 g/kg (D)
