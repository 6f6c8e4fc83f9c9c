"""Vincristine and cyclophosphamide for refractory ITP, with the counselling they require.

clinical-reference.md D; counselling points from seed 002_135c7129447af5c0.txt.
"""

from __future__ import annotations

from thrombo.dosing.inputs import DoseInputs, bsa_of, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    DOSE_DECIMALS,
    UNVERIFIED,
    Amount,
    DoseRange,
    DoseRecommendation,
    Phase,
    capped_dose,
    round_half_up,
)
from thrombo.physiology.plausibility import OutsideValidRangeError

SEED_002 = "Refractory paediatric ITP, seed 002_135c7129447af5c0.txt (cytotoxic counselling)"
BORUCHOV = "Boruchov DM et al. Blood 2007;110(10):3526 (combination 0.03 mg/kg) [S] (D)"
REFERENCE_D = "clinical-reference.md section D (paediatric ITP dosing)"
REVIEW_2020 = "Figueroa/McMillan via Blood 2020;135(7):472 review table [S-2nd] (D)"
VINCRISTINE_LABEL = (
    "Vincristine Sulfate Injection USP, US prescribing information, Dosage and Administration: "
    "0.05 mg/kg weekly for children weighing 10 kg or less [S] (clinical reference I3)"
)

# Seed 002: cytotoxics carry neurotoxicity, myelosuppression and long-term reproductive risks,
# are reserved for life-threatening bleeding or failure of other treatments, and need informed
# decision-making with the parents.
CYTOTOXIC_COUNSELLING = (
    "reserved for life-threatening bleeding or when other treatments have failed",
    "risks to discuss: neurotoxicity, myelosuppression, long-term gonadal/reproductive harm",
    "counsel the parents about these adverse outcomes and record an informed decision before "
    "starting",
)

# D: vincristine 1.5 mg/m2 IV weekly, usually 2-4 doses (from memory, unverified); max 2 mg.
VINCRISTINE_MG_PER_M2 = 1.5
# D [S] Boruchov 2007 combination: 0.03 mg/kg.
VINCRISTINE_COMBINATION_MG_PER_KG = 0.03
# D [Design] cap applied after calculation: vincristine 2 mg per dose.
VINCRISTINE_MAX_MG = 2.0
VINCRISTINE_MAX_DOSES = 4
# D [Design]: IV doses to 2-3 significant figures. Vincristine doses under 1 mg are given to
# 0.01 mg (2 figures): 0.1 mg steps would turn 0.15 mg (3 kg x 0.05 mg/kg) into 0.2 mg, a third
# too much. From 1 mg, 0.1 mg steps already keep 2-3 figures.
VINCRISTINE_FINE_BELOW_MG = 1.0
VINCRISTINE_FINE_DECIMALS = 2
# I3 [S] US label: "for pediatric patients weighing 10 kg or less, the starting dose should be
# 0.05 mg/kg, administered once a week" (so 10.0 kg itself is dosed per kg).
VINCRISTINE_INFANT_MAX_KG = 10.0
VINCRISTINE_INFANT_MG_PER_KG = 0.05
# [Design] the per-kg dose also applies under 1 year of age whatever the weight: infants clear
# vincristine more slowly (COG AEWS0031 gives under-1s 50% of the m2 dose, I3 [S-2nd]), and a
# heavy infant dosed by m2 would get more than the label's small-child dose. Warned in the output.
VINCRISTINE_INFANT_BELOW_AGE_YEARS = 1.0
VINCRISTINE_INFANT_WARNING = (
    "infant or small child: dosed at the label's 0.05 mg/kg weekly for children of 10 kg or "
    "less, not 1.5 mg/m2; some labels apply 0.05 mg/kg to BSA < 1 m2 too, and infant protocols "
    "(COG) start at 50% of the m2 dose: agree the dose with the oncology pharmacist"
)
UNVERIFIED_VINCRISTINE = (
    f"vincristine {VINCRISTINE_MG_PER_M2:g} mg/m2 weekly: dose {UNVERIFIED} (clinical reference D)"
)
VINCRISTINE_WARNINGS = (
    "vesicant: IV only, never intrathecal",
    "neuropathy and constipation; check azole antifungal interactions",
)

# D [S-2nd] combination chemotherapy: 400-650 mg/m2 IV on days 1 and 8.
CYCLOPHOSPHAMIDE_COMBINATION_MG_PER_M2 = (400.0, 650.0)
COMBINATION_DAYS_APART = 7
# D single-agent ranges (from memory, unverified): oral 1-2 mg/kg/day; IV 0.3-1 g/m2 every
# 2-4 weeks.
CYCLOPHOSPHAMIDE_ORAL_MG_PER_KG = (1.0, 2.0)
CYCLOPHOSPHAMIDE_IV_MG_PER_M2 = (300.0, 1000.0)
UNVERIFIED_CYCLOPHOSPHAMIDE = (
    f"single-agent cyclophosphamide ranges are {UNVERIFIED} (clinical reference D)"
)
CYCLOPHOSPHAMIDE_WARNINGS = (
    "hydration; mesna at high IV doses; monitor blood counts",
    "gonadal toxicity: rarely used in children",
)
# [Design] for range-type regimens `dose` is the low end of the range.


def _vincristine_by_kg(inputs: DoseInputs) -> bool:
    """The label's per-kg dose: 10 kg or less, or (Design) under 1 year of age."""
    weight = weight_of(inputs, "vincristine")
    infant = inputs.age_years is not None and inputs.age_years < VINCRISTINE_INFANT_BELOW_AGE_YEARS
    return weight <= VINCRISTINE_INFANT_MAX_KG or infant


def vincristine(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "standard"
    per_kg: Amount | None = None
    per_m2: Amount | None = None
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...]
    if regimen == "combination":
        weight = weight_of(inputs, "vincristine")
        calculated, basis = VINCRISTINE_COMBINATION_MG_PER_KG * weight, f"x {weight:g} kg"
        per_kg = Amount(VINCRISTINE_COMBINATION_MG_PER_KG, "mg/kg")
        sources = (BORUCHOV, SEED_002)
        used = used_inputs(inputs, "weight_kg")
        rate = f"{VINCRISTINE_COMBINATION_MG_PER_KG:g} mg/kg"
    elif regimen == "standard" and _vincristine_by_kg(inputs):
        weight = weight_of(inputs, "vincristine")
        calculated, basis = VINCRISTINE_INFANT_MG_PER_KG * weight, f"x {weight:g} kg"
        per_kg = Amount(VINCRISTINE_INFANT_MG_PER_KG, "mg/kg")
        warnings = (VINCRISTINE_INFANT_WARNING,)
        sources = (VINCRISTINE_LABEL, REFERENCE_D, SEED_002)
        used = used_inputs(inputs, "weight_kg", "age_years")
        rate = f"{VINCRISTINE_INFANT_MG_PER_KG:g} mg/kg (label: 10 kg or less, or under 1 year)"
    elif regimen == "standard":
        bsa = bsa_of(inputs, "vincristine")
        calculated, basis = VINCRISTINE_MG_PER_M2 * bsa.value_m2, f"x {bsa.value_m2:.2f} m2"
        per_m2 = Amount(VINCRISTINE_MG_PER_M2, "mg/m2")
        warnings = (*bsa.warnings, UNVERIFIED_VINCRISTINE)
        sources = (REFERENCE_D, SEED_002)
        used = used_inputs(inputs, "weight_kg", "height_cm")
        rate = f"{VINCRISTINE_MG_PER_M2:g} mg/m2"
    else:
        raise OutsideValidRangeError("vincristine regimen must be 'standard' or 'combination'")
    fine = calculated < VINCRISTINE_FINE_BELOW_MG
    decimals = VINCRISTINE_FINE_DECIMALS if fine else DOSE_DECIMALS
    dose_mg, capped = capped_dose(calculated, VINCRISTINE_MAX_MG, decimals)
    dose = Amount(dose_mg, "mg")
    cap_note = f" -> capped at {VINCRISTINE_MAX_MG:g} mg" if capped else ""
    return DoseRecommendation(
        drug="vincristine",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        per_kg=per_kg,
        per_m2=per_m2,
        interval_hours=7 * 24,
        route="IV",
        course=f"weekly, usually 2-{VINCRISTINE_MAX_DOSES} doses",
        schedule=(Phase("weekly", dose, 7, VINCRISTINE_MAX_DOSES),),
        capped=capped,
        warnings=(*warnings, *VINCRISTINE_WARNINGS),
        counselling=CYTOTOXIC_COUNSELLING,
        sources=sources,
        calculation=(f"{rate} {basis} = {calculated:.3f} mg{cap_note}",),
        inputs=used,
        options={"basis": "per-kg" if per_kg else "per-m2"},
    )


def cyclophosphamide(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "combination"
    if regimen == "oral":
        weight = weight_of(inputs, "cyclophosphamide")
        low, high = (round_half_up(k * weight) for k in CYCLOPHOSPHAMIDE_ORAL_MG_PER_KG)
        return _cyclophosphamide(
            inputs, regimen, Amount(low, "mg"), DoseRange(low, high, "mg"), "PO", 24, (),
            "daily", (UNVERIFIED_CYCLOPHOSPHAMIDE,), (REFERENCE_D, SEED_002),
            (f"{CYCLOPHOSPHAMIDE_ORAL_MG_PER_KG[0]:g}-{CYCLOPHOSPHAMIDE_ORAL_MG_PER_KG[1]:g} "
             f"mg/kg/day x {weight:g} kg = {low:.1f}-{high:.1f} mg/day",),
            per_kg=Amount(CYCLOPHOSPHAMIDE_ORAL_MG_PER_KG[0], "mg/kg"),
        )  # fmt: skip
    if regimen not in {"combination", "iv"}:
        raise OutsideValidRangeError("cyclophosphamide regimen must be combination, iv or oral")
    bsa = bsa_of(inputs, "cyclophosphamide")
    per_m2 = (
        CYCLOPHOSPHAMIDE_COMBINATION_MG_PER_M2 if regimen == "combination"
        else CYCLOPHOSPHAMIDE_IV_MG_PER_M2
    )  # fmt: skip
    low, high = (round_half_up(k * bsa.value_m2) for k in per_m2)
    dose = Amount(low, "mg")
    combination = regimen == "combination"
    schedule = (Phase("days 1 and 8", dose, COMBINATION_DAYS_APART, 2),) if combination else ()
    return _cyclophosphamide(
        inputs, regimen, dose, DoseRange(low, high, "mg"), "IV", None, schedule,
        "days 1 and 8 of a combination cycle" if combination else "every 2-4 weeks",
        (*bsa.warnings, *(() if combination else (UNVERIFIED_CYCLOPHOSPHAMIDE,))),
        (REVIEW_2020, SEED_002) if combination else (REFERENCE_D, SEED_002),
        (f"BSA ({bsa.formula.value}) {bsa.value_m2:.2f} m2",
         f"{per_m2[0]:g}-{per_m2[1]:g} mg/m2 x {bsa.value_m2:.2f} m2 = {low:.1f}-{high:.1f} mg"),
        per_m2=Amount(per_m2[0], "mg/m2"),
    )  # fmt: skip


def _cyclophosphamide(
    inputs: DoseInputs, regimen: str, dose: Amount, dose_range: DoseRange, route: str,
    interval_hours: float | None, schedule: tuple[Phase, ...], course: str,
    warnings: tuple[str, ...], sources: tuple[str, ...], calculation: tuple[str, ...],
    per_kg: Amount | None = None, per_m2: Amount | None = None,
) -> DoseRecommendation:  # fmt: skip
    return DoseRecommendation(
        drug="cyclophosphamide",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        per_kg=per_kg,
        per_m2=per_m2,
        interval_hours=interval_hours,
        per_day=dose if route == "PO" else None,
        route=route,
        course=course,
        schedule=schedule,
        range=dose_range,
        warnings=(*warnings, *CYCLOPHOSPHAMIDE_WARNINGS),
        counselling=CYTOTOXIC_COUNSELLING,
        sources=sources,
        calculation=calculation,
        inputs=used_inputs(inputs, "weight_kg", "height_cm")
        if per_m2
        else used_inputs(inputs, "weight_kg"),
    )
