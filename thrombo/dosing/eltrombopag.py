"""Eltrombopag (Promacta/Revolade) for ITP: label start, PETIT2 profile, titration (D1)."""

from __future__ import annotations

import math
from typing import Any

from thrombo.dosing.inputs import Ancestry, DoseInputs, age_of, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    UNVERIFIED,
    Amount,
    DoseRecommendation,
    DoseRefusedError,
    capped_dose,
    round_half_up,
    round_to_step,
)
from thrombo.dosing.titration import (
    TitrationAdvice,
    TitrationStep,
    check_platelets,
    check_weeks,
)
from thrombo.errors import ImplausibleValueError
from thrombo.physiology.plausibility import OutsideValidRangeError

LABEL = "PROMACTA (eltrombopag) US prescribing information [S] (clinical reference D1)"
TITRATION_SOURCE = "PROMACTA US label Table 1, compendium reproduction [S-2nd] (D1)"
PETIT2 = "Grainger JD et al. Lancet 2015;386(10004):1649-1658 (PETIT2) (D1)"
SUSPENSION_SOURCE = (
    "PROMACTA for oral suspension, US prescribing information 3.2 and 2.4: 12.5 and 25 mg "
    "packets, water only, give within 30 minutes [S] (clinical reference I7)"
)

# D1 [S] label starting doses (once daily).
LABEL_MIN_AGE_YEARS = 1.0
FULL_START_FROM_AGE_YEARS = 6.0
START_MG_AGE_6_PLUS = 50.0
START_MG_AGE_1_TO_5 = 25.0
START_MG_ASIAN_ANCESTRY = 25.0
START_MG_HEPATIC_IMPAIRMENT = 25.0
START_MG_ASIAN_WITH_HEPATIC = 12.5  # label: "consider 12.5 mg"
# D [Design] / D1 [S]: caps and tablets: max 75 mg/day; tablets 12.5, 25, 50, 75 mg (EU SmPC).
MAX_MG_PER_DAY = 75.0
TABLET_STRENGTHS_MG = (75.0, 50.0, 25.0, 12.5)
TABLET_STEP_MG = 12.5
# D1 PETIT2 starting doses for ages 1-5 y (from memory, unverified): 1.2 mg/kg; 0.8 mg/kg for
# East-/Southeast-Asian ancestry.
PETIT2_MG_PER_KG = 1.2
PETIT2_MG_PER_KG_ASIAN = 0.8
PETIT2_MAX_AGE_YEARS = 6.0
# I7 [S]: oral suspension packets of 12.5 and 25 mg; mixed with water only, given at once and
# any remainder discarded after 30 minutes.
SUSPENSION_PACKETS_MG = (12.5, 25.0)
# I7 (unverified: the Instructions for Use were not retrieved): each packet is mixed with 20 mL
# of water, from memory; the output says so and sends the reader to the kit's instructions.
SUSPENSION_WATER_ML = 20.0
UNVERIFIED_SUSPENSION = (
    f"oral suspension volume assumes each packet is mixed with {SUSPENSION_WATER_ML:g} mL of "
    f"water ({UNVERIFIED}): check the kit's Instructions for Use before measuring"
)
# D [Design]: oral liquids to 0.1 mL.
SUSPENSION_ML_DECIMALS = 1
# [Design] tablets are offered only when the nearest 12.5 mg multiple is within 10% of the dose
# (the same tolerance as the romiplostim syringe check); otherwise the suspension is measured.
TABLET_TOLERANCE = 0.10
UNVERIFIED_PETIT2 = (
    f"PETIT2 weight-based starting doses ({PETIT2_MG_PER_KG:g} / {PETIT2_MG_PER_KG_ASIAN:g} "
    f"mg/kg) are {UNVERIFIED}; the current US label gives a flat {START_MG_AGE_1_TO_5:g} mg for "
    f"ages {LABEL_MIN_AGE_YEARS:g}-{FULL_START_FROM_AGE_YEARS - 1:g}"
)

# D1 [S-2nd] titration (label Table 1), platelets x 10^9/L.
TITRATE_UP_BELOW = 50.0
TARGET_UPPER = 200.0
STOP_ABOVE = 400.0
RESTART_BELOW = 150.0
STEP_MG = 25.0
WEEKS_BEFORE_INCREASE = 2.0
WEEKS_AT_MAX_BEFORE_STOP = 4.0
WEEKS_AT_LOWEST_BEFORE_STOP = 2.0
LOWEST_DOSE_MG = TABLET_STEP_MG
UNVERIFIED_12_5_STEP = (
    f"stepping between {LOWEST_DOSE_MG:g} and {STEP_MG:g} mg is a sub-rule {UNVERIFIED}"
)

SAFETY = (
    "ALT, AST and bilirubin before starting, every 2 weeks while adjusting, then monthly; stop "
    "for ALT >= 3 x ULN with progression, persistence >= 4 weeks, raised direct bilirubin or "
    "symptoms of liver injury",
    "separate from polyvalent cations (iron, calcium, aluminium, magnesium, selenium, zinc; dairy) "
    "by at least 4 h; take 1 h before or 2 h after meals",
    "CBC weekly until stable, then monthly; do not aim to normalise the platelet count",
)


def tablets_for(dose_mg: float) -> list[float]:
    """Fewest tablets making a multiple of 12.5 mg (greedy is exact for these strengths)."""
    remaining, tablets = dose_mg, []
    for strength in TABLET_STRENGTHS_MG:
        while remaining >= strength - 1e-9:
            tablets.append(strength)
            remaining -= strength
    return tablets


def _label_start(age: float, asian: bool, hepatic: bool) -> tuple[float, str]:
    if asian and hepatic:
        return START_MG_ASIAN_WITH_HEPATIC, "East-/Southeast-Asian ancestry with hepatic impairment"
    if hepatic:
        return START_MG_HEPATIC_IMPAIRMENT, "hepatic impairment"
    if age < FULL_START_FROM_AGE_YEARS:
        return START_MG_AGE_1_TO_5, f"age {age:g} y (1-5 y)"
    if asian:
        return START_MG_ASIAN_ANCESTRY, "East-/Southeast-Asian ancestry"
    return START_MG_AGE_6_PLUS, f"age {age:g} y (>= 6 y)"


def eltrombopag(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "label"
    age = age_of(inputs, "eltrombopag")
    if age < LABEL_MIN_AGE_YEARS:
        raise DoseRefusedError(f"eltrombopag has no ITP dose under {LABEL_MIN_AGE_YEARS:g} year")
    asian = inputs.ancestry is not Ancestry.OTHER
    if regimen == "petit2":
        return _petit2(inputs, age, asian)
    if regimen != "label":
        raise OutsideValidRangeError("eltrombopag regimen must be 'label' or 'petit2'")
    dose_mg, why = _label_start(age, asian, inputs.hepatic_impairment)
    dose = Amount(dose_mg, "mg")
    warnings = list(SAFETY)
    if dose_mg == START_MG_ASIAN_WITH_HEPATIC:
        warnings.insert(0, "label says 'consider' 12.5 mg for this combination: prescriber choice")
    return DoseRecommendation(
        drug="eltrombopag",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        interval_hours=24,
        per_day=dose,
        route="PO",
        course=(
            f"once daily; titrate by platelet count (label Table 1), max {MAX_MG_PER_DAY:g} mg/day"
        ),
        practical={"tablets_mg": tablets_for(dose_mg)},
        warnings=tuple(warnings),
        sources=(LABEL,),
        calculation=(f"label starting dose for {why}: {dose_mg:g} mg once daily",),
        inputs=used_inputs(inputs, "age_years", "ancestry", "hepatic_impairment"),
    )


def suspension_for(dose_mg: float) -> dict[str, Any]:
    """The oral-suspension dose: packets to mix, concentration and the volume to give."""
    packet = next((p for p in SUSPENSION_PACKETS_MG if p >= dose_mg), SUSPENSION_PACKETS_MG[-1])
    packets = math.ceil(dose_mg / packet - 1e-9)
    concentration = packet / SUSPENSION_WATER_ML
    volume = round_half_up(dose_mg / concentration, SUSPENSION_ML_DECIMALS)
    return {
        "packet_mg": packet,
        "packets": packets,
        "water_ml_per_packet": SUSPENSION_WATER_ML,
        "concentration_mg_per_ml": concentration,
        "dose_mg": dose_mg,
        "dose_ml": volume,
    }


def _tablets_fit(dose_mg: float, tablet_dose: float) -> bool:
    return dose_mg >= TABLET_STEP_MG and abs(tablet_dose / dose_mg - 1) <= TABLET_TOLERANCE


def _petit2(inputs: DoseInputs, age: float, asian: bool) -> DoseRecommendation:
    if age >= PETIT2_MAX_AGE_YEARS:
        raise OutsideValidRangeError(
            "the petit2 weight-based profile covers ages 1-5 y; use --regimen label"
        )
    weight = weight_of(inputs, "eltrombopag (petit2)")
    per_kg = PETIT2_MG_PER_KG_ASIAN if asian else PETIT2_MG_PER_KG
    dose_mg, capped = capped_dose(per_kg * weight, MAX_MG_PER_DAY)
    tablet_dose = min(max(round_to_step(dose_mg, TABLET_STEP_MG), TABLET_STEP_MG), MAX_MG_PER_DAY)
    dose = Amount(dose_mg, "mg")
    suspension = suspension_for(dose_mg)
    tablets = _tablets_fit(dose_mg, tablet_dose)
    practical: dict[str, Any] = {"form": "tablets" if tablets else "oral suspension"}
    if tablets:
        practical |= {"tablet_dose_mg": tablet_dose, "tablets_mg": tablets_for(tablet_dose)}
    practical["suspension"] = suspension
    how = (
        f"tablets: nearest {TABLET_STEP_MG:g} mg multiple {tablet_dose:g} mg "
        f"(within {TABLET_TOLERANCE:.0%})"
        if tablets
        else f"no tablet dose within {TABLET_TOLERANCE:.0%} of {dose_mg:g} mg (tablets are "
        f"{TABLET_STEP_MG:g} mg multiples): give the oral suspension"
    )
    return DoseRecommendation(
        drug="eltrombopag",
        indication=inputs.indication or "itp",
        regimen="petit2",
        dose=dose,
        per_kg=Amount(per_kg, "mg/kg"),
        interval_hours=24,
        per_day=dose,
        route="PO",
        course="once daily; titrate by platelet count",
        practical=practical,
        capped=capped,
        warnings=(UNVERIFIED_PETIT2, UNVERIFIED_SUSPENSION, *SAFETY),
        sources=(PETIT2, LABEL, SUSPENSION_SOURCE),
        calculation=(
            f"{per_kg:g} mg/kg x {weight:g} kg = {per_kg * weight:.2f} mg -> {dose_mg:.1f} mg",
            how,
            f"oral suspension: {suspension['packets']} x {suspension['packet_mg']:g} mg packet, "
            f"each in {SUSPENSION_WATER_ML:g} mL water = {suspension['concentration_mg_per_ml']:g} "
            f"mg/mL; give {dose_mg:g} mg = {suspension['dose_ml']:g} mL, discard the rest",
        ),
        inputs=used_inputs(inputs, "weight_kg", "age_years", "ancestry"),
    )


def _check_current_dose(current_dose_mg: float) -> float:
    steps = current_dose_mg / TABLET_STEP_MG
    if not 0 < current_dose_mg <= MAX_MG_PER_DAY or abs(steps - round(steps)) > 1e-9:
        raise ImplausibleValueError(
            f"current eltrombopag dose {current_dose_mg:g} mg is not a 12.5 mg multiple up to "
            f"{MAX_MG_PER_DAY:g} mg"
        )
    return current_dose_mg


def _lower(current: float) -> tuple[float | None, tuple[str, ...]]:
    if current - STEP_MG > 0:
        return current - STEP_MG, ()
    if current > LOWEST_DOSE_MG:
        return LOWEST_DOSE_MG, (UNVERIFIED_12_5_STEP,)
    return None, ()


def eltrombopag_titration(
    current_dose_mg: float, platelets_10e9_l: float, weeks_on_current_dose: float
) -> TitrationAdvice:
    """The label Table 1 action for one platelet count on the current daily dose."""
    current = _check_current_dose(current_dose_mg)
    plt = check_platelets(platelets_10e9_l)
    weeks = check_weeks(weeks_on_current_dose, "weeks_on_current_dose")

    def advice(
        action: TitrationStep, dose: float | None, reason: str, warnings: tuple[str, ...] = ()
    ) -> TitrationAdvice:
        return TitrationAdvice(action, dose, "mg", reason, warnings)

    if plt > STOP_ABOVE:
        if current <= LOWEST_DOSE_MG and weeks >= WEEKS_AT_LOWEST_BEFORE_STOP:
            return advice(
                TitrationStep.DISCONTINUE,
                None,
                f"> {STOP_ABOVE:g} after 2 weeks at the lowest dose",
            )
        restart, notes = _lower(current)
        return advice(
            TitrationStep.HOLD,
            restart,
            f"> {STOP_ABOVE:g}: stop, check platelets twice weekly, restart 25 mg lower "
            f"when < {RESTART_BELOW:g}",
            notes,
        )
    if plt >= TARGET_UPPER:
        lower, notes = _lower(current)
        if lower is None:
            return advice(
                TitrationStep.REVIEW,
                None,
                f"{TARGET_UPPER:g}-{STOP_ABOVE:g} on the lowest tablet dose",
            )
        return advice(
            TitrationStep.DECREASE,
            lower,
            f"{TARGET_UPPER:g}-{STOP_ABOVE:g}: decrease by 25 mg, wait 2 weeks",
            notes,
        )
    if plt >= TITRATE_UP_BELOW:
        return advice(TitrationStep.NO_CHANGE, current,
                      f"in the target range {TITRATE_UP_BELOW:g} to < {TARGET_UPPER:g}")
    if current >= MAX_MG_PER_DAY and weeks >= WEEKS_AT_MAX_BEFORE_STOP:
        return advice(
            TitrationStep.DISCONTINUE,
            None,
            f"< {TITRATE_UP_BELOW:g} after {WEEKS_AT_MAX_BEFORE_STOP:g} weeks at "
            f"{MAX_MG_PER_DAY:g} mg: ineffective",
        )
    if weeks < WEEKS_BEFORE_INCREASE or current >= MAX_MG_PER_DAY:
        return advice(
            TitrationStep.NO_CHANGE,
            current,
            f"< {TITRATE_UP_BELOW:g} but not yet {WEEKS_BEFORE_INCREASE:g} weeks on this dose, "
            "or at the maximum",
        )
    if current == LOWEST_DOSE_MG:
        return advice(
            TitrationStep.INCREASE,
            STEP_MG,
            f"< {TITRATE_UP_BELOW:g} after {WEEKS_BEFORE_INCREASE:g} weeks: "
            f"{LOWEST_DOSE_MG:g} -> {STEP_MG:g} mg first",
            (UNVERIFIED_12_5_STEP,),
        )
    return advice(
        TitrationStep.INCREASE,
        min(current + STEP_MG, MAX_MG_PER_DAY),
        f"< {TITRATE_UP_BELOW:g} after {WEEKS_BEFORE_INCREASE:g} weeks: increase by "
        f"{STEP_MG:g} mg",
    )
