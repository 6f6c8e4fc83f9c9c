"""Rituximab, TPO receptor agonists and cytotoxics (clinical-reference.md D, D1, D2)."""

import pytest

from thrombo.dosing.cytotoxics import cyclophosphamide, vincristine
from thrombo.dosing.eltrombopag import eltrombopag, eltrombopag_titration, tablets_for
from thrombo.dosing.inputs import Ancestry, DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.dosing.rituximab import rituximab
from thrombo.dosing.romiplostim import romiplostim, romiplostim_titration, vial_for
from thrombo.dosing.titration import TitrationStep
from thrombo.errors import ImplausibleValueError, MissingInputError
from thrombo.physiology.plausibility import OutsideValidRangeError


def test_rituximab_standard_weekly_x4() -> None:
    """Bennett 2006: 375 mg/m2 weekly x 4. 140 cm, 35 kg: Mosteller sqrt(4900/3600) = 1.1667
    -> 1.17 m2 -> 438.75 -> 438.8 mg."""
    plan = rituximab(DoseInputs(weight_kg=35, height_cm=140))
    assert plan.dose.value == 438.8
    assert plan.schedule[0].count == 4
    assert plan.schedule[0].every_days == 7


def test_rituximab_low_dose_regimens() -> None:
    assert rituximab(DoseInputs(regimen="low-dose-100mg")).dose.value == 100
    single = rituximab(DoseInputs(weight_kg=35, height_cm=140, regimen="single-375"))
    assert single.schedule[0].count == 1
    with pytest.raises(MissingInputError, match="height"):
        rituximab(DoseInputs(weight_kg=35))


@pytest.mark.parametrize(
    ("age", "ancestry", "hepatic", "dose"),
    [
        (8, Ancestry.OTHER, False, 50.0),
        (8, Ancestry.EAST_ASIAN, False, 25.0),
        (8, Ancestry.SOUTHEAST_ASIAN, False, 25.0),
        (8, Ancestry.OTHER, True, 25.0),
        (8, Ancestry.EAST_ASIAN, True, 12.5),
        (3, Ancestry.OTHER, False, 25.0),
        (6, Ancestry.OTHER, False, 50.0),
    ],
)
def test_eltrombopag_label_starting_doses(
    age: float, ancestry: Ancestry, hepatic: bool, dose: float
) -> None:
    """PROMACTA US label (D1): >= 6 y 50 mg; East/SE-Asian 25 mg; hepatic impairment 25 mg;
    both: consider 12.5 mg; 1-5 y 25 mg."""
    plan = eltrombopag(DoseInputs(age_years=age, ancestry=ancestry, hepatic_impairment=hepatic))
    assert plan.dose.value == dose
    assert sum(plan.practical["tablets_mg"]) == dose


def test_eltrombopag_refusals() -> None:
    with pytest.raises(MissingInputError, match="--age-years"):
        eltrombopag(DoseInputs(weight_kg=20))
    with pytest.raises(DoseRefusedError):
        eltrombopag(DoseInputs(age_years=0.5))
    with pytest.raises(OutsideValidRangeError, match="1-5"):
        eltrombopag(DoseInputs(age_years=8, weight_kg=25, regimen="petit2"))


def test_eltrombopag_petit2_weight_based_with_warning() -> None:
    """PETIT2 (D1, unverified): 1.2 mg/kg; 0.8 mg/kg East/SE-Asian. 15 kg -> 18.0 mg: the nearest
    tablet dose (12.5 mg) is 31% short, so the oral suspension (I7) is measured instead:
    25 mg packet in 20 mL = 1.25 mg/mL, 18 / 1.25 = 14.4 mL; Asian 15 kg -> 12.0 mg."""
    plan = eltrombopag(DoseInputs(age_years=4, weight_kg=15, regimen="petit2"))
    assert plan.dose.value == 18.0
    assert plan.practical["form"] == "oral suspension"
    assert "tablet_dose_mg" not in plan.practical
    assert plan.practical["suspension"]["dose_ml"] == 14.4
    assert any("from memory, unverified" in w for w in plan.warnings)
    asian = eltrombopag(
        DoseInputs(age_years=4, weight_kg=15, regimen="petit2", ancestry=Ancestry.EAST_ASIAN)
    )
    assert asian.dose.value == 12.0


def test_eltrombopag_petit2_never_above_75() -> None:
    plan = eltrombopag(DoseInputs(age_years=5, weight_kg=70, regimen="petit2"))
    assert plan.dose.value == 75.0
    assert plan.capped
    assert plan.practical["tablet_dose_mg"] == 75.0


def test_tablet_combinations() -> None:
    assert tablets_for(62.5) == [50.0, 12.5]
    assert tablets_for(75) == [75.0]
    assert tablets_for(37.5) == [25.0, 12.5]


@pytest.mark.parametrize(
    ("dose", "platelets", "weeks", "action", "next_dose"),
    [
        (50, 30, 2, TitrationStep.INCREASE, 75),
        (50, 30, 1, TitrationStep.NO_CHANGE, 50),
        (75, 30, 3, TitrationStep.NO_CHANGE, 75),
        (75, 30, 4, TitrationStep.DISCONTINUE, None),
        (50, 120, 6, TitrationStep.NO_CHANGE, 50),
        (50, 250, 1, TitrationStep.DECREASE, 25),
        (50, 400, 1, TitrationStep.DECREASE, 25),
        (50, 401, 1, TitrationStep.HOLD, 25),
        (12.5, 450, 2, TitrationStep.DISCONTINUE, None),
        (12.5, 30, 2, TitrationStep.INCREASE, 25),
        (25, 250, 2, TitrationStep.DECREASE, 12.5),
        (12.5, 250, 2, TitrationStep.REVIEW, None),
    ],
)
def test_eltrombopag_titration_table(
    dose: float, platelets: float, weeks: float, action: TitrationStep, next_dose: float | None
) -> None:
    """PROMACTA label Table 1 (D1 [S-2nd]): < 50 after >= 2 weeks +25 mg (max 75); 50-<200 no
    change; 200-400 -25 mg; > 400 stop, restart 25 mg lower; > 400 after 2 weeks at the lowest
    dose, or < 50 after 4 weeks at 75 mg: discontinue."""
    advice = eltrombopag_titration(dose, platelets, weeks)
    assert advice.action is action
    assert advice.next_dose == next_dose


def test_eltrombopag_titration_refuses_odd_doses() -> None:
    with pytest.raises(ImplausibleValueError):
        eltrombopag_titration(30, 40, 2)
    with pytest.raises(ImplausibleValueError):
        eltrombopag_titration(100, 40, 2)


def test_romiplostim_start_and_vial() -> None:
    """Nplate label (D2, I6): 1 ug/kg weekly; vials 125/250/500 ug at 500 ug/mL, diluted to
    125 ug/mL below 23 ug. 18.4 kg -> 18.4 ug / 125 = 0.1472 mL -> 0.15 mL on a 0.01 mL syringe
    (18.75 ug), 125 ug vial."""
    plan = romiplostim(DoseInputs(weight_kg=18.4))
    assert plan.dose.value == 18.4
    assert plan.practical["concentration_mcg_per_ml"] == 125
    assert plan.practical["injection_volume_ml"] == 0.15
    assert plan.practical["delivered_mcg"] == 18.75
    assert plan.practical["vial_mcg"] == 125
    assert vial_for(126) == 250
    assert vial_for(600) is None


@pytest.mark.parametrize(
    ("current", "platelets", "weeks_above", "weeks", "action", "next_dose"),
    [
        (1, 30, 0, 1, TitrationStep.INCREASE, 2),
        (9, 30, 0, 1, TitrationStep.INCREASE, 10),
        (10, 30, 0, 3, TitrationStep.NO_CHANGE, 10),
        (10, 30, 0, 4, TitrationStep.DISCONTINUE, None),
        (5, 150, 0, 1, TitrationStep.NO_CHANGE, 5),
        (5, 250, 1, 1, TitrationStep.NO_CHANGE, 5),
        (5, 250, 2, 1, TitrationStep.DECREASE, 4),
        (5, 450, 0, 1, TitrationStep.HOLD, 4),
        (1, 250, 2, 1, TitrationStep.REVIEW, None),
    ],
)
def test_romiplostim_titration(
    current: float, platelets: float, weeks_above: int, weeks: float, action: TitrationStep,
    next_dose: float | None,
) -> None:  # fmt: skip
    """Nplate US label (D2): +1 ug/kg while < 50 (max 10); > 200-400 for 2 consecutive weeks
    -1; > 400 hold, resume -1 when < 200; no response after 4 weeks at 10 ug/kg: stop."""
    advice = romiplostim_titration(current, platelets, weeks_above, weeks)
    assert advice.action is action
    assert advice.next_dose == next_dose


def test_vincristine_standard_and_cap() -> None:
    """1.5 mg/m2 max 2 mg (D, unverified): 150 cm 40 kg BSA 1.29 -> 1.935 -> 1.9 mg; 170 cm
    60 kg BSA 1.68 -> 2.52 -> capped 2.0 mg."""
    child = vincristine(DoseInputs(weight_kg=40, height_cm=150))
    assert child.dose.value == 1.9
    assert any("from memory, unverified" in w for w in child.warnings)
    teen = vincristine(DoseInputs(weight_kg=60, height_cm=170))
    assert (teen.dose.value, teen.capped) == (2.0, True)


def test_vincristine_combination_0_03_mg_kg() -> None:
    """Boruchov 2007: 0.03 mg/kg; 50 kg -> 1.5 mg; 80 kg -> 2.4 -> 2.0 mg cap."""
    assert vincristine(DoseInputs(weight_kg=50, regimen="combination")).dose.value == 1.5
    heavy = vincristine(DoseInputs(weight_kg=80, regimen="combination"))
    assert (heavy.dose.value, heavy.capped) == (2.0, True)


def test_cytotoxics_carry_counselling_from_seed_002() -> None:
    """Seed 002: neurotoxicity, myelosuppression, reproductive risk; informed parental decision."""
    for plan in (
        vincristine(DoseInputs(weight_kg=40, height_cm=150)),
        cyclophosphamide(DoseInputs(weight_kg=40, height_cm=150)),
        cyclophosphamide(DoseInputs(weight_kg=40, regimen="oral")),
    ):
        text = " ".join(plan.counselling)
        for word in ("neurotoxicity", "myelosuppression", "reproductive", "parents", "informed"):
            assert word in text


def test_cyclophosphamide_regimens() -> None:
    """Combination 400-650 mg/m2 days 1 and 8 [S-2nd]: BSA 1.29 -> 516-838.5 mg."""
    combo = cyclophosphamide(DoseInputs(weight_kg=40, height_cm=150))
    assert combo.range is not None
    assert (combo.range.low, combo.range.high) == (516.0, 838.5)
    assert combo.schedule[0].count == 2
    oral = cyclophosphamide(DoseInputs(weight_kg=40, regimen="oral"))
    assert oral.range is not None
    assert (oral.range.low, oral.range.high) == (40.0, 80.0)
    assert any("unverified" in w for w in oral.warnings)
