"""Romiplostim (Nplate) for ITP: weekly start dose, vial choice, titration (D2)."""

from __future__ import annotations

import math

from thrombo.dosing.inputs import DoseInputs, used_inputs, weight_of
from thrombo.dosing.recommendation import Amount, DoseRecommendation, round_half_up
from thrombo.dosing.titration import (
    TitrationAdvice,
    TitrationStep,
    check_platelets,
    check_weeks,
)
from thrombo.errors import ImplausibleValueError

LABEL = "Nplate (romiplostim) US prescribing information [S-2nd] (clinical reference D2)"

# D2 [S-2nd] US label: start 1 ug/kg SC weekly on actual weight; steps of 1 ug/kg; max 10.
START_MCG_PER_KG = 1.0
STEP_MCG_PER_KG = 1.0
MAX_MCG_PER_KG = 10.0
# D2 [S-2nd] platelets x 10^9/L.
INCREASE_BELOW = 50.0
REDUCE_ABOVE = 200.0
HOLD_ABOVE = 400.0
RESUME_BELOW = 200.0
CONSECUTIVE_WEEKS_TO_REDUCE = 2
WEEKS_AT_MAX_BEFORE_STOP = 4
# D2 [S-2nd]: vials 125, 250, 500 ug, reconstituted 500 ug/mL; syringe 0.01 mL graduations.
VIALS_MCG = (125.0, 250.0, 500.0)
RECONSTITUTED_MCG_PER_ML = 500.0
VOLUME_DECIMALS = 2
WEEK_HOURS = 7 * 24
WARNINGS = (
    "CBC weekly until stable (>= 50 x 10^9/L for >= 4 weeks without dose change), then monthly, "
    "and weekly for >= 2 weeks after stopping",
    "recalculate the dose when the child's weight changes",
)


def vial_for(dose_mcg: float) -> float | None:
    """Smallest single vial holding the dose; None when more than one 500 ug vial is needed."""
    return next((v for v in VIALS_MCG if v >= dose_mcg), None)


def romiplostim_dose(weight_kg: float, mcg_per_kg: float) -> tuple[float, float]:
    """(dose in ug rounded to 0.1, injection volume in mL at 500 ug/mL to 0.01 mL)."""
    if not 0 < mcg_per_kg <= MAX_MCG_PER_KG:
        raise ImplausibleValueError(
            f"romiplostim {mcg_per_kg:g} ug/kg is outside 0 to {MAX_MCG_PER_KG:g} ug/kg/week"
        )
    dose = round_half_up(mcg_per_kg * weight_kg)
    volume = round_half_up(dose / RECONSTITUTED_MCG_PER_ML, VOLUME_DECIMALS)
    # Never let the syringe volume deliver more than the 10 ug/kg maximum.
    ceiling_ml = MAX_MCG_PER_KG * weight_kg / RECONSTITUTED_MCG_PER_ML
    if volume > ceiling_ml:
        volume = math.floor(ceiling_ml * 10**VOLUME_DECIMALS) / 10**VOLUME_DECIMALS
    return dose, volume


def romiplostim(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, "romiplostim")
    dose_mcg, volume_ml = romiplostim_dose(weight, START_MCG_PER_KG)
    vial = vial_for(dose_mcg)
    delivered = round_half_up(volume_ml * RECONSTITUTED_MCG_PER_ML)
    return DoseRecommendation(
        drug="romiplostim",
        indication=inputs.indication or "itp",
        regimen=inputs.regimen or "label",
        dose=Amount(dose_mcg, "mcg"),
        per_kg=Amount(START_MCG_PER_KG, "mcg/kg"),
        interval_hours=WEEK_HOURS,
        route="SC",
        course=(
            f"weekly; adjust by {STEP_MCG_PER_KG:g} ug/kg by platelet count, max "
            f"{MAX_MCG_PER_KG:g} ug/kg/week"
        ),
        practical={
            "vial_mcg": vial,
            "injection_volume_ml": volume_ml,
            "delivered_mcg": delivered,
        },
        warnings=WARNINGS,
        sources=(LABEL,),
        calculation=(
            f"{START_MCG_PER_KG:g} ug/kg x {weight:g} kg = {dose_mcg:.1f} ug (actual weight)",
            f"volume: {dose_mcg:.1f} ug / {RECONSTITUTED_MCG_PER_ML:g} ug/mL = {volume_ml:.2f} mL "
            f"(0.01 mL syringe) -> delivers {delivered:g} ug",
        ),
        inputs=used_inputs(inputs, "weight_kg"),
    )


def romiplostim_titration(
    current_mcg_per_kg: float,
    platelets_10e9_l: float,
    consecutive_weeks_above_200: int = 0,
    weeks_at_current_dose: float = 0,
) -> TitrationAdvice:
    """The US label weekly adjustment for one platelet count."""
    if not 0 < current_mcg_per_kg <= MAX_MCG_PER_KG:
        raise ImplausibleValueError(
            f"current romiplostim dose {current_mcg_per_kg:g} ug/kg is outside 0 to "
            f"{MAX_MCG_PER_KG:g}"
        )
    plt = check_platelets(platelets_10e9_l)
    weeks = check_weeks(weeks_at_current_dose, "weeks_at_current_dose")
    lower = current_mcg_per_kg - STEP_MCG_PER_KG
    unit = "mcg/kg"
    if plt > HOLD_ABOVE:
        return TitrationAdvice(
            TitrationStep.HOLD, lower if lower > 0 else None, unit,
            f"> {HOLD_ABOVE:g}: hold, check weekly, resume 1 ug/kg lower when < {RESUME_BELOW:g}",
        )  # fmt: skip
    if plt > REDUCE_ABOVE and consecutive_weeks_above_200 >= CONSECUTIVE_WEEKS_TO_REDUCE:
        if lower <= 0:
            return TitrationAdvice(
                TitrationStep.REVIEW, None, unit, "reduction from the lowest dose leaves no dose"
            )
        return TitrationAdvice(
            TitrationStep.DECREASE,
            lower,
            unit,
            f"> {REDUCE_ABOVE:g} for 2 consecutive weeks: reduce by 1 ug/kg",
        )
    if plt < INCREASE_BELOW:
        if current_mcg_per_kg >= MAX_MCG_PER_KG:
            if weeks >= WEEKS_AT_MAX_BEFORE_STOP:
                return TitrationAdvice(
                    TitrationStep.DISCONTINUE,
                    None,
                    unit,
                    "no adequate response after 4 weeks at 10 ug/kg",
                )
            return TitrationAdvice(
                TitrationStep.NO_CHANGE,
                current_mcg_per_kg,
                unit,
                "< 50 at the maximum 10 ug/kg/week",
            )
        return TitrationAdvice(
            TitrationStep.INCREASE,
            min(current_mcg_per_kg + STEP_MCG_PER_KG, MAX_MCG_PER_KG),
            unit,
            f"< {INCREASE_BELOW:g}: increase by 1 ug/kg",
        )
    return TitrationAdvice(TitrationStep.NO_CHANGE, current_mcg_per_kg, unit, "no change")
