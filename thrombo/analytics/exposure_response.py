"""Resolution by day 28 by exposure group, and time to resolution against cumulative dose.

Observational associations only. Who receives less defibrotide is not random: a child who bleeds,
needs procedures or dies early gets a shorter or interrupted course (confounding by indication,
and reverse causation for course length), so these numbers describe the cohort and are no
evidence of a dose-response relationship. `CAUTION` says so wherever they are shown.

- groups: relative dose intensity >= 90% vs lower; course >= 14 days (the protocol minimum, seed
  000) vs shorter. Each group's resolution by day 28 with its Clopper-Pearson interval
  (clinical-reference.md G [S]); the two groups compared with Fisher's exact test, two-sided
  (an exact test for a 2x2 table; scipy.stats.fisher_exact). Patients whose exposure is unknown
  are counted, not guessed.
- time to resolution against the cumulative dose received in the first 14 days: Spearman's rank
  correlation over the resolved patients. A fixed window, because the dose up to resolution
  grows with the time to resolution itself and would correlate by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scipy import stats

from thrombo.analytics.cohort import (
    RESOLUTION_LANDMARK_DAYS,
    StudyPatient,
    TimeOrigin,
    days_from_origin,
    resolved_within,
)
from thrombo.analytics.exposure import (
    DEFIBROTIDE,
    DESIGN_WARNINGS,
    MIN_COURSE_DAYS,
    DrugExposure,
)
from thrombo.analytics.exposure_reasons import REASON_WARNING
from thrombo.analytics.proportions import DEFAULT_CONFIDENCE, clopper_pearson
from thrombo.analytics.statistical_results import Json, ProportionEstimate
from thrombo.analytics.study_disclosure import (
    Suppression,
    hidden_columns,
    hidden_proportion,
)

# [Design] 90% relative dose intensity: the cut-off (a common convention in oncology
# dose-intensity studies; clinical-reference.md gives none). Shown with a warning.
RDI_THRESHOLD = 0.90
RDI_WARNING = ("relative dose intensity cut-off of 90% is a design choice, not from the "
               "clinical reference")
EXPOSURE_WARNINGS = (RDI_WARNING, *DESIGN_WARNINGS, REASON_WARNING)
CUMULATIVE_WINDOW_DAYS = MIN_COURSE_DAYS
# [Design] cumulative doses are compared to whole mg/kg: smaller differences come from rounding
# the prepared dose (to 0.1 mg) and would otherwise rank patients on rounding noise.
CUMULATIVE_DIGITS = 0
FISHER = "Fisher's exact test, two-sided"
SPEARMAN = "Spearman rank correlation"
CAUTION = (
    "Observational associations, not dose-response evidence: exposure was not assigned. "
    "Children who bleed, need procedures, deteriorate or die receive shorter or interrupted "
    "courses (confounding by indication; course length is partly an outcome), so differences "
    "between exposure groups cannot be read as an effect of the dose.")


@dataclass(frozen=True)
class GroupComparison:
    """Resolution by day 28 in two exposure groups, and the exact test between them."""

    factor: str
    definition: str
    labels: tuple[str, str]
    groups: tuple[ProportionEstimate | None, ProportionEstimate | None]
    unknown: int
    p_value: float | None
    odds_ratio: float | None
    note: str | None
    unknown_resolved: int = 0
    """Resolved among the `unknown` (not shown: it decides which cells suppression hides)."""

    def columns(self) -> list[tuple[int, int]]:
        """(resolved, patients) per group, then for the unknown exposure: the table's columns."""
        return [*((0, 0) if g is None else (g.k, g.n) for g in self.groups),
                (self.unknown_resolved, self.unknown)]

    def to_json(self) -> dict[str, Json]:
        return {"factor": self.factor, "definition": self.definition,
                "groups": [{"group": label, "resolution_by_day_28":
                            None if g is None else g.to_json()}
                           for label, g in zip(self.labels, self.groups, strict=True)],
                "unknown": self.unknown, "test": FISHER, "p_value": self.p_value,
                "odds_ratio": self.odds_ratio, "note": self.note}


@dataclass(frozen=True)
class DoseTimeAssociation:
    """Days to resolution against mg/kg received in the first `window_days` (resolved only)."""

    window_days: int
    points: tuple[tuple[str, float, int], ...]
    """(patient id, cumulative mg/kg, days to resolution): individual values, report only."""
    rho: float | None
    p_value: float | None
    note: str | None

    def to_json(self) -> dict[str, Json]:
        return {"window_days": self.window_days, "n": len(self.points),
                "method": SPEARMAN, "rho": self.rho, "p_value": self.p_value,
                "note": self.note}


@dataclass(frozen=True)
class ExposureResponse:
    comparisons: tuple[GroupComparison, ...]
    dose_time: DoseTimeAssociation
    caution: str = CAUTION


def _compare(factor: str, definition: str, labels: tuple[str, str],
             treated: Sequence[StudyPatient], group_of: Callable[[StudyPatient], bool | None],
             resolved: Callable[[StudyPatient], bool], confidence: float) -> GroupComparison:
    sides: tuple[list[bool], list[bool]] = ([], [])
    unknown = unknown_resolved = 0
    for p in treated:
        high = group_of(p)
        if high is None:
            unknown += 1
            unknown_resolved += resolved(p)
        else:
            sides[0 if high else 1].append(resolved(p))
    groups = tuple(clopper_pearson(sum(s), len(s), confidence) if s else None for s in sides)
    p_value = odds = None
    note = None
    if all(sides):
        table = [[sum(s), len(s) - sum(s)] for s in sides]
        result = stats.fisher_exact(table, alternative="two-sided")
        p_value, odds = float(result.pvalue), float(result.statistic)
    else:
        empty = labels[0] if not sides[0] else labels[1]
        note = f"no patient in the group {empty}: no comparison"
    return GroupComparison(factor, definition, labels, (groups[0], groups[1]), unknown,
                           p_value, odds, note, unknown_resolved)


def _dose_time(treated: Sequence[StudyPatient], main: dict[str, DrugExposure],
               origin: TimeOrigin) -> DoseTimeAssociation:
    points = []
    for p in treated:
        days = days_from_origin(p, origin, p.resolution_date)
        course = main.get(p.patient_id)
        dose = None if course is None else course.cumulative_by_day(CUMULATIVE_WINDOW_DAYS)
        if days is not None and dose is not None:
            points.append((p.patient_id, round(dose, CUMULATIVE_DIGITS), days))
    rho = p_value = None
    note = None
    if len(points) < 3:
        note = "fewer than 3 resolved patients with a known dose: no correlation"
    elif len({d for _, d, _ in points}) < 2 or len({t for _, _, t in points}) < 2:
        note = "the same cumulative dose (or time) for every patient: no correlation"
    else:
        result = stats.spearmanr([d for _, d, _ in points], [t for _, _, t in points])
        rho, p_value = float(result.statistic), float(result.pvalue)
    return DoseTimeAssociation(CUMULATIVE_WINDOW_DAYS, tuple(points), rho, p_value, note)


def exposure_response(treated: Sequence[StudyPatient], exposure: Sequence[DrugExposure],
                      origin: TimeOrigin, confidence: float = DEFAULT_CONFIDENCE,
                      ) -> ExposureResponse:
    main = {e.patient_id: e for e in exposure if e.drug == DEFIBROTIDE}

    def resolved(p: StudyPatient) -> bool:
        return resolved_within(p, origin, RESOLUTION_LANDMARK_DAYS)

    def high_rdi(p: StudyPatient) -> bool | None:
        course = main.get(p.patient_id)
        rdi = None if course is None else course.relative_dose_intensity
        return None if rdi is None else rdi >= RDI_THRESHOLD

    def long_course(p: StudyPatient) -> bool | None:
        course = main.get(p.patient_id)
        return None if course is None else course.course_days >= MIN_COURSE_DAYS

    rdi = _compare("relative_dose_intensity",
                   f"received over planned defibrotide (25 mg/kg/day), >= {RDI_THRESHOLD:.0%}",
                   (f">= {RDI_THRESHOLD:.0%}", f"< {RDI_THRESHOLD:.0%}"), treated, high_rdi,
                   resolved, confidence)
    length = _compare("course_days",
                      f"days from first to last defibrotide dose, >= {MIN_COURSE_DAYS} "
                      "(protocol minimum)",
                      (f">= {MIN_COURSE_DAYS} days", f"< {MIN_COURSE_DAYS} days"), treated,
                      long_course, resolved, confidence)
    return ExposureResponse((rdi, length), _dose_time(treated, main, origin))


# --- the study document ----------------------------------------------------------------------


def exposure_json(exposure: Sequence[DrugExposure], hide: Suppression) -> Json:
    """The exposure table; left out under small-count suppression (each row is one child)."""
    if hide.on:
        return None
    return [e.to_json() for e in exposure]


def exposure_response_json(result: ExposureResponse | None, hide: Suppression) -> Json:
    """Groups under the disclosure policy: the exposure groups and the unknown exposure add up
    to the treated (and their resolved to the resolved), so a group goes whole and never alone
    (`hidden_columns`); the test goes with any hidden group."""
    if result is None:
        return None
    comparisons: list[Json] = []
    for c in result.comparisons:
        document = c.to_json()
        hidden = hidden_columns(c.columns(), hide)
        document["groups"] = [
            {"group": label, "resolution_by_day_28": hidden_proportion(g)
             if i in hidden and g is not None else hide.proportion(g)}
            for i, (label, g) in enumerate(zip(c.labels, c.groups, strict=True))]
        if hidden:
            document.update(p_value=None, odds_ratio=None, suppressed=True)
        document["unknown"] = None if len(c.groups) in hidden else hide.count(c.unknown)
        comparisons.append(document)
    dose_time = result.dose_time.to_json()
    if hide.on and hide.hides(len(result.dose_time.points)):
        dose_time.update(n=None, rho=None, p_value=None, suppressed=True)
    return {"caution": result.caution, "comparisons": comparisons,
            "time_to_resolution_vs_cumulative_dose": dose_time,
            "warnings": list(EXPOSURE_WARNINGS)}

