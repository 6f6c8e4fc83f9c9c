"""ITP treatment courses, dosed by thrombo's dosing module (clinical-reference.md D)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from thrombo.dosing.corticosteroids import DEXAMETHASONE_PULSE_DAYS, dexamethasone, prednisone
from thrombo.dosing.eltrombopag import eltrombopag
from thrombo.dosing.immunoglobulins import ivig
from thrombo.dosing.inputs import DoseInputs
from thrombo.dosing.recommendation import DoseRecommendation
from thrombo.dosing.rituximab import rituximab
from thrombo.dosing.romiplostim import romiplostim
from thrombo.simulate.body import Body
from thrombo.simulate.rows import Row, day_to_date, iso, number

FIRST_LINE = ("prednisone", "dexamethasone", "ivig")
LATER_LINE = ("eltrombopag", "romiplostim", "rituximab")
PREDNISONE_COURSE_DAYS = 7
"""ASH 2019 prefers courses of at most 7 days in children (clinical-reference.md C4)."""
ONGOING = ("eltrombopag", "romiplostim")
"""TPO receptor agonists continue while they work; their course stays open."""
UCUM_UNITS = {"mcg": "ug"}

CALCULATORS: dict[str, Callable[[DoseInputs], DoseRecommendation]] = {
    "prednisone": prednisone, "dexamethasone": dexamethasone, "ivig": ivig,
    "eltrombopag": eltrombopag, "romiplostim": romiplostim, "rituximab": rituximab,
}


@dataclass(frozen=True, slots=True)
class Course:
    drug: str
    start_day: int
    end_day: int | None
    dose: float
    unit: str
    route: str

    def row(self, patient_id: str, origin: date) -> Row:
        end = "" if self.end_day is None else iso(day_to_date(origin, self.end_day))
        return (patient_id, self.drug, iso(day_to_date(origin, self.start_day)), end,
                number(self.dose, 1), self.unit, self.route, "therapeutic")


def _duration_days(drug: str, recommendation: DoseRecommendation) -> int:
    if drug == "prednisone":
        return PREDNISONE_COURSE_DAYS
    if drug == "dexamethasone":
        return DEXAMETHASONE_PULSE_DAYS
    if drug == "rituximab" and recommendation.schedule:
        phase = recommendation.schedule[0]
        return int(phase.every_days * ((phase.count or 1) - 1)) + 1
    return 1


def prescribe(drug: str, start_day: int, last_day: int, body: Body) -> Course:
    """One course of `drug` from `start_day`, dosed for this child's size and age."""
    inputs = DoseInputs(weight_kg=body.weight_kg, height_cm=body.height_cm,
                        age_years=body.age_years, sex=body.sex)
    recommendation = CALCULATORS[drug](inputs)
    end: int | None = None
    if drug not in ONGOING:
        end = min(start_day + _duration_days(drug, recommendation) - 1, last_day)
    unit = UCUM_UNITS.get(recommendation.dose.unit, recommendation.dose.unit)
    return Course(drug, start_day, end, recommendation.dose.value, unit, recommendation.route)
