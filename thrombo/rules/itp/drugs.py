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



# Response-assessment windows: a response (first count of a confirmed R or CR) is this drug's only
# if it begins within this many days of the course's start, and the drug is not "failed" (NR)
# before the window has closed. IWG 2009 says only that "timing of assessment depends on the type
# of treatment" and that late responses not attributable to the treatment are not CR/R
# (clinical-reference.md C2, I10 [S]); the ICR 2019 time-to-response table was not retrieved
# (I5), so each value is [Design], with its reasoning, and the output carries WINDOW_WARNING.
ASSESSMENT_WINDOW_DAYS: Final[dict[str, int]] = {
    # "IVIG/anti-D within days" (C2, unverified); anti-D > 20 x10^9/L at 24 h in 50-72%
    # (Tarantino 2006 [S], D): one week covers the rise and its peak.
    "ivig": 7,
    "anti_d": 7,
    # Prednisone 4 mg/kg x 4 days: 22/25 children > 20 within 1 week (Carcao 1998 [S], D); two
    # weeks leave a week after a 5-7 day course. Dexamethasone and methylprednisolone likewise.
    "prednisone": 14,
    "methylprednisolone": 14,
    "dexamethasone": 14,
    # "Rituximab ... over weeks" (C2, unverified): four weekly doses and four weeks after them.
    "rituximab": 56,
    # Eltrombopag "may take 1 to 2 weeks to work" (EU leaflet [S], I5) at an effective dose; the
    # label titrates in 25 mg steps every >= 2 weeks and stops after 4 weeks at 75 mg (D1
    # [S-2nd]): a 1-5 year old starting at 25 mg reaches 75 mg at week 4, stop at week 8.
    "eltrombopag": 56,
    # Romiplostim starts at 1 ug/kg, + 1 ug/kg weekly to 10 ug/kg (week 9), stopped after 4
    # weeks at 10 ug/kg without response (D2 [S-2nd]): 13 weeks.
    "romiplostim": 91,
    # Vincristine: median time to response 9 days in adults (I3 [S-2nd]); weekly x 2-4 doses.
    "vincristine": 28,
    # Cyclophosphamide: IV every 2-4 weeks (D, unverified): two cycles.
    "cyclophosphamide": 56,
    # Splenectomy: initial response within 1-24 days (ICR 2019 table, from memory, unverified);
    # four weeks.
    SPLENECTOMY: 28,
}
WINDOW_WARNING = (
    "response-assessment windows per drug are project choices [Design] (no published "
    "time-to-response values in clinical-reference.md I5): {windows}"
)


def assessment_window_days(drug: str) -> int:
    """Days after a course starts within which its response must begin (see above)."""
    return ASSESSMENT_WINDOW_DAYS[drug]
