"""Weights a paediatric dose calculator questions before it doses with them.

A tenfold slip (184 kg typed for 18.4 kg) or pounds for kilograms gives a tenfold or doubled
dose without a word unless the weight is compared with what is expected of the child: the
growth chart for the age, and the last recorded weight. A questioned weight is dosed only once
the user confirms it (`--confirm-weight`, the API's `confirm_weight`, the web form's checkbox),
and the dose then carries a prominent warning. A weight measured long ago is dosed with a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.errors import ImplausibleValueError
from thrombo.physiology.age import DAYS_PER_YEAR, MONTHS_PER_YEAR
from thrombo.physiology.growth import (
    lms_z_score,
    modified_z_score,
    weight_lms_at,
    weight_table_months,
)

# [Design] the LMS weight-for-age z-score beyond +-4 questions the weight: about 1 child in
# 31,600 lies beyond each bound, and a confirmation costs a click while a tenfold dose can kill.
# At |z| = 4 itself the weight is not questioned (the bounds exclude their value, as the CDC's).
WEIGHT_Z_LIMIT = 4.0
# clinical-reference.md I8 [S]: the CDC SAS program's biologically implausible weight-for-age,
# modified z < -5 or > +8 (values exactly at -5 or +8 are not flagged). The modified z keeps
# growing where the LMS z of a heavy adolescent nears its ceiling, so both are checked.
CDC_MODIFIED_Z_LOW = -5.0
CDC_MODIFIED_Z_HIGH = 8.0
# [Design] a dosing weight more than 10% away from the last recorded weight is questioned: the
# usual trigger for re-checking a weight-based dose, and far below a slip of x2.2 or x10.
RECORDED_WEIGHT_TOLERANCE = 0.10
# [Design] a weight older than 90 days may no longer describe a growing child (the ITP ladder and
# the TA-TMA plan use the same 90 days for the weights they read from the record).
STALE_WEIGHT_DAYS = 90
CDC_WEIGHT = (
    "CDC 2000 growth charts, weight-for-age LMS tables; CDC SAS program biologically implausible "
    "value cut-offs (clinical reference I8)"
)
WEIGHT_ALERT = "WEIGHT CONFIRMED BY THE USER although questioned"
# [Design] z-scores and the change from the recorded weight are compared as shown: z to 2
# decimals, the change to 0.1% (so a weight at exactly 4 SD or exactly 10% is not questioned,
# whatever the binary float makes of it).
Z_DECIMALS = 2
CHANGE_DECIMALS = 3
SEXES = ("M", "F")
SEX_NAMES = {"M": "boys", "F": "girls"}


class WeightNotConfirmedError(DoseRefusedError):
    """The weight is implausible for the child and was not confirmed: no dose is given."""


@dataclass(frozen=True, slots=True)
class WeightCheck:
    """Why the weight is questioned (needs confirming), other notes, and the evidence."""

    questions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GrowthZ:
    sex: str
    z: float
    modified_z: float

    @property
    def outside(self) -> bool:
        z, modified = round(self.z, Z_DECIMALS), round(self.modified_z, Z_DECIMALS)
        cdc_flag = modified < CDC_MODIFIED_Z_LOW or modified > CDC_MODIFIED_Z_HIGH
        return abs(z) > WEIGHT_Z_LIMIT or cdc_flag


def growth_z(weight_kg: float, age_years: float, sex: str) -> GrowthZ:
    """Weight-for-age z and CDC modified z; past 20 y the 20-year row is used ([Design]: the
    tables end at 240 months, and a typing check needs only the adult order of magnitude)."""
    first, last = weight_table_months(sex)
    months = min(max(age_years * MONTHS_PER_YEAR, first), last)
    lms = weight_lms_at(months, sex)
    return GrowthZ(sex, lms_z_score(weight_kg, lms), modified_z_score(weight_kg, lms))


def _growth_question(weight_kg: float, age_years: float, sex: str | None) -> tuple[
    str | None, dict[str, Any]
]:  # fmt: skip
    """Questioned only when implausible for the child's sex, or for both sexes when not given."""
    known = sex.strip().upper() if sex else ""
    sexes = (known,) if known in SEXES else SEXES
    scores = [growth_z(weight_kg, age_years, s) for s in sexes]
    evidence = {
        "weight_for_age": {
            s.sex: {"z": round(s.z, Z_DECIMALS), "modified_z": round(s.modified_z, Z_DECIMALS)}
            for s in scores
        },
        "bounds": {
            "z": [-WEIGHT_Z_LIMIT, WEIGHT_Z_LIMIT],
            "modified_z": [CDC_MODIFIED_Z_LOW, CDC_MODIFIED_Z_HIGH],
        },
    }
    if not all(s.outside for s in scores):
        return None, evidence
    closest = min(scores, key=lambda s: abs(s.z))
    side = "above" if closest.z > 0 else "below"
    who = SEX_NAMES[closest.sex] if len(scores) == 1 else "boys and girls (sex not given)"
    return (
        f"weight {weight_kg:g} kg is far {side} the CDC 2000 weight-for-age chart for "
        f"{who} aged {age_years:.1f} y (z {closest.z:+.1f}, CDC modified z "
        f"{closest.modified_z:+.1f}; questioned beyond z +-{WEIGHT_Z_LIMIT:g} or modified z "
        f"below {CDC_MODIFIED_Z_LOW:g} or above +{CDC_MODIFIED_Z_HIGH:g})"
    ), evidence


def _recorded_question(weight_kg: float, recorded_kg: float) -> tuple[str | None, dict[str, Any]]:
    change = round(weight_kg / recorded_kg - 1, CHANGE_DECIMALS)
    evidence = {"recorded_weight_kg": recorded_kg, "change": change}
    if abs(change) <= RECORDED_WEIGHT_TOLERANCE:
        return None, evidence
    return (
        f"weight {weight_kg:g} kg differs from the recorded {recorded_kg:g} kg by {change:+.0%} "
        f"(more than {RECORDED_WEIGHT_TOLERANCE:.0%})"
    ), evidence


def _staleness(weight_date: date, as_of: date) -> tuple[str | None, dict[str, Any]]:
    days = (as_of - weight_date).days
    if days < 0:
        raise ImplausibleValueError(
            f"the weight date {weight_date.isoformat()} is after the dosing date "
            f"{as_of.isoformat()}"
        )
    evidence = {"weight_date": weight_date.isoformat(), "weight_age_days": days}
    if days <= STALE_WEIGHT_DAYS:
        return None, evidence
    return (
        f"the dosing weight was measured on {weight_date.isoformat()}, {days} days before "
        f"{as_of.isoformat()} (more than {STALE_WEIGHT_DAYS}): re-weigh the child before "
        "prescribing"
    ), evidence


def check_weight(
    weight_kg: float,
    *,
    age_years: float | None = None,
    sex: str | None = None,
    recorded_weight_kg: float | None = None,
    weight_date: date | None = None,
    as_of: date | None = None,
    baseline_weight: bool = False,
) -> WeightCheck:
    """Question a plausible weight that is unlikely for this child; note a stale one.

    `age_years` is the age on the dosing day (`as_of`); a weight measured earlier is held
    against children of the age it was measured at. A baseline weight (the label doses on a
    weight taken before treatment) is never stale."""
    questions: list[str] = []
    notes: list[str] = []
    evidence: dict[str, Any] = {"weight_kg": weight_kg}
    if age_years is not None and math.isfinite(age_years):
        weighed_at = _age_when_weighed(age_years, weight_date, as_of)
        question, found = _growth_question(weight_kg, weighed_at, sex)
        evidence |= found
        questions += [question] if question else []
    if recorded_weight_kg is not None:
        question, found = _recorded_question(weight_kg, recorded_weight_kg)
        evidence |= found
        questions += [question] if question else []
    if weight_date is not None and not baseline_weight:
        note, found = _staleness(weight_date, as_of or date.today())
        evidence |= found
        notes += [note] if note else []
    return WeightCheck(tuple(questions), tuple(notes), evidence)


def _age_when_weighed(age_years: float, weight_date: date | None, as_of: date | None) -> float:
    if weight_date is None or as_of is None or weight_date >= as_of:
        return age_years
    return max(0.0, age_years - (as_of - weight_date).days / DAYS_PER_YEAR)


def refuse_unconfirmed(check: WeightCheck) -> None:
    if check.questions:
        reasons = "; ".join(q.rstrip("?.") for q in check.questions)
        raise WeightNotConfirmedError(
            f"{reasons}. Check the weight (a typing or unit slip?); if it is right, confirm it "
            "(--confirm-weight; confirm_weight in the API; the form's confirm box) to dose with it"
        )


def confirmed_warnings(check: WeightCheck) -> tuple[str, ...]:
    """The prominent warnings a dose carries when a questioned weight was confirmed."""
    return tuple(f"{WEIGHT_ALERT}: {q}" for q in check.questions)
