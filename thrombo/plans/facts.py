"""What a plan reads from the record: body size, latest Hb, age, Rh(D), and a dose for this child.

Doses use the latest weight and height on or before as-of; a missing weight gives no dose and a
warning, never a guessed weight.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing import weight_checks
from thrombo.dosing.inputs import Ancestry, DoseInputs, age_from_birth_date
from thrombo.dosing.recommendation import DoseRecommendation, DoseRefusedError
from thrombo.dosing.registry import recommend
from thrombo.errors import MissingInputError
from thrombo.plans.result import BodyInput

# [Design] a weight older than 90 days may no longer describe the child: doses say so. One
# definition, shared with `thrombo dose` (thrombo.dosing.weight_checks).
STALE_WEIGHT_DAYS = weight_checks.STALE_WEIGHT_DAYS
# [Design] Rh(D) status and ancestry are not interface.md columns; a dataset may carry them as
# extra patients.csv columns (kept as attributes) under these names.
RH_D_ATTRIBUTES = ("rh_d", "rhd", "rh")
RH_POSITIVE = frozenset({"positive", "pos", "+", "rh+", "d+", "rhd+", "true", "yes"})
RH_NEGATIVE = frozenset({"negative", "neg", "-", "rh-", "d-", "rhd-", "false", "no"})
ANCESTRY_ATTRIBUTE = "ancestry"
UNITS = {"weight": "kg", "height": "cm", "hemoglobin": "g/dL"}


def latest_measure(
    timeline: PatientTimeline, analyte: str, on_or_before: date, basis: str = "",
    censored: bool = False,
) -> BodyInput | None:
    """The last numeric `analyte` observation on a local day up to `on_or_before`. A censored
    result ('<7') is a bound, not a number to dose with: skipped, unless `censored` asks for the
    latest result whatever it is (a limit test decides a bound by interval logic)."""
    found = [
        o
        for o in timeline.of(analyte)
        if o.quantity is not None and (censored or o.quantity.comparator is None)
        and timeline.local_day(o.time) <= on_or_before
    ]
    if not found:
        return None
    obs = found[-1]
    assert obs.quantity is not None
    return BodyInput(
        analyte,
        obs.quantity.value,
        obs.quantity.unit,
        timeline.local_day(obs.time),
        obs.id,
        basis or f"latest on or before {on_or_before.isoformat()}",
        obs.quantity.comparator,
    )


def age_years(timeline: PatientTimeline, on: date) -> float:
    """Decimal age cut (not rounded) to 2 decimals, whole on each birthday, as `thrombo dose
    --birth-date` takes it: the age bands (eltrombopag 50 mg from 6 years) start on the
    birthday, never the day before (5.996 y must not round up to 6.00)."""
    return math.floor(age_from_birth_date(timeline.patient.birth_date, on) * 100) / 100


def rh_d_positive(timeline: PatientTimeline) -> bool | None:
    """Rh(D) status from a dataset attribute; None when not recorded (or not readable)."""
    attributes = {k.lower(): v for k, v in timeline.patient.attributes.items()}
    for key in RH_D_ATTRIBUTES:
        value = attributes.get(key, "").strip().lower()
        if value in RH_POSITIVE:
            return True
        if value in RH_NEGATIVE:
            return False
    return None


def ancestry(timeline: PatientTimeline) -> Ancestry:
    attributes = {k.lower(): v for k, v in timeline.patient.attributes.items()}
    value = attributes.get(ANCESTRY_ATTRIBUTE, "").strip().lower()
    return Ancestry(value) if value in {a.value for a in Ancestry} else Ancestry.OTHER


@dataclass(frozen=True, slots=True)
class BodySize:
    weight: BodyInput | None
    height: BodyInput | None
    hemoglobin: BodyInput | None
    age_years: float
    ancestry: Ancestry
    as_of: date
    sex: str | None = None

    def inputs(self, regimen: str | None = None, indication: str | None = None) -> DoseInputs:
        """The dose's inputs. The weight's date and the as-of day let the dose's weight check
        hold the weight against the child's age when it was measured (a weight from infancy
        read a year later is not a slip) and note a stale weight."""
        return DoseInputs(
            weight_kg=None if self.weight is None else self.weight.value,
            height_cm=None if self.height is None else self.height.value,
            age_years=self.age_years,
            ancestry=self.ancestry,
            hb_g_dl=None if self.hemoglobin is None or self.hemoglobin.comparator
            else self.hemoglobin.value,
            regimen=regimen,
            indication=indication,
            sex=self.sex,
            weight_date=None if self.weight is None else self.weight.day,
            as_of=self.as_of,
        )

    def warnings(self) -> list[str]:
        if self.weight is None:
            return [
                "no weight recorded on or before as-of: weight-based options are listed "
                "without a dose; record a weight to dose them"
            ]
        # One wording for a stale weight: the note of the dose's own weight check, which each
        # weight-based dose also carries; said once here for the whole plan.
        check = weight_checks.check_weight(
            self.weight.value, weight_date=self.weight.day, as_of=self.as_of)
        return list(check.notes)

    def to_json(self) -> dict[str, BodyInput | float | str | None]:
        return {
            "weight": self.weight,
            "height": self.height,
            "hemoglobin": self.hemoglobin,
            "age_years": self.age_years,
            "ancestry": self.ancestry.value,
        }


def body_size(timeline: PatientTimeline, as_of: date) -> BodySize:
    return BodySize(
        latest_measure(timeline, "weight", as_of),
        latest_measure(timeline, "height", as_of),
        # The latest Hb, censored or not: anti-D's Hb limit decides a bound by interval logic.
        latest_measure(timeline, "hemoglobin", as_of, censored=True),
        age_years(timeline, as_of),
        ancestry(timeline),
        as_of,
        timeline.patient.sex,
    )


@dataclass(frozen=True, slots=True)
class DoseAnswer:
    """A dose, or why there is none: an input is missing, or the drug is refused for the child."""

    dose: DoseRecommendation | None = None
    missing: str | None = None
    refused: str | None = None


def dose_for(drug: str, inputs: DoseInputs) -> DoseAnswer:
    """The registry's dose; missing inputs and refusals become answers, other errors propagate."""
    try:
        return DoseAnswer(dose=recommend(drug, inputs))
    except MissingInputError as exc:
        # The message names the CLI flag of `thrombo dose`; here the input comes from the record.
        return DoseAnswer(missing=re.sub(r" \(--[a-z-]+\)", "", str(exc)))
    except DoseRefusedError as exc:
        return DoseAnswer(refused=str(exc))
