"""Eculizumab: aHUS label weight tiers as the TA-TMA starting dose (clinical-reference.md B3).

The infusion time follows the age (I2): children are infused over 1-4 h, adults over 35 min.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from thrombo.dosing.inputs import DoseInputs, age_of, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    Amount,
    DoseRecommendation,
    DoseRefusedError,
    Phase,
    round_half_up,
)

DRUG = "eculizumab"
LABEL = "Soliris (eculizumab) US prescribing information / EU SmPC, aHUS section [S-2nd] (B3)"
TA_TMA_PK = (
    "Jodele S et al. Biol Blood Marrow Transplant 2014;20(4):518-525; Mizuno K et al. Blood Adv "
    "2022;6(5):1454 (PK/PD-guided dosing in TA-TMA) (B3, A8)"
)
INFUSION_SOURCE = (
    "Soliris US prescribing information, infusion time by age (MPR monograph) [S-2nd] (I2)"
)
DAYS_PER_WEEK = 7


@dataclass(frozen=True, slots=True)
class WeightTier:
    min_kg: float
    max_kg: float  # exclusive
    induction_mg: float
    induction_doses: int
    maintenance_mg: float
    maintenance_week: int
    maintenance_every_weeks: int


# B3 [S-2nd] Soliris aHUS paediatric tiers (the 10-<20 kg maintenance interval is 2 weeks).
WEIGHT_TIERS = (
    WeightTier(40.0, math.inf, 900.0, 4, 1200.0, 5, 2),
    WeightTier(30.0, 40.0, 600.0, 2, 900.0, 3, 2),
    WeightTier(20.0, 30.0, 600.0, 2, 600.0, 3, 2),
    WeightTier(10.0, 20.0, 600.0, 1, 300.0, 2, 2),
    WeightTier(5.0, 10.0, 300.0, 1, 300.0, 2, 3),
)
# B3 [S-2nd]: 300 mg/30 mL (10 mg/mL) vials, diluted to 5 mg/mL.
VIAL_MG = 300.0
VIAL_MG_PER_ML = 10.0
FINAL_MG_PER_ML = 5.0
# I2 [S-2nd] (US PI via the MPR monograph): adults over 35 min, slowed for a reaction to at most
# 2 h in total; children < 18 y over 1-4 h. [Design] (I2) the rule is keyed on age < 18 y.
ADULT_FROM_AGE_YEARS = 18.0
INFUSION_MINUTES_ADULT = 35
INFUSION_MINUTES_ADULT_SLOWEST = 120
INFUSION_MINUTES_CHILD_FASTEST = 60
INFUSION_MINUTES_CHILD_SLOWEST = 240
# I2 [S]: observe for about 1 h after each infusion.
OBSERVE_MINUTES_AFTER = 60
MINUTES_PER_HOUR = 60
NO_AGE = (
    "no age given: the infusion time for children (< 18 y: 1-4 h, US label) is shown; adults "
    "are infused over 35 min"
)
# B3 [S]: TA-TMA trough target > 99-100 ug/mL.
TA_TMA_TROUGH_TARGET_UG_ML = "> 99-100"

LEVEL_GUIDED = (
    "TA-TMA needs level-guided dosing: the aHUS table is a starting dose only; label regimens "
    "reached a trough > 100 ug/mL in < 15% of non-bleeding TA-TMA patients. Titrate to a trough "
    f"{TA_TMA_TROUGH_TARGET_UG_ML} ug/mL with CH50 suppression; gut bleeding raises clearance"
)
MENINGOCOCCAL = (
    "meningococcal vaccination (ACWY + B) before treatment where feasible, otherwise antibiotic "
    "prophylaxis"
)
PLASMA_EXCHANGE = (
    "with plasma exchange or plasma infusion give a supplemental dose (300 mg if the last dose was "
    "300 mg, otherwise 600 mg) within 60 min after each session"
)


def tier_for(weight_kg: float) -> WeightTier:
    for tier in WEIGHT_TIERS:
        if tier.min_kg <= weight_kg < tier.max_kg:
            return tier
    raise DoseRefusedError(
        f"eculizumab: no labelled dose below {WEIGHT_TIERS[-1].min_kg:g} kg "
        f"(weight {weight_kg:g} kg); dose with the PK/PD team"
    )


@dataclass(frozen=True, slots=True)
class Infusion:
    fastest_minutes: int
    slowest_minutes: int
    who: str


def infusion_for(age_years: float | None) -> Infusion:
    """US label infusion time (I2): 1-4 h under 18 y, 35 min (at most 2 h if slowed) from 18."""
    if age_years is not None and age_years >= ADULT_FROM_AGE_YEARS:
        return Infusion(INFUSION_MINUTES_ADULT, INFUSION_MINUTES_ADULT_SLOWEST, "adults")
    return Infusion(
        INFUSION_MINUTES_CHILD_FASTEST,
        INFUSION_MINUTES_CHILD_SLOWEST,
        f"children < {ADULT_FROM_AGE_YEARS:g} y",
    )


def max_rate_ml_per_h(dose_mg: float, infusion: Infusion) -> float:
    """The diluted volume over the shortest allowed time: the fastest pump rate (mL/h)."""
    volume_ml = dose_mg / FINAL_MG_PER_ML
    return round_half_up(volume_ml * MINUTES_PER_HOUR / infusion.fastest_minutes)


def _infusion_lines(tier: WeightTier, infusion: Infusion) -> tuple[str, ...]:
    lines = [
        f"infusion ({infusion.who}): over {infusion.fastest_minutes}-"
        f"{infusion.slowest_minutes} min; observe {OBSERVE_MINUTES_AFTER} min afterwards"
    ]
    for label, mg in (("induction", tier.induction_mg), ("maintenance", tier.maintenance_mg)):
        lines.append(
            f"{label} {mg:g} mg = {mg / FINAL_MG_PER_ML:g} mL at {FINAL_MG_PER_ML:g} mg/mL: "
            f"at most {max_rate_ml_per_h(mg, infusion):g} mL/h "
            f"({mg / FINAL_MG_PER_ML:g} mL over at least {infusion.fastest_minutes} min)"
        )
    return tuple(lines)


def eculizumab(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, DRUG)
    tier = tier_for(weight)
    age = None if inputs.age_years is None else age_of(inputs, DRUG)
    infusion = infusion_for(age)
    first = Amount(tier.induction_mg, "mg")
    maintenance_start = (tier.maintenance_week - 1) * DAYS_PER_WEEK
    schedule = (
        Phase("induction", first, DAYS_PER_WEEK, tier.induction_doses, 0),
        Phase(
            "maintenance",
            Amount(tier.maintenance_mg, "mg"),
            tier.maintenance_every_weeks * DAYS_PER_WEEK,
            None,
            maintenance_start,
        ),
    )
    upper = "" if math.isinf(tier.max_kg) else f" to < {tier.max_kg:g}"
    band = f"{tier.min_kg:g}{upper} kg" if upper else f">= {tier.min_kg:g} kg"
    calculation = (
        f"weight {weight:g} kg -> tier {band}",
        f"induction: {tier.induction_mg:g} mg weekly x {tier.induction_doses}",
        f"maintenance: {tier.maintenance_mg:g} mg at week {tier.maintenance_week} (day "
        f"{maintenance_start}), then every {tier.maintenance_every_weeks} weeks",
        f"vials: ceil({tier.induction_mg:g} mg / {VIAL_MG:g} mg) = "
        f"{math.ceil(tier.induction_mg / VIAL_MG)}; dilute to {FINAL_MG_PER_ML:g} mg/mL = "
        f"{tier.induction_mg / FINAL_MG_PER_ML:g} mL",
        *_infusion_lines(tier, infusion),
    )
    return DoseRecommendation(
        drug=DRUG,
        indication=inputs.indication or "ta-tma",
        regimen="ahus-label-tiers",
        dose=first,
        interval_hours=DAYS_PER_WEEK * 24,
        route="IV",
        infusion_minutes=infusion.fastest_minutes,
        course="induction then maintenance until TA-TMA resolves; adjust to drug levels",
        practical={
            "vials": math.ceil(tier.induction_mg / VIAL_MG),
            "concentrate_ml": tier.induction_mg / VIAL_MG_PER_ML,
            "diluted_volume_ml": tier.induction_mg / FINAL_MG_PER_ML,
            "infusion_minutes_range": {
                "low": infusion.fastest_minutes,
                "high": infusion.slowest_minutes,
            },
            "max_rate_ml_per_h": max_rate_ml_per_h(tier.induction_mg, infusion),
            "weight_tier_kg": {
                "low": tier.min_kg,
                "high": None if math.isinf(tier.max_kg) else tier.max_kg,
            },
        },
        schedule=schedule,
        warnings=(
            LEVEL_GUIDED, MENINGOCOCCAL, PLASMA_EXCHANGE, *(() if age is not None else (NO_AGE,))
        ),
        sources=(LABEL, INFUSION_SOURCE, TA_TMA_PK),
        calculation=calculation,
        inputs=used_inputs(inputs, "weight_kg", "age_years"),
    )
