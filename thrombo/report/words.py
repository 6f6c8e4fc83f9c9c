"""Values as a clinician reads them, for every presentation layer (terminal, dashboard, report):
no None/True/False, no snake_case names."""

from __future__ import annotations

import re
from typing import Any

LABELS = {"upcr_1": "UPCR >= 1", "ldh_2x_uln": "LDH >= 2x ULN", "sc5b9_uln": "sC5b-9 >= ULN",
          "sc5b9_elevated": "sC5b-9 > ULN", "proteinuria_gt_30": "urine protein > 30",
          "acute_gvhd": "acute GVHD II-IV", "anti_d": "anti-D", "tpo_ra": "TPO-RA"}
"""Terms whose words alone would not say what they mean (the JSON keeps the names)."""
ACRONYMS = {"itp": "ITP", "ldh": "LDH", "upcr": "UPCR", "uln": "ULN", "ivig": "IVIG",
            "sc5b9": "sC5b-9", "iwg": "IWG", "gvhd": "GVHD", "hsct": "HSCT", "ctcae": "CTCAE"}


def human(value: Any, missing: str = "not assessed") -> str:
    """A value as a clinician reads it: no None/True/False, no snake_case terms. `missing` is
    what an absent value means where it is shown ("not assessed", "none", or nothing)."""
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(human(v, missing) for v in value)
    return term(str(value))


def term(text: str) -> str:
    """`platelet_count_decreased` -> `platelet count decreased`; `anti_d` -> `anti-D`."""
    if text in LABELS:
        return LABELS[text]
    if "_" not in text and text not in ACRONYMS:
        return text
    return " ".join(ACRONYMS.get(word, word) for word in text.split("_"))


SOURCES = {
    "000": "Single-centre study of defibrotide for TA-TMA in children (undated report)",
    "002": "Refractory ITP in children: definition and treatment ladder (2026)",
}
"""The two source documents (shared seeds/README.md) by title and year, as people cite them: a
reader cannot look up "000_56e8c5c5802e858b.txt". The first states no year; the second is dated
2026-01-06. Code and JSON keep the file names (the clinical reference cites them so)."""
_SEED = re.compile(r"(?:\bseed\s+(?:document\s+)?)(00[02])(?:_[0-9a-f]{16}\.txt)?\b"
                   r"|\b(00[02])_[0-9a-f]{16}\.txt")


def cite(text: str) -> str:
    """`... (seed 000)` -> `... (Single-centre study of defibrotide ... (undated report))`: every
    mention of a source document by file name or seed number, in words a reader can look up."""
    return _SEED.sub(lambda m: SOURCES[m.group(1) or m.group(2)], text)


HOURS_PER_DAY = 24
DAYS_FROM_HOURS = 48
"""[Design] An interval of two days or more reads in days ("every 7 days", not "every 168 h"), a
shorter one in hours ("every 6 h"), as `thrombo plan` prints it. Wording only."""


def interval(hours: float | None) -> str:
    """A dosing interval as people say it: "every 6 h", "every 7 days"; "" without one."""
    if not hours:
        return ""
    if hours < DAYS_FROM_HOURS:
        return f"every {hours:g} h"
    return f"every {hours / HOURS_PER_DAY:g} days"
