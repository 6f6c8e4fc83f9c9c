"""Eculizumab: aHUS label weight tiers as the TA-TMA starting dose (clinical-reference.md B3)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from thrombo.dosing.inputs import DoseInputs, used_inputs, weight_of
from thrombo.dosing.recommendation import Amount, DoseRecommendation, DoseRefusedError, Phase

DRUG = "eculizumab"
LABEL = "Soliris (eculizumab) US prescribing information / EU SmPC, aHUS section [S-2nd] (B3)"
TA_TMA_PK = (
    "Jodele S et al. Biol Blood Marrow Transplant 2014;20(4):518-525; Mizuno K et al. Blood Adv "
    "2022;6(5):1454 (PK/PD-guided dosing in TA-TMA) (B3, A8)"
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
# B3 [S-2nd]: 300 mg/30 mL (10 mg/mL) vials, diluted to 5 mg/mL, over 35 min in adults
# (may be slowed to 2 h).
VIAL_MG = 300.0
VIAL_MG_PER_ML = 10.0
FINAL_MG_PER_ML = 5.0
INFUSION_MINUTES_ADULT = 35
INFUSION_MINUTES_SLOWEST = 120
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


def eculizumab(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, DRUG)
    tier = tier_for(weight)
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
    )
    return DoseRecommendation(
        drug=DRUG,
        indication=inputs.indication or "ta-tma",
        regimen="ahus-label-tiers",
        dose=first,
        interval_hours=DAYS_PER_WEEK * 24,
        route="IV",
        infusion_minutes=INFUSION_MINUTES_ADULT,
        course="induction then maintenance until TA-TMA resolves; adjust to drug levels",
        practical={
            "vials": math.ceil(tier.induction_mg / VIAL_MG),
            "concentrate_ml": tier.induction_mg / VIAL_MG_PER_ML,
            "diluted_volume_ml": tier.induction_mg / FINAL_MG_PER_ML,
            "infusion_minutes_slowest": INFUSION_MINUTES_SLOWEST,
            "weight_tier_kg": {
                "low": tier.min_kg,
                "high": None if math.isinf(tier.max_kg) else tier.max_kg,
            },
        },
        schedule=schedule,
        warnings=(LEVEL_GUIDED, MENINGOCOCCAL, PLASMA_EXCHANGE),
        sources=(LABEL, TA_TMA_PK),
        calculation=calculation,
        inputs=used_inputs(inputs, "weight_kg"),
    )
