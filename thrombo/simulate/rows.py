"""Output rows of the CSV dataset folder (interface.md section 1), already formatted as text.

Rows are tuples of strings in the column order below, so that the writer streams them straight to
`csv.writer` and the same patient always serialises to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

Row = tuple[str, ...]

PATIENT_COLUMNS: Row = (
    "patient_id", "birth_date", "sex", "center", "hsct_date", "conditioning_start_date",
    "neutrophil_engraftment_date", "platelet_engraftment_date", "itp_diagnosis_date",
    "splenectomy_date", "death_date", "last_contact_date",
)
TRUTH_COLUMNS: Row = (
    "patient_id", "cohort", "center", "age_at_index_years", "tma_onset_date",
    "tma_expected_diagnosis_date", "defibrotide_start", "defibrotide_end",
    "defibrotide_dose_mg", "dosing_weight_kg", "resolved_by_day_28", "resolution_date",
    "organ_recovery", "organ_recovery_date", "died_within_6_months", "died", "death_date",
    "major_bleeding", "hypotension", "minor_bleeding", "gi_effects", "itp_phase",
    "itp_lines", "itp_first_line_response", "itp_failed_lines", "itp_refractory",
)

COHORTS = ("tma", "no-tma", "pgf", "infection", "itp")
"""Truth cohorts: TA-TMA; transplant without TMA; poor graft function and infection look-alikes;
immune thrombocytopenia."""


@dataclass(frozen=True, slots=True)
class SimulatedPatient:
    """Everything one synthetic patient contributes to each file of the dataset folder."""

    patient: Row
    observations: list[Row]
    medications: list[Row]
    events: list[Row]
    truth: dict[str, str]

    def truth_row(self) -> Row:
        return tuple(self.truth.get(column, "") for column in TRUTH_COLUMNS)


def day_to_date(origin: date, day: int) -> date:
    return origin + timedelta(days=day)


def iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def flag(value: bool | None) -> str:
    """Booleans as `true`/`false`; unknown or not applicable as empty."""
    if value is None:
        return ""
    return "true" if value else "false"


def number(value: float, decimals: int) -> str:
    """A fixed-decimal number; whole numbers for `decimals == 0`."""
    if decimals == 0:
        return str(round(value))
    return f"{value:.{decimals}f}"
