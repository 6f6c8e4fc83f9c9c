"""IVIG and anti-D (WinRho SDF) for ITP (clinical-reference.md D, C4)."""

from __future__ import annotations

from thrombo.dosing.inputs import DoseInputs, hb_of, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    Amount,
    DoseRange,
    DoseRecommendation,
    DoseRefusedError,
    round_half_up,
)

ASH_IVIG = "ASH 2011/2019 ITP guidelines: single-dose IVIG 0.8-1 g/kg [S] (D, C4)"
BORUCHOV = "Boruchov DM et al. Blood 2007;110(10):3526: IVIG 1 g/kg in combination rescue [S] (D)"
WINRHO = "WinRho SDF (Rho(D) immune globulin IV) US prescribing information [S] (D)"

# D [S]: IVIG 0.8-1 g/kg single dose, may repeat. [Design] 1 g/kg is given as the usual dose
# (also the dose of the Boruchov rescue combination); `range` carries 0.8-1.
IVIG_G_PER_KG_LOW = 0.8
IVIG_G_PER_KG_HIGH = 1.0
IVIG_G_PER_KG_USUAL = IVIG_G_PER_KG_HIGH

# D [S] WinRho: Hb > 10 g/dL: 50 ug/kg; Hb 8-10 g/dL: 25-40 ug/kg; Hb < 8 g/dL: do not use.
ANTI_D_HB_FULL_DOSE_ABOVE_G_DL = 10.0
ANTI_D_HB_MIN_G_DL = 8.0
ANTI_D_FULL_UG_PER_KG = 50.0
ANTI_D_REDUCED_UG_PER_KG_LOW = 25.0
ANTI_D_REDUCED_UG_PER_KG_HIGH = 40.0
# [Design] in the 8-10 g/dL band `dose` is the low end (25 ug/kg); `range` gives 25-40.
# H [S]: 5 IU = 1 ug.
ANTI_D_IU_PER_UG = 5.0
# D (WinRho SDF label) [S]: IV over 3-5 minutes.
ANTI_D_INFUSION_MINUTES = "3-5"
ANTI_D_WARNINGS = (
    "only for Rh(D)-positive, non-splenectomised patients",
    "boxed warning, intravascular haemolysis: observe for at least 8 h; dipstick urinalysis at "
    "baseline, 2 h, 4 h and the end of monitoring",
    "avoid when Hb is low from bleeding or with autoimmune haemolysis",
)


def ivig(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, "ivig")
    dose_g = round_half_up(IVIG_G_PER_KG_USUAL * weight)
    low = round_half_up(IVIG_G_PER_KG_LOW * weight)
    high = round_half_up(IVIG_G_PER_KG_HIGH * weight)
    return DoseRecommendation(
        drug="ivig",
        indication=inputs.indication or "itp",
        regimen=inputs.regimen or "single-dose",
        dose=Amount(dose_g, "g"),
        per_kg=Amount(IVIG_G_PER_KG_USUAL, "g/kg"),
        route="IV",
        course="single dose; may be repeated",
        range=DoseRange(low, high, "g"),
        sources=(ASH_IVIG, BORUCHOV),
        calculation=(
            f"{IVIG_G_PER_KG_USUAL:g} g/kg x {weight:g} kg = {dose_g:.1f} g",
            f"range {IVIG_G_PER_KG_LOW:g}-{IVIG_G_PER_KG_HIGH:g} g/kg = {low:.1f}-{high:.1f} g",
        ),
        inputs=used_inputs(inputs, "weight_kg"),
    )


def anti_d(inputs: DoseInputs) -> DoseRecommendation:
    weight = weight_of(inputs, "anti-D")
    hb = hb_of(inputs, "anti-D")
    if hb < ANTI_D_HB_MIN_G_DL:
        raise DoseRefusedError(
            f"anti-D must not be given with Hb {hb:g} g/dL (< {ANTI_D_HB_MIN_G_DL:g} g/dL, WinRho)"
        )
    full = hb > ANTI_D_HB_FULL_DOSE_ABOVE_G_DL
    per_kg = ANTI_D_FULL_UG_PER_KG if full else ANTI_D_REDUCED_UG_PER_KG_LOW
    dose_ug = round_half_up(per_kg * weight)
    dose_range = (
        None
        if full
        else DoseRange(
            round_half_up(ANTI_D_REDUCED_UG_PER_KG_LOW * weight),
            round_half_up(ANTI_D_REDUCED_UG_PER_KG_HIGH * weight),
            "mcg",
        )
    )
    band = f"Hb {hb:g} g/dL " + (
        f"> {ANTI_D_HB_FULL_DOSE_ABOVE_G_DL:g}: {ANTI_D_FULL_UG_PER_KG:g} ug/kg"
        if full
        else f"{ANTI_D_HB_MIN_G_DL:g}-{ANTI_D_HB_FULL_DOSE_ABOVE_G_DL:g}: "
        f"{ANTI_D_REDUCED_UG_PER_KG_LOW:g}-{ANTI_D_REDUCED_UG_PER_KG_HIGH:g} ug/kg "
        "(dose at the low end)"
    )
    dose_iu = round_half_up(dose_ug * ANTI_D_IU_PER_UG)
    return DoseRecommendation(
        drug="anti_d",
        indication=inputs.indication or "itp",
        regimen=inputs.regimen or "winrho-label",
        dose=Amount(dose_ug, "mcg"),
        per_kg=Amount(per_kg, "mcg/kg"),
        route="IV",
        course=f"single dose over {ANTI_D_INFUSION_MINUTES} min; may be split over 2 days",
        # Dose units as interface.md writes them (mcg, IU), not UCUM's ug and [iU].
        practical={"dose_iu": {"value": dose_iu, "unit": "IU"}},
        range=dose_range,
        warnings=ANTI_D_WARNINGS,
        sources=(WINRHO,),
        calculation=(
            band,
            f"{per_kg:g} ug/kg x {weight:g} kg = {dose_ug:.1f} ug = {dose_iu:g} IU "
            f"({ANTI_D_IU_PER_UG:g} IU per ug)",
        ),
        inputs=used_inputs(inputs, "weight_kg", "hb_g_dl"),
    )
