"""Dexamethasone pulses and prednisone courses for ITP (clinical-reference.md D, C4)."""

from __future__ import annotations

from thrombo.dosing.inputs import DoseInputs, bsa_of, used_inputs, weight_of
from thrombo.dosing.recommendation import (
    UNVERIFIED,
    Amount,
    DoseRange,
    DoseRecommendation,
    Phase,
    capped_dose,
)

ASH_2019 = (
    "Neunert C et al. ASH 2019 ITP guidelines, Blood Adv 2019;3(23):3829-3866 [S-2nd] (D, C4)"
)
SEED_002 = "Refractory paediatric ITP, seed 002_135c7129447af5c0.txt: monthly dexamethasone pulses"
CHEN_1997 = (
    "Chen JS et al. J Pediatr Hematol Oncol 1997;19(6):526-529; Wali (SQU); Clin Pediatr Hematol "
    "Oncol 2018;25:102-7 [S] (D)"
)

# D [S-2nd] ASH 2019 comparator: dexamethasone 0.6 mg/kg/day (max 40 mg/day) for 4 days.
DEXAMETHASONE_MG_PER_KG = 0.6
DEXAMETHASONE_MAX_MG_PER_DAY = 40.0
DEXAMETHASONE_PULSE_DAYS = 4
# D [S] refractory disease: pulses repeated every 28 days (Chen 1997; seed 002 "monthly").
PULSE_EVERY_DAYS = 28
# D [S] BSA alternative: 40 mg/m2/day (max 40 mg) x 4 days, monthly, 6 cycles.
DEXAMETHASONE_MG_PER_M2 = 40.0
BSA_REGIMEN_CYCLES = 6

# D [S-2nd] ASH 2019: prednisone 2-4 mg/kg/day, max 120 mg/day, for 5-7 days.
PREDNISONE_MG_PER_KG_LOW = 2.0
PREDNISONE_MG_PER_KG_HIGH = 4.0
PREDNISONE_MAX_MG_PER_DAY = 120.0
# [Design] `dose` is the low end of the ASH range, `range` carries both ends.
PREDNISONE_COURSE = "5-7 days (ASH 2019 prefers courses of at most 7 days in children)"
# D alternative 4 mg/kg/day for 3-4 days (from memory, unverified).
PREDNISONE_SHORT_MG_PER_KG = 4.0
PREDNISONE_SHORT_COURSE = "3-4 days"
UNVERIFIED_PREDNISONE_SHORT = (
    f"prednisone {PREDNISONE_SHORT_MG_PER_KG:g} mg/kg/day for {PREDNISONE_SHORT_COURSE}: "
    f"regimen {UNVERIFIED} (clinical reference D)"
)
STEROID_ROUTE = "PO"


def _first_pulse(dose: Amount) -> Phase:
    """Once daily for the pulse's days, from day 0."""
    return Phase("pulse: once daily", dose, 1, DEXAMETHASONE_PULSE_DAYS, 0)


def _pulse_schedule(dose: Amount, cycles: int | None) -> tuple[Phase, ...]:
    pulse = _first_pulse(dose)
    repeat_count = None if cycles is None else cycles - 1
    repeat = Phase(
        "pulse repeated (4 days each)", dose, PULSE_EVERY_DAYS, repeat_count, PULSE_EVERY_DAYS
    )
    return (pulse, repeat)


def dexamethasone(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "monthly-pulses"
    if regimen == "bsa-40":
        return _dexamethasone_bsa(inputs)
    weight = weight_of(inputs, "dexamethasone")
    calculated = DEXAMETHASONE_MG_PER_KG * weight
    dose_mg, capped = capped_dose(calculated, DEXAMETHASONE_MAX_MG_PER_DAY)
    dose = Amount(dose_mg, "mg")
    single = regimen == "single-pulse"
    cap_note = f" -> capped at {DEXAMETHASONE_MAX_MG_PER_DAY:g} mg" if capped else ""
    return DoseRecommendation(
        drug="dexamethasone",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        per_kg=Amount(DEXAMETHASONE_MG_PER_KG, "mg/kg"),
        interval_hours=24,
        per_day=dose,
        route=STEROID_ROUTE,
        course=f"{DEXAMETHASONE_PULSE_DAYS} days"
        + ("" if single else f"; repeat the pulse every {PULSE_EVERY_DAYS} days while reassessed"),
        schedule=(_first_pulse(dose),) if single else _pulse_schedule(dose, None),
        capped=capped,
        sources=(ASH_2019,) if single else (ASH_2019, SEED_002, CHEN_1997),
        calculation=(
            f"{DEXAMETHASONE_MG_PER_KG:g} mg/kg/day x {weight:g} kg = {calculated:.2f} mg/day"
            f"{cap_note}; dose {dose_mg:.1f} mg once daily x {DEXAMETHASONE_PULSE_DAYS} days",
        ),
        inputs=used_inputs(inputs, "weight_kg"),
    )


def _dexamethasone_bsa(inputs: DoseInputs) -> DoseRecommendation:
    bsa = bsa_of(inputs, "dexamethasone")
    calculated = DEXAMETHASONE_MG_PER_M2 * bsa.value_m2
    dose_mg, capped = capped_dose(calculated, DEXAMETHASONE_MAX_MG_PER_DAY)
    dose = Amount(dose_mg, "mg")
    cap_note = f" -> capped at {DEXAMETHASONE_MAX_MG_PER_DAY:g} mg" if capped else ""
    return DoseRecommendation(
        drug="dexamethasone",
        indication=inputs.indication or "itp",
        regimen="bsa-40",
        dose=dose,
        per_m2=Amount(DEXAMETHASONE_MG_PER_M2, "mg/m2"),
        interval_hours=24,
        per_day=dose,
        route=STEROID_ROUTE,
        course=f"{DEXAMETHASONE_PULSE_DAYS} days every {PULSE_EVERY_DAYS} days, "
        f"{BSA_REGIMEN_CYCLES} cycles",
        schedule=_pulse_schedule(dose, BSA_REGIMEN_CYCLES),
        capped=capped,
        warnings=bsa.warnings,
        sources=(CHEN_1997,),
        calculation=(
            f"BSA ({bsa.formula.value}) {bsa.value_m2:.2f} m2",
            f"{DEXAMETHASONE_MG_PER_M2:g} mg/m2/day x {bsa.value_m2:.2f} m2 = {calculated:.2f} mg"
            f"{cap_note}",
        ),
        inputs=used_inputs(inputs, "weight_kg", "height_cm"),
        options={"bsa_formula": bsa.formula.value},
    )


def prednisone(inputs: DoseInputs) -> DoseRecommendation:
    regimen = inputs.regimen or "ash-2019"
    weight = weight_of(inputs, "prednisone")
    short = regimen == "short-4-mg-kg"
    per_kg = PREDNISONE_SHORT_MG_PER_KG if short else PREDNISONE_MG_PER_KG_LOW
    dose_mg, capped = capped_dose(per_kg * weight, PREDNISONE_MAX_MG_PER_DAY)
    low, _ = capped_dose(PREDNISONE_MG_PER_KG_LOW * weight, PREDNISONE_MAX_MG_PER_DAY)
    high, high_capped = capped_dose(PREDNISONE_MG_PER_KG_HIGH * weight, PREDNISONE_MAX_MG_PER_DAY)
    dose = Amount(dose_mg, "mg")
    return DoseRecommendation(
        drug="prednisone",
        indication=inputs.indication or "itp",
        regimen=regimen,
        dose=dose,
        per_kg=Amount(per_kg, "mg/kg"),
        interval_hours=24,
        per_day=dose,
        route=STEROID_ROUTE,
        course=PREDNISONE_SHORT_COURSE if short else PREDNISONE_COURSE,
        range=None if short else DoseRange(low, high, "mg"),
        # `capped` describes `dose` only: a range whose upper end meets the cap says so in
        # the calculation, but the recommended dose itself was not limited.
        capped=capped,
        warnings=(UNVERIFIED_PREDNISONE_SHORT,) if short else (),
        sources=(ASH_2019,),
        calculation=(
            f"{per_kg:g} mg/kg/day x {weight:g} kg = {per_kg * weight:.2f} mg/day; "
            f"max {PREDNISONE_MAX_MG_PER_DAY:g} mg/day"
            + (f" -> capped at {PREDNISONE_MAX_MG_PER_DAY:g} mg" if capped else ""),
            *(
                ()
                if short
                else (
                    f"range {PREDNISONE_MG_PER_KG_LOW:g}-{PREDNISONE_MG_PER_KG_HIGH:g} mg/kg/day"
                    f" = {low:.1f}-{high:.1f} mg/day"
                    + (f" (upper end capped at {PREDNISONE_MAX_MG_PER_DAY:g} mg)"
                       if high_capped else ""),
                )
            ),
        ),
        inputs=used_inputs(inputs, "weight_kg"),
    )
