"""The one value-set table of coded results: SNOMED CT and LOINC answer codes to answer words.

A coded result ('LA9633-4' Present, SNOMED 167275009 "Urine protein test = +") is read through
`data/answer_codes.csv` wherever it arrives: a FHIR valueCodeableConcept, a CSV `value` cell
holding the code (`LA9633-4` or `system|code`), an OMOP value concept's name (the display). The
answer is a word (`present`, `negative`, `1+`); whether it fits the analyte (a dipstick grade for
urine protein, present/absent for schistocytes) is normalize's decision. Each row names where
the code was seen; the issue's "167273002 = +" is not what public value sets say (it is
"Urine protein test negative"), so the table follows the value sets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from thrombo.domain.codes import LOINC, SNOMED_CT, Code

ANSWER_CODES = "answer_codes.csv"
SYSTEM_NAMES = {"loinc": LOINC, "snomed": SNOMED_CT, "sct": SNOMED_CT, "snomed-ct": SNOMED_CT}


@dataclass(frozen=True, slots=True)
class Answer:
    code: Code
    answer: str
    status: str


@cache
def answer_table() -> tuple[Answer, ...]:
    with resources.files("thrombo.io").joinpath("data", ANSWER_CODES).open(
            encoding="utf-8") as handle:
        return tuple(Answer(Code(r["system"], r["code"], r["display"]), r["answer"], r["status"])
                     for r in csv.DictReader(handle))


@cache
def _by_code() -> dict[tuple[str, str], str]:
    return {(a.code.system, a.code.code): a.answer for a in answer_table()}


def answer_for(code: Code) -> str | None:
    return _by_code().get((code.system, code.code))


@cache
def spellings() -> dict[str, str]:
    """Lower-case text -> answer, for each way a code can be written in a text cell: the bare
    LOINC answer code (`la9633-4`), `system|code`, a short system name (`snomed|167275009`)
    and the display (an OMOP concept name)."""
    found: dict[str, str] = {}
    for a in answer_table():
        forms = [a.code.key, *(f"{name}|{a.code.code}" for name, system in SYSTEM_NAMES.items()
                               if system == a.code.system)]
        if a.code.system == LOINC:
            forms.append(a.code.code)
        if a.code.display:
            forms.append(a.code.display)
        for form in forms:
            found.setdefault(form.strip().lower(), a.answer)
    return found


def answer_in_text(text: str) -> str | None:
    """The answer a text cell names by code or display, or None."""
    return spellings().get(text.strip().lower())
