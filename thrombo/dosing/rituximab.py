"""Rituximab for ITP: standard and low-dose regimens (clinical-reference.md D)."""

from __future__ import annotations

from thrombo.dosing.inputs import DoseInputs, bsa_of, used_inputs
from thrombo.dosing.recommendation import Amount, DoseRecommendation, Phase, round_half_up
from thrombo.physiology.plausibility import OutsideValidRangeError

BENNETT = (
    "Bennett CM et al. Blood 2006;107(7):2639-2642: 375 mg/m2 weekly x 4 in childhood chronic "
    "ITP [S] (D)"
)
LOW_DOSE = "Low-dose rituximab cohorts (100 mg x 4; 375 mg/m2 x 1), abstracts [S] (D)"

# D [S]: 375 mg/m2 IV weekly x 4 (standard); low dose 100 mg fixed weekly x 4, or 375 mg/m2 x 1.
MG_PER_M2 = 375.0
STANDARD_DOSES = 4
LOW_DOSE_FIXED_MG = 100.0
LOW_DOSE_DOSES = 4
SINGLE_DOSES = 1
WEEK_DAYS = 7
WARNINGS = (
    "premedicate; first-dose infusion reactions are common (47% in the paediatric phase 1/2 "
    "study); serum sickness 6%",
    "check hepatitis B serology and IgG before starting",
)
REGIMENS = ("standard", "low-dose-100mg", "single-375")


def rituximab(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "standard"
    if regimen not in REGIMENS:
        raise OutsideValidRangeError(f"rituximab regimen must be one of {', '.join(REGIMENS)}")
    if regimen == "low-dose-100mg":
        dose = Amount(LOW_DOSE_FIXED_MG, "mg")
        return DoseRecommendation(
            drug="rituximab",
            indication=inputs.indication or "itp",
            regimen=regimen,
            dose=dose,
            route="IV",
            interval_hours=WEEK_DAYS * 24,
            course=f"{LOW_DOSE_FIXED_MG:g} mg weekly x {LOW_DOSE_DOSES}",
            schedule=(Phase("weekly", dose, WEEK_DAYS, LOW_DOSE_DOSES),),
            warnings=WARNINGS,
            sources=(LOW_DOSE,),
            calculation=(f"fixed {LOW_DOSE_FIXED_MG:g} mg per dose",),
            inputs={},
        )
    bsa = bsa_of(inputs, "rituximab")
    dose_mg = round_half_up(MG_PER_M2 * bsa.value_m2)
    dose = Amount(dose_mg, "mg")
    count = STANDARD_DOSES if regimen == "standard" else SINGLE_DOSES
    return DoseRecommendation(
        drug="rituximab",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        per_m2=Amount(MG_PER_M2, "mg/m2"),
        route="IV",
        interval_hours=WEEK_DAYS * 24 if count > 1 else None,
        course=f"weekly x {count}" if count > 1 else "single dose",
        schedule=(Phase("weekly", dose, WEEK_DAYS, count),),
        warnings=(*bsa.warnings, *WARNINGS),
        sources=(BENNETT,) if regimen == "standard" else (LOW_DOSE,),
        calculation=(
            f"BSA ({bsa.formula.value}) {bsa.value_m2:.2f} m2",
            f"{MG_PER_M2:g} mg/m2 x {bsa.value_m2:.2f} m2 = {dose_mg:.1f} mg",
        ),
        inputs=used_inputs(inputs, "weight_kg", "height_cm"),
        options={"bsa_formula": bsa.formula.value},
    )
