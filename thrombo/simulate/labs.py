"""How a centre's laboratory reports each analyte: code, unit, reference range, assay noise.

Centres differ on purpose (platelets in 10*3/uL or 10*9/L, haemoglobin in g/dL or g/L,
creatinine in mg/dL or umol/L, schistocytes as a count per high-power field or present/absent)
so that every import exercises unit conversion. LOINC codes come from the analyte catalogue
(`thrombo.normalize.analytes`, clinical-reference.md section H); analytes without a confirmed LOINC
code (sC5b-9, ANC, quantitative schistocytes) use the thrombo analyte key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thrombo.normalize.analytes import BY_KEY
from thrombo.normalize.units import CREATININE_UMOL_L_PER_MG_DL
from thrombo.simulate.rows import number

# Assay noise: relative (coefficient of variation) or absolute, truncated at two standard
# deviations so that a normal course cannot cross a criterion threshold by noise alone. [Design]
RELATIVE_NOISE = {
    "platelets": 0.05, "anc": 0.06, "ldh": 0.04, "creatinine": 0.05, "upcr": 0.08,
    "urine_protein": 0.08, "sc5b9": 0.08, "haptoglobin": 0.06,
}
HEMOGLOBIN_NOISE_G_DL = 0.1
BP_NOISE_MMHG = 4.0


def _loinc(key: str, position: int = 0) -> str:
    return BY_KEY[key].loinc[position][0]


@dataclass(frozen=True, slots=True)
class LabProfile:
    """One centre's reporting conventions. Ranges are synthetic laboratory ranges. [Design]"""

    platelet_unit: str
    hemoglobin_g_per_l: bool
    creatinine_molar: bool
    schistocytes_as_count: bool
    ldh_range: tuple[float, float]
    sc5b9_ref_high: float
    haptoglobin_range: tuple[float, float]


PROFILES = (
    LabProfile("10*3/uL", False, False, True, (140.0, 280.0), 244.0, (30.0, 200.0)),
    LabProfile("10*9/L", True, True, False, (120.0, 246.0), 250.0, (36.0, 195.0)),
)


def profile_for_center(center_index: int) -> LabProfile:
    return PROFILES[center_index % len(PROFILES)]


def noisy(rng: np.random.Generator, key: str, values: np.ndarray) -> np.ndarray:
    """Multiply by truncated assay noise (relative analytes) or add it (haemoglobin, BP)."""
    draws = np.clip(rng.standard_normal(values.shape), -2.0, 2.0)
    if key == "hemoglobin":
        return values + HEMOGLOBIN_NOISE_G_DL * draws
    if key in ("systolic_bp", "diastolic_bp"):
        return values + BP_NOISE_MMHG * draws / 2.0
    return values * (1.0 + RELATIVE_NOISE[key] * draws)


Reported = tuple[str, str, str, str, str]
"""(code, value, unit, ref_low, ref_high) as written in observations.csv."""


def report(profile: LabProfile, key: str, value: float) -> Reported:
    """The row fields for one result in canonical units (LDH and sC5b-9 as multiples of ULN)."""
    if key == "platelets":
        return (_loinc("platelets"), number(value, 0), profile.platelet_unit, "150", "450")
    if key == "hemoglobin":
        if profile.hemoglobin_g_per_l:
            return (_loinc("hemoglobin"), number(value * 10.0, 0), "g/L", "", "")
        return (_loinc("hemoglobin"), number(value, 1), "g/dL", "", "")
    if key == "ldh":
        low, high = profile.ldh_range
        return (_loinc("ldh"), number(value * high, 0), "U/L", number(low, 0), number(high, 0))
    if key == "sc5b9":
        high = profile.sc5b9_ref_high
        return ("sc5b9", number(value * high, 0), "ng/mL", "", number(high, 0))
    if key == "creatinine":
        if profile.creatinine_molar:
            umol = value * CREATININE_UMOL_L_PER_MG_DL
            return (_loinc("creatinine", 1), number(umol, 0), "umol/L", "", "")
        return (_loinc("creatinine"), number(value, 2), "mg/dL", "", "")
    if key == "haptoglobin":
        low, high = profile.haptoglobin_range
        return (_loinc("haptoglobin"), number(value, 0), "mg/dL", number(low, 0), number(high, 0))
    if key == "schistocytes":
        if profile.schistocytes_as_count:
            return ("schistocytes", number(value, 0), "/[HPF]", "", "")
        return (_loinc("schistocytes"), "present" if value >= 1.0 else "absent", "", "", "")
    return _report_simple(key, value)


_SIMPLE = {
    "anc": ("anc", 2, "10*9/L"),
    "upcr": (None, 2, "mg/mg"),
    "urine_protein": (None, 0, "mg/dL"),
    "systolic_bp": (None, 0, "mm[Hg]"),
    "diastolic_bp": (None, 0, "mm[Hg]"),
    "weight": (None, 1, "kg"),
    "height": (None, 1, "cm"),
}


def _report_simple(key: str, value: float) -> Reported:
    code, decimals, unit = _SIMPLE[key]
    return (code or _loinc(key), number(value, decimals), unit, "", "")
