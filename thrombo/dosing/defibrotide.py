"""Defibrotide (Defitelio) dose plan: label VOD course and the TA-TMA protocol course.

clinical-reference.md B1 (label [S]) and the study protocol of seed 000_56e8c5c5802e858b.txt.
"""

from __future__ import annotations

import math

from thrombo.dosing.inputs import DoseInputs, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    Amount,
    DoseRecommendation,
    capped_dose,
    round_down,
    round_half_up,
    round_up,
)
from thrombo.physiology.plausibility import OutsideValidRangeError

DRUG = "defibrotide"
LABEL = (
    "DEFITELIO (defibrotide sodium) US prescribing information, Jazz 2016 (clinical reference B1)"
)
PROTOCOL = (
    "Single-centre paediatric TA-TMA study, seed 000_56e8c5c5802e858b.txt: 25 mg/kg/day in 4 "
    "doses for at least 14 days; resolution assessed within 28 days"
)

# B1 [S]: 6.25 mg/kg every 6 h (25 mg/kg/day in 4 doses), 2-h IV infusion.
DOSE_MG_PER_KG = 6.25
INTERVAL_HOURS = 6
DOSES_PER_DAY = 4
INFUSION_MINUTES = 120
# B1 [S]: 200 mg/2.5 mL (80 mg/mL) single-use vials; dilute to a final 4-20 mg/mL.
VIAL_MG = 200.0
CONCENTRATE_MG_PER_ML = 80.0
FINAL_CONCENTRATION_MIN_MG_PER_ML = 4.0
FINAL_CONCENTRATION_MAX_MG_PER_ML = 20.0
# [Design] volumes to 0.01 mL (syringe precision); bag limits rounded inwards so the final
# concentration stays inside 4-20 mg/mL.
VOLUME_DECIMALS = 2
# [Design] a concentrate volume under 1 mL is measured in a 1 mL syringe where one 0.01 mL step
# is 0.8 mg, so the pharmacy prepares it (flagged in `practical` and the warnings).
PHARMACY_BELOW_ML = 1.0
# B1 [S]: VOD course at least 21 days; if unresolved continue to resolution, at most 60 days.
VOD_MIN_DAYS = 21
VOD_MAX_DAYS = 60
# Seed 000 protocol: at least 14 days; primary endpoint is resolution within 28 days, so the
# course is reassessed on day 14 (earliest stop) and day 28.
TA_TMA_MIN_DAYS = 14
TA_TMA_REASSESS_DAYS = (14, 28)

TA_TMA_OFF_LABEL = (
    "TA-TMA treatment is off-label in indication and duration (label: hepatic VOD/SOS, "
    f"at least {VOD_MIN_DAYS} days)"
)
BEFORE_EACH_DOSE = (
    "before each dose confirm no clinically significant bleeding and haemodynamic stability on "
    "no more than one vasopressor; no systemic anticoagulant or fibrinolytic (contraindicated)"
)

INDICATIONS = {"ta-tma": "ta-tma-protocol", "vod": "vod-label"}


def _course(indication: str) -> str:
    if indication == "vod":
        return (
            f"at least {VOD_MIN_DAYS} days; if VOD is not resolved by day {VOD_MIN_DAYS}, "
            f"continue until resolution, to at most {VOD_MAX_DAYS} days"
        )
    day_a, day_b = TA_TMA_REASSESS_DAYS
    return f"at least {TA_TMA_MIN_DAYS} days; reassess on day {day_a} and day {day_b}"


def _indication(inputs: DoseInputs) -> str:
    """The indication picks the course; `--regimen` may name it instead, but not contradict it."""
    by_regimen = {regimen: indication for indication, regimen in INDICATIONS.items()}
    from_regimen = by_regimen.get(inputs.regimen) if inputs.regimen else None
    if inputs.regimen and from_regimen is None:
        raise OutsideValidRangeError(
            f"defibrotide regimens: {', '.join(by_regimen)} (got {inputs.regimen!r})"
        )
    indication = inputs.indication or from_regimen or "ta-tma"
    if indication not in INDICATIONS:
        raise OutsideValidRangeError(
            f"defibrotide indication must be one of {', '.join(INDICATIONS)}, got {indication!r}"
        )
    if from_regimen is not None and from_regimen != indication:
        raise OutsideValidRangeError(
            f"defibrotide regimen {inputs.regimen!r} does not match indication {indication!r}"
        )
    return indication


def defibrotide(inputs: DoseInputs) -> DoseRecommendation:
    """6.25 mg/kg q6h on the weight before conditioning, with the pharmacy arithmetic."""
    indication = _indication(inputs)
    regimen = INDICATIONS[indication]
    weight = weight_of(inputs, DRUG)
    dose_mg, _ = capped_dose(DOSE_MG_PER_KG * weight, None)
    per_day_mg = round_half_up(dose_mg * DOSES_PER_DAY)
    concentrate_ml = round_half_up(dose_mg / CONCENTRATE_MG_PER_ML, VOLUME_DECIMALS)
    bag_low = round_up(dose_mg / FINAL_CONCENTRATION_MAX_MG_PER_ML, VOLUME_DECIMALS)
    bag_high = round_down(dose_mg / FINAL_CONCENTRATION_MIN_MG_PER_ML, VOLUME_DECIMALS)
    vials = math.ceil(dose_mg / VIAL_MG)
    # What the measured volume holds: volume x concentration, stated beside the dose so the two
    # figures agree on the page (1.44 mL x 80 mg/mL = 115.2 mg for a 115.0 mg dose).
    concentrate_mg = round_half_up(concentrate_ml * CONCENTRATE_MG_PER_ML)
    small_volume = concentrate_ml < PHARMACY_BELOW_ML
    calculation = (
        f"weight basis: {weight:g} kg, the weight before the conditioning regimen (label)",
        f"dose: {DOSE_MG_PER_KG:g} mg/kg x {weight:g} kg = {dose_mg:.1f} mg every "
        f"{INTERVAL_HOURS} h",
        f"per day: {dose_mg:.1f} mg x {DOSES_PER_DAY} doses = {per_day_mg:.1f} mg "
        f"({DOSE_MG_PER_KG * DOSES_PER_DAY:g} mg/kg/day)",
        f"concentrate: {dose_mg:.1f} mg / {CONCENTRATE_MG_PER_ML:g} mg/mL = "
        f"{concentrate_ml:.2f} mL (0.01 mL steps); {concentrate_ml:.2f} mL x "
        f"{CONCENTRATE_MG_PER_ML:g} mg/mL = {concentrate_mg:.1f} mg",
        f"vials per dose: ceil({dose_mg:.1f} mg / {VIAL_MG:g} mg) = {vials} "
        "(single use; discard the remainder)",
        f"final bag volume: {dose_mg:.1f} mg / {FINAL_CONCENTRATION_MAX_MG_PER_ML:g} mg/mL = "
        f"{bag_low:.2f} mL to {dose_mg:.1f} mg / {FINAL_CONCENTRATION_MIN_MG_PER_ML:g} mg/mL = "
        f"{bag_high:.2f} mL (D5W or 0.9% NaCl)",
        f"infusion: over {INFUSION_MINUTES} min through a 0.2-micron in-line filter",
    )
    warnings = [BEFORE_EACH_DOSE]
    if small_volume:
        warnings.insert(
            0,
            f"pharmacy: the concentrate volume {concentrate_ml:.2f} mL is under "
            f"{PHARMACY_BELOW_ML:g} mL; measure with a 1 mL syringe in pharmacy "
            f"(one 0.01 mL step = {CONCENTRATE_MG_PER_ML / 100:g} mg)",
        )
    sources = [LABEL]
    if indication == "ta-tma":
        warnings.insert(0, TA_TMA_OFF_LABEL)
        sources.append(PROTOCOL)
    return DoseRecommendation(
        drug=DRUG,
        indication=indication,
        regimen=regimen,
        dose=Amount(dose_mg, "mg"),
        per_kg=Amount(DOSE_MG_PER_KG, "mg/kg"),
        interval_hours=INTERVAL_HOURS,
        per_day=Amount(per_day_mg, "mg"),
        route="IV",
        infusion_minutes=INFUSION_MINUTES,
        course=_course(indication),
        practical={
            "vials": vials,
            "concentrate_ml": concentrate_ml,
            "concentrate_mg": concentrate_mg,
            "pharmacy_preparation": small_volume,
            "bag_volume_ml": {"low": bag_low, "high": bag_high},
            "final_concentration_mg_per_ml": {
                "low": FINAL_CONCENTRATION_MIN_MG_PER_ML,
                "high": FINAL_CONCENTRATION_MAX_MG_PER_ML,
            },
        },
        warnings=tuple(warnings),
        sources=tuple(sources),
        calculation=calculation,
        inputs={**used_inputs(inputs, "weight_kg"), "weight_basis": "before conditioning"},
        options={"indication": indication},
    )
