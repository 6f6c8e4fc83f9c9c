"""The analyte catalogue: one row per analyte thrombo reasons about.

For each analyte: its key (used in rules and the CSV `code` column), the LOINC codes that map to
it, its canonical UCUM unit(s), the plausible range (values outside are refused as impossible,
not clinically abnormal), and the source of the codes. LOINC codes come from
clinical-reference.md section H; a code it marks "from memory, unverified" would keep that marker
(every code below is confirmed [S] there since its re-check: none is marked today).
Local codes map through the user's code map (`thrombo.normalize.codemap`), never through guesses.

Plausibility ranges are wide on purpose: they catch unit mix-ups and typing errors (platelets of
-3, a haemoglobin of 150 g/dL), not disease. [Design]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from thrombo.domain.records import DIPSTICK_VALUES, PRESENCE_VALUES

Kind = Literal["quantity", "presence", "ordinal"]

VERIFIED = "clinical-reference.md section H [S]"
UNVERIFIED = "clinical-reference.md section H (from memory, unverified)"


@dataclass(frozen=True, slots=True)
class Analyte:
    key: str
    name: str
    units: tuple[str, ...]
    """Canonical UCUM unit(s). More than one only where no conversion exists between them
    (schistocytes per high-power field versus percent of red cells)."""
    plausible: tuple[float, float] | None
    loinc: tuple[tuple[str, str], ...] = ()
    """(LOINC code, verification status) pairs."""
    categories: tuple[str, ...] = ()
    """Accepted coded values for presence/ordinal results (e.g. present/absent, dipstick grades)."""

    @property
    def unit(self) -> str:
        return self.units[0]

    @property
    def takes_categories(self) -> bool:
        return bool(self.categories)


CATALOGUE: tuple[Analyte, ...] = (
    Analyte(
        "platelets",
        "Platelet count",
        ("10*9/L",),
        (0, 5000),
        (("777-3", VERIFIED), ("26515-7", VERIFIED), ("778-1", VERIFIED)),
    ),
    Analyte("hemoglobin", "Haemoglobin", ("g/dL",), (1, 30), (("718-7", VERIFIED),)),
    Analyte(
        "ldh",
        "Lactate dehydrogenase",
        ("U/L",),
        (10, 100000),
        (("2532-0", VERIFIED), ("14804-9", VERIFIED), ("14805-6", VERIFIED)),
    ),
    Analyte("haptoglobin", "Haptoglobin", ("mg/dL",), (0, 1000), (("4542-7", VERIFIED),)),
    Analyte(
        "schistocytes",
        "Schistocytes",
        ("%", "/[HPF]"),
        (0, 100),
        (("800-3", VERIFIED),),
        PRESENCE_VALUES,
    ),
    Analyte(
        "urine_protein",
        "Urine protein concentration",
        ("mg/dL",),
        (0, 5000),
        (("2888-6", VERIFIED), ("5804-0", VERIFIED), ("20454-5", VERIFIED)),
        DIPSTICK_VALUES,
    ),
    Analyte(
        "upcr",
        "Urine protein/creatinine ratio",
        ("mg/mg",),
        (0, 100),
        (("2890-2", VERIFIED), ("34366-5", VERIFIED)),
    ),
    Analyte(
        "urine_creatinine", "Urine creatinine", ("mg/dL",), (0.1, 1000), (("2161-8", VERIFIED),)
    ),
    Analyte("sc5b9", "Soluble C5b-9 (sC5b-9)", ("ng/mL",), (0, 100000)),
    Analyte(
        "creatinine",
        "Serum creatinine",
        ("mg/dL",),
        (0.05, 30),
        (("2160-0", VERIFIED), ("14682-9", VERIFIED)),
    ),
    Analyte("cystatin_c", "Cystatin C", ("mg/L",), (0.1, 15), (("33863-2", VERIFIED),)),
    Analyte("anc", "Absolute neutrophil count", ("10*9/L",), (0, 200)),
    Analyte("dat", "Direct antiglobulin test", (), None, (("1007-4", VERIFIED),), PRESENCE_VALUES),
    Analyte("pt", "Prothrombin time", ("s",), (5, 200)),
    Analyte("aptt", "Activated partial thromboplastin time", ("s",), (10, 300)),
    Analyte("inr", "International normalised ratio", ("{ratio}",), (0.5, 20)),
    Analyte("alt", "Alanine aminotransferase", ("U/L",), (0, 20000)),
    Analyte("ast", "Aspartate aminotransferase", ("U/L",), (0, 20000)),
    Analyte("bilirubin", "Total bilirubin", ("mg/dL",), (0, 80), (("1975-2", VERIFIED),)),
    Analyte(
        "systolic_bp", "Systolic blood pressure", ("mm[Hg]",), (30, 300), (("8480-6", VERIFIED),)
    ),
    Analyte(
        "diastolic_bp",
        "Diastolic blood pressure",
        ("mm[Hg]",),
        (10, 200),
        (("8462-4", VERIFIED),),
    ),
    Analyte("weight", "Body weight", ("kg",), (0.3, 250), (("29463-7", VERIFIED),)),
    Analyte("height", "Body height", ("cm",), (20, 250), (("8302-2", VERIFIED),)),
)

BY_KEY: dict[str, Analyte] = {a.key: a for a in CATALOGUE}
BY_LOINC: dict[str, Analyte] = {code: a for a in CATALOGUE for code, _ in a.loinc}
LOINC_STATUS: dict[str, str] = {code: status for a in CATALOGUE for code, status in a.loinc}

BP_PANEL_LOINC = "85354-9"
"""Blood pressure panel; its components carry systolic and diastolic (section H, unverified)."""
