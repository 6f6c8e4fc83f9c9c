"""Romiplostim (Nplate) for ITP: weekly start dose, vial choice, titration (D2)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from thrombo.dosing.inputs import DoseInputs, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    Amount,
    DoseRecommendation,
    DoseRefusedError,
    round_half_up,
)
from thrombo.dosing.titration import (
    TitrationAdvice,
    TitrationStep,
    check_platelets,
    check_weeks,
)
from thrombo.errors import ImplausibleValueError

LABEL = "Nplate (romiplostim) US prescribing information [S-2nd] (clinical reference D2)"
DILUTION_SOURCE = (
    "Nplate US prescribing information section 2 and Table 1 (small-dose dilution to "
    "125 mcg/mL) [S-2nd] (clinical reference I6)"
)

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
# I6 [S-2nd] current US label: a calculated dose below 23 mcg is diluted further with 0.9% sodium
# chloride from 500 to 125 mcg/mL (1 volume of reconstituted solution + 3 volumes of saline).
DILUTE_BELOW_MCG = 23.0
DILUTED_MCG_PER_ML = 125.0
SALINE_PARTS_PER_PART = RECONSTITUTED_MCG_PER_ML / DILUTED_MCG_PER_ML - 1
# [Design] a 0.01 mL syringe step is 5 mcg at 500 mcg/mL (1.25 mcg at 125): when the volume
# delivers more than 10% away from the calculated dose, the output says so and asks pharmacy
# for a further dilution rather than silently giving 5 mcg where 3 mcg is due.
DELIVERY_TOLERANCE = 0.10
WEEK_HOURS = 7 * 24
# Romiplostim in children: US approval from age >= 1 year with ITP of >= 6 months' duration
# (FDA, 14 Dec 2018; clinical-reference.md D2 [S] corrected). Whole years and calendar months.
# The treatment ladder refuses it below these; a dose asked for directly carries the warning.
ROMIPLOSTIM_MIN_AGE_YEARS = 1
ROMIPLOSTIM_MIN_ITP_MONTHS = 6
ROMIPLOSTIM_APPROVAL = (
    "romiplostim US paediatric approval (FDA, 14 Dec 2018): age >= 1 year and ITP of >= 6 "
    "months' duration (clinical reference D2 [S])"
)


def _age_warning(inputs: DoseInputs) -> tuple[str, ...]:
    if inputs.age_years is None or inputs.age_years >= ROMIPLOSTIM_MIN_AGE_YEARS:
        return ()
    return (f"age {inputs.age_years:g} years is under {ROMIPLOSTIM_MIN_AGE_YEARS} year: not "
            f"approved below it, not suitable without specialist review; {ROMIPLOSTIM_APPROVAL}",)


WARNINGS = (
    "CBC weekly until stable (>= 50 x 10^9/L for >= 4 weeks without dose change), then monthly, "
    "and weekly for >= 2 weeks after stopping",
    "recalculate the dose when the child's weight changes",
)


def vial_for(dose_mcg: float) -> float | None:
    """Smallest single vial holding the dose; None when more than one 500 ug vial is needed."""
    return next((v for v in VIALS_MCG if v >= dose_mcg), None)


@dataclass(frozen=True, slots=True)
class Preparation:
    """A romiplostim dose as drawn up: concentration, syringe volume and what it delivers."""

    dose_mcg: float
    concentration_mcg_per_ml: float
    volume_ml: float
    delivered_mcg: float

    @property
    def diluted(self) -> bool:
        return self.concentration_mcg_per_ml == DILUTED_MCG_PER_ML

    @property
    def deviation(self) -> float:
        """Delivered over calculated dose, minus 1 (+0.25 = a quarter too much), to 0.1% as
        shown, so a dose exactly 10% off is not "more than 10%" by a binary float's error."""
        return round(self.delivered_mcg / self.dose_mcg - 1, 3)


def romiplostim_dose(weight_kg: float, mcg_per_kg: float) -> Preparation:
    """The dose (ug, to 0.1) and its syringe volume (0.01 mL) at 500, or 125 ug/mL below 23 ug."""
    if not 0 < mcg_per_kg <= MAX_MCG_PER_KG:
        raise ImplausibleValueError(
            f"romiplostim {mcg_per_kg:g} ug/kg is outside 0 to {MAX_MCG_PER_KG:g} ug/kg/week"
        )
    dose = round_half_up(mcg_per_kg * weight_kg)
    concentration = (
        DILUTED_MCG_PER_ML if mcg_per_kg * weight_kg < DILUTE_BELOW_MCG
        else RECONSTITUTED_MCG_PER_ML
    )  # fmt: skip
    volume = round_half_up(dose / concentration, VOLUME_DECIMALS)
    # Never let the syringe volume deliver more than the 10 ug/kg maximum.
    ceiling_ml = MAX_MCG_PER_KG * weight_kg / concentration
    if volume > ceiling_ml:
        volume = math.floor(ceiling_ml * 10**VOLUME_DECIMALS) / 10**VOLUME_DECIMALS
    if volume <= 0:
        raise DoseRefusedError(
            f"romiplostim {dose:g} ug is below the smallest measurable volume (0.01 mL at "
            f"{concentration:g} ug/mL): ask pharmacy to prepare the dose (I6)"
        )
    return Preparation(dose, concentration, volume, round_half_up(volume * concentration, 2))


def _preparation_lines(p: Preparation) -> tuple[str, ...]:
    lines = []
    if p.diluted:
        lines.append(
            f"calculated dose < {DILUTE_BELOW_MCG:g} ug: after reconstitution to "
            f"{RECONSTITUTED_MCG_PER_ML:g} ug/mL, dilute 1 volume with {SALINE_PARTS_PER_PART:g} "
            f"volumes of 0.9% sodium chloride to {DILUTED_MCG_PER_ML:g} ug/mL (label)"
        )
    lines.append(
        f"volume: {p.dose_mcg:.1f} ug / {p.concentration_mcg_per_ml:g} ug/mL = {p.volume_ml:.2f} "
        f"mL (0.01 mL syringe) -> delivers {p.delivered_mcg:g} ug"
    )
    return tuple(lines)


def _delivery_warning(p: Preparation) -> tuple[str, ...]:
    if abs(p.deviation) <= DELIVERY_TOLERANCE:
        return ()
    return (
        f"the 0.01 mL syringe delivers {p.delivered_mcg:g} ug where {p.dose_mcg:g} ug is due "
        f"({p.deviation:+.0%}, more than {DELIVERY_TOLERANCE:.0%}): ask pharmacy to prepare a "
        "further dilution so the dose can be measured",
    )


def romiplostim(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, "romiplostim")
    prep = romiplostim_dose(weight, START_MCG_PER_KG)
    return DoseRecommendation(
        drug="romiplostim",
        indication=inputs.indication or "itp",
        regimen=inputs.regimen or "label",
        dose=Amount(prep.dose_mcg, "mcg"),
        per_kg=Amount(START_MCG_PER_KG, "mcg/kg"),
        interval_hours=WEEK_HOURS,
        route="SC",
        course=(
            f"weekly; adjust by {STEP_MCG_PER_KG:g} ug/kg by platelet count, max "
            f"{MAX_MCG_PER_KG:g} ug/kg/week"
        ),
        practical={
            "vial_mcg": vial_for(prep.dose_mcg),
            "concentration_mcg_per_ml": prep.concentration_mcg_per_ml,
            "injection_volume_ml": prep.volume_ml,
            "delivered_mcg": prep.delivered_mcg,
        },
        warnings=(*_age_warning(inputs), *_delivery_warning(prep), *WARNINGS),
        sources=(LABEL, DILUTION_SOURCE) if prep.diluted else (LABEL,),
        calculation=(
            f"{START_MCG_PER_KG:g} ug/kg x {weight:g} kg = {prep.dose_mcg:.1f} ug (actual weight)",
            *_preparation_lines(prep),
        ),
        inputs=used_inputs(inputs, "weight_kg", *(("age_years",) if inputs.age_years else ())),
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
