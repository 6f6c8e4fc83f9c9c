"""ITP drug classes, defined once for classification, response and refractoriness.

Class membership follows the treatment ladder of 002_135c7129447af5c0.txt (corticosteroids, IVIG,
rituximab, TPO receptor agonists, cytotoxic agents) and the first-line options of
clinical-reference.md C3/C4 (short corticosteroid course, IVIG or anti-D) [S]. Drug names are the
generic names of interface.md section 1.
"""

from __future__ import annotations

from typing import Final, Literal

DrugClass = Literal["corticosteroid", "immunoglobulin", "anti-cd20", "tpo-ra", "cytotoxic"]

DRUG_CLASS: Final[dict[str, DrugClass]] = {
    "dexamethasone": "corticosteroid",
    "prednisone": "corticosteroid",
    "methylprednisolone": "corticosteroid",
    "ivig": "immunoglobulin",
    "anti_d": "immunoglobulin",
    "rituximab": "anti-cd20",
    "eltrombopag": "tpo-ra",
    "romiplostim": "tpo-ra",
    "vincristine": "cytotoxic",
    "cyclophosphamide": "cytotoxic",
}

# clinical-reference.md C3 (ICR 2019) and C4 (ASH 2019): short corticosteroid course, IVIG or
# anti-D are the first-line options in children [S]; 002_135c7129447af5c0.txt names
# "corticosteroids or intravenous immunoglobulin (IVIG)" as first-line interventions.
FIRST_LINE_DRUGS: Final[frozenset[str]] = frozenset(
    {"dexamethasone", "prednisone", "methylprednisolone", "ivig", "anti_d"}
)

ITP_DRUGS: Final[frozenset[str]] = frozenset(DRUG_CLASS)

# Splenectomy is evaluated like a treatment (IWG 2009 response after splenectomy); it is a
# procedure, recorded on the patient, not a medication.
SPLENECTOMY: Final = "splenectomy"


def drug_class(drug: str) -> DrugClass | None:
    """The ITP drug class of a generic drug name, or None for a drug that is not an ITP agent."""
    return DRUG_CLASS.get(drug)


def is_first_line(drug: str) -> bool:
    return drug in FIRST_LINE_DRUGS


