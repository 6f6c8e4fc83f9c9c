"""Descriptive endpoints of a treated cohort: organ recovery, major bleeding, adverse events,
baseline characteristics and the per-centre table.

The estimates come from `proportions` (Clopper-Pearson) and `survival` (Kaplan-Meier); this
module only decides who counts in each numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from thrombo.analytics.cohort import (
    RESOLUTION_LANDMARK_DAYS,
    StudyPatient,
    TimeOrigin,
    days_from_origin,
    resolved_within,
)
from thrombo.analytics.proportions import DEFAULT_CONFIDENCE, clopper_pearson
from thrombo.analytics.statistical_results import Json, ProportionEstimate

# Major bleeding: "hemorrhage terms grade >= 3 (or ISTH major bleeding, pick one and state it)",
# clinical-reference.md F [Design]; the CTCAE haemorrhage rows themselves are (from memory,
# unverified), so every output resting on this carries MAJOR_BLEEDING_WARNING.
MAJOR_BLEEDING_MIN_GRADE = 3
MAJOR_BLEEDING_DEFINITION = (
    "CTCAE haemorrhage term grade >= 3, or an event recorded by the site as major bleeding, "
    "on or after defibrotide start")
MAJOR_BLEEDING_WARNING = (
    "major bleeding rests on CTCAE v5.0 haemorrhage grades that clinical-reference.md F marks "
    "from memory, unverified")

# Terms that name a haemorrhage (CTCAE v5.0 "... hemorrhage", epistaxis, hematuria) or a bleed as
# events.csv records it (interface.md section 1).
_BLEEDING_WORDS = ("hemorrhage", "haemorrhage", "bleeding", "epistaxis", "hematuria",
                   "haematuria", "hematemesis", "melena")
_SITE_MAJOR_BLEEDING = "major_bleeding"


def is_bleeding(term: str) -> bool:
    name = term.lower()
    return any(word in name for word in _BLEEDING_WORDS)


def is_major_bleeding(term: str, grade: int) -> bool:
    if term.lower() == _SITE_MAJOR_BLEEDING:
        return True
    return is_bleeding(term) and grade >= MAJOR_BLEEDING_MIN_GRADE


def treatment_emergent(patient: StudyPatient) -> list[tuple[str, int]]:
    """(term, grade) of the adverse events on or after defibrotide start."""
    start = patient.treatment_start
    if start is None:
        return []
    return [(e.term, e.grade) for e in patient.adverse_events if e.date >= start]


def had_major_bleeding(patient: StudyPatient) -> bool:
    """The safety engine's flag when it gave one, else read from the graded events."""
    if patient.major_bleeding is not None:
        return patient.major_bleeding
    return any(is_major_bleeding(t, g) for t, g in treatment_emergent(patient))


def major_bleeding(treated: Sequence[StudyPatient],
                   confidence: float = DEFAULT_CONFIDENCE) -> ProportionEstimate:
    k = sum(had_major_bleeding(p) for p in treated)
    return clopper_pearson(k, len(treated), confidence)


@dataclass(frozen=True)
class AdverseEventRow:
    """Patients whose worst grade of `term` was `grade`."""

    term: str
    grade: int
    patients: int


def adverse_event_table(treated: Sequence[StudyPatient]) -> tuple[AdverseEventRow, ...]:
    """Each patient counted once per term, at the worst grade reached (CTCAE convention)."""
    counts: dict[tuple[str, int], int] = {}
    for p in treated:
        worst: dict[str, int] = {}
        for term, grade in treatment_emergent(p):
            worst[term] = max(grade, worst.get(term, 0))
        for term, grade in worst.items():
            counts[(term, grade)] = counts.get((term, grade), 0) + 1
    return tuple(AdverseEventRow(t, g, n) for (t, g), n in sorted(counts.items()))


@dataclass(frozen=True)
class OrganRecovery:
    """Recovery of renal or neurological function (either), and of each organ on its own.

    `any_organ` is over all treated patients (intention to treat, as the study document counts
    "60% of patients"); each organ's own rate is over the patients with that organ involved.
    """

    any_organ: ProportionEstimate | None
    renal: ProportionEstimate | None
    neurological: ProportionEstimate | None


def _involved_rate(values: list[bool | None], confidence: float) -> ProportionEstimate | None:
    assessed = [v for v in values if v is not None]
    return clopper_pearson(sum(assessed), len(assessed), confidence) if assessed else None


def organ_recovery(treated: Sequence[StudyPatient],
                   confidence: float = DEFAULT_CONFIDENCE) -> OrganRecovery:
    if not treated:
        return OrganRecovery(None, None, None)
    k = sum(bool(p.renal_recovery) or bool(p.neurological_recovery) for p in treated)
    return OrganRecovery(
        any_organ=clopper_pearson(k, len(treated), confidence),
        renal=_involved_rate([p.renal_recovery for p in treated], confidence),
        neurological=_involved_rate([p.neurological_recovery for p in treated], confidence))


# --- baseline and centres --------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Median, quartiles and range of a measurement, over the patients where it is known."""

    n: int
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float

    def to_json(self) -> dict[str, Json]:
        return {"n": self.n, "median": self.median, "q1": self.q1, "q3": self.q3,
                "min": self.minimum, "max": self.maximum}


def summarise(values: Sequence[float | int | None]) -> Summary | None:
    known = np.asarray([v for v in values if v is not None], dtype=float)
    if known.size == 0:
        return None
    q1, median, q3 = (float(v) for v in np.percentile(known, [25, 50, 75]))
    return Summary(int(known.size), median, q1, q3, float(known.min()), float(known.max()))


@dataclass(frozen=True)
class Baseline:
    n: int
    age_years: Summary | None
    sex: dict[str, int]
    centres: int
    days_hsct_to_diagnosis: Summary | None
    days_diagnosis_to_treatment: Summary | None
    high_risk: int
    renal_involvement: int
    neurological_involvement: int


def _days(first: date | None, then: date | None) -> int | None:
    return None if first is None or then is None else (then - first).days


def baseline(treated: Sequence[StudyPatient]) -> Baseline:
    sexes: dict[str, int] = {}
    for p in treated:
        sexes[p.sex] = sexes.get(p.sex, 0) + 1
    return Baseline(
        n=len(treated),
        age_years=summarise([p.age_years for p in treated]),
        sex=dict(sorted(sexes.items())),
        centres=len({p.center for p in treated}),
        days_hsct_to_diagnosis=summarise([_days(p.hsct_date, p.diagnosis_date)
                                          for p in treated]),
        days_diagnosis_to_treatment=summarise([_days(p.diagnosis_date, p.treatment_start)
                                               for p in treated]),
        high_risk=sum(p.high_risk is True for p in treated),
        renal_involvement=sum(p.renal_recovery is not None for p in treated),
        neurological_involvement=sum(p.neurological_recovery is not None for p in treated))


@dataclass(frozen=True)
class CentreSummary:
    centre: str
    treated: int
    resolution_by_day_28: ProportionEstimate
    deaths_by_landmark: int


def centre_table(treated: Sequence[StudyPatient], origin: TimeOrigin, landmark_days: int,
                 confidence: float = DEFAULT_CONFIDENCE) -> tuple[CentreSummary, ...]:
    """Per centre: patients treated, resolution by day 28 (exact CI), deaths by the landmark."""
    by_centre: dict[str, list[StudyPatient]] = {}
    for p in treated:
        by_centre.setdefault(centre_name(p), []).append(p)
    rows = []
    for centre, group in sorted(by_centre.items()):
        k = sum(resolved_within(p, origin, RESOLUTION_LANDMARK_DAYS) for p in group)
        deaths = sum(_died_by(p, origin, landmark_days) for p in group)
        rows.append(CentreSummary(centre, len(group), clopper_pearson(k, len(group), confidence),
                                  deaths))
    return tuple(rows)


def centre_name(patient: StudyPatient) -> str:
    return patient.center or "(no centre)"


def _died_by(patient: StudyPatient, origin: TimeOrigin, days: int) -> bool:
    elapsed = days_from_origin(patient, origin, patient.death_date)
    return elapsed is not None and elapsed <= days
