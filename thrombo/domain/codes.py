"""Coding systems as checked value types.

A `Code` is a (system, code) pair. Each coding system thrombo reads has a constructor that checks
the code's shape, so that a SNOMED CT identifier can never be mistaken for a LOINC code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
THROMBO = "urn:thrombo:analyte"
"""System of thrombo's own analyte keys (e.g. `platelets`), accepted in the CSV `code` column."""

_SHAPES: dict[str, re.Pattern[str]] = {
    # A LOINC term (777-3), or a LOINC answer code (LA9633-4 "Present"), which FHIR carries
    # in the same system.
    LOINC: re.compile(r"^(\d{1,7}|LA\d{1,7})-\d$"),
    SNOMED_CT: re.compile(r"^\d{6,18}$"),
    RXNORM: re.compile(r"^\d{1,9}$"),
    ICD10: re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$"),
    ICD10_CM: re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$"),
}


class InvalidCodeError(ValueError):
    """A code whose shape does not fit its coding system."""


@dataclass(frozen=True, slots=True)
class Code:
    """One code in one coding system."""

    system: str
    code: str
    display: str | None = None

    def __post_init__(self) -> None:
        shape = _SHAPES.get(self.system)
        if shape is not None and not shape.match(self.code):
            raise InvalidCodeError(f"{self.code!r} is not a valid code of {self.system}")

    @property
    def key(self) -> str:
        """`system|code`, the FHIR token form used in messages and maps."""
        return f"{self.system}|{self.code}"

    def __str__(self) -> str:
        return self.key


def loinc(code: str, display: str | None = None) -> Code:
    return Code(LOINC, code, display)


def snomed(code: str, display: str | None = None) -> Code:
    return Code(SNOMED_CT, code, display)


def rxnorm(code: str, display: str | None = None) -> Code:
    return Code(RXNORM, code, display)




def looks_like_loinc(text: str) -> bool:
    return bool(_SHAPES[LOINC].match(text))
