"""The canonical clinical records every layer above `normalize` works with.

Records are immutable. Quantities are already in the analyte's canonical unit (normalize does the
conversion) and keep the value and unit as reported in `reported` for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from thrombo.domain.codes import Code
from thrombo.domain.quantities import Quantity

Sex = Literal["F", "M", "U"]
TransplantType = Literal["allogeneic", "autologous"]

PRESENCE_VALUES = ("absent", "present")
DIPSTICK_VALUES = ("negative", "trace", "1+", "2+", "3+", "4+")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: file or bundle, and a line number or resource path."""

    source: str
    location: str

    def __str__(self) -> str:
        return f"{self.source} {self.location}"


PATIENT_DATE_FIELDS = (
    "hsct_date",
    "conditioning_start_date",
    "neutrophil_engraftment_date",
    "platelet_engraftment_date",
    "itp_diagnosis_date",
    "splenectomy_date",
    "death_date",
    "last_contact_date",
)
"""The optional dates of a patient's record (interface.md section 1, patients.csv): read,
checked against the birth date, and shifted on de-identification, all from this one list."""


@dataclass(frozen=True)
class Patient:
    patient_id: str
    birth_date: date
    sex: Sex = "U"
    center: str | None = None
    hsct_date: date | None = None
    hsct_type: TransplantType | None = None
    conditioning_start_date: date | None = None
    neutrophil_engraftment_date: date | None = None
    platelet_engraftment_date: date | None = None
    itp_diagnosis_date: date | None = None
    splenectomy_date: date | None = None
    death_date: date | None = None
    last_contact_date: date | None = None
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    provenance: Provenance | None = field(default=None, compare=False)

    @property
    def had_allogeneic_hsct(self) -> bool:
        """A recorded transplant counts as allogeneic unless recorded as autologous."""
        return self.hsct_date is not None and self.hsct_type != "autologous"


@dataclass(frozen=True, slots=True)
class Observation:
    """One measurement of one analyte, in the analyte's canonical unit.

    Exactly one of `quantity` (numeric analytes) and `category` (presence or dipstick values such
    as `present`, `absent`, `trace`, `2+`) is set. `ref_low`/`ref_high` are the reporting
    laboratory's range in the canonical unit, when it gave one.
    """

    id: str
    patient_id: str
    analyte: str
    time: datetime
    quantity: Quantity | None = None
    category: str | None = None
    ref_low: float | None = None
    ref_high: float | None = None
    code: Code | None = None
    reported: Quantity | None = None
    version: int = 1
    provenance: Provenance | None = None
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    """Extra source columns kept as they were (interface.md: never an error, never lost)."""
    ref_source: str | None = None
    """Where `ref_low`/`ref_high` came from when not the result's own range (the site's
    lab-ranges file, normalize.labranges), for evidence."""

    def __post_init__(self) -> None:
        if (self.quantity is None) == (self.category is None):
            raise ValueError("an observation has either a quantity or a category, not both")
        if self.time.tzinfo is None:
            raise ValueError("observation times must carry a time zone")

    @property
    def value(self) -> float | None:
        """The exact value; None for a coded result and for a censored one ('<10'), which is a
        bound to compare by interval logic (`quantities.satisfies`), never a number to
        compute with (baselines, heights)."""
        if self.quantity is None or self.quantity.comparator is not None:
            return None
        return self.quantity.value

    def value_json(self) -> dict[str, float | str] | str:
        return self.quantity.to_json() if self.quantity is not None else str(self.category)


@dataclass(frozen=True, slots=True)
class Medication:
    """A course or administration of a drug (generic name, lower case)."""

    id: str
    patient_id: str
    drug: str
    start: datetime
    end: datetime | None = None
    dose: Quantity | None = None
    route: str | None = None
    intent: str | None = None
    provenance: Provenance | None = None
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    """Extra source columns kept as they were (interface.md: never an error, never lost)."""

    def active_on(self, moment: datetime) -> bool:
        """True when `moment` lies within the course (an open course is active from its start)."""
        return self.start <= moment and (self.end is None or moment <= self.end)


@dataclass(frozen=True, slots=True)
class Event:
    """A clinical event (transfusion, bleeding, hypotension, GVHD, infection, biopsy...)."""

    id: str
    patient_id: str
    time: datetime
    event: str
    grade: int | None = None
    note: str | None = None
    provenance: Provenance | None = None
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    """Extra source columns kept as they were (interface.md: never an error, never lost)."""
