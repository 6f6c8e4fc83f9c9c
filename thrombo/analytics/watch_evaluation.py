"""How early, and how noisily, the TA-TMA watch list warns: measured on a cohort with known truth.

Built so that a centre can run it on its own retrospective data: the diagnosis dates come from the
criteria sets run on the records themselves (the date the team would have diagnosed), and only
"who never had TA-TMA" is read from the truth file (the simulator's `truth.csv`, or a centre's own
adjudicated list with the columns `patient_id` and `cohort`).

Definitions (printed with every result):
- A patient's level on each day from the transplant to the end of follow-up (the last recorded
  result or event) is the watch list's level computed from the records known by that day.
- Sensitivity, per criteria set and level L: of the patients the set diagnoses, the share whose
  level reached L on at least one of the `horizon_days` days before the diagnosis date (not on
  the diagnosis day itself).
- Lead time: diagnosis date minus the first day at level L or higher within that horizon, in
  days; median and quartiles (linear interpolation) over the warned patients.
- False alarms per 100 patient-weeks: in patients who never develop TA-TMA (truth cohorts other
  than `tma`, look-alikes included), the number of warning episodes (a day at L or higher after
  a day below it, or the first day of follow-up at L) per 100 weeks of follow-up.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import DEFAULT, all_sets, criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.rules.watch import WatchOptions
from thrombo.rules.watch import signals as watch_signals
from thrombo.rules.watch.watch import daily_signals, met_names, prepared

# [Design] A warning counts towards a diagnosis when it came in the 28 days before it: an
# earlier episode that lapsed is more likely another illness than the start of this one.
HORIZON_DAYS = 28
TMA_COHORT = "tma"
DAYS_PER_WEEK = 7
SIMULATOR_CAVEAT = (
    "On simulated data the lead times are a property of the simulator: its markers appear in the "
    "published order (LDH, proteinuria and hypertension first; Jodele 2014), so the watch list "
    "finds what was built in. Only a centre's own retrospective records measure real lead time."
)
DEFINITIONS = {
    "sensitivity": "of the patients the criteria set diagnoses, the share whose level reached "
                   "L on at least one of the {horizon} days before the diagnosis date",
    "lead_time_days": "diagnosis date minus the first day at level L or higher in those "
                      "{horizon} days; median and quartiles (linear interpolation) over the "
                      "warned patients",
    "false_alarms_per_100_patient_weeks": "in patients who never develop TA-TMA (truth cohorts "
                                          "other than 'tma', look-alikes included): warning "
                                          "episodes (entries into level L or higher) per 100 "
                                          "weeks of follow-up from the transplant to the last "
                                          "recorded result or event",
}
LEVEL_FLOORS = ("watch", "alert")


class TruthFileError(ThromboUserError):
    """A truth file that cannot be read or lacks the needed columns."""


def read_truth(path: Path) -> dict[str, str]:
    """patient_id -> cohort from a truth CSV (the simulator's `truth.csv`)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise TruthFileError(f"cannot read the truth file {path}: {exc.strerror}") from None
    if not rows or not {"patient_id", "cohort"} <= set(rows[0]):
        raise TruthFileError(f"{path}: a truth file needs the columns patient_id and cohort")
    return {r["patient_id"]: r["cohort"] for r in rows}


@dataclass(frozen=True)
class Course:
    """One transplant recipient's daily count of met signals over follow-up."""

    patient_id: str
    first: date
    counts: tuple[int, ...]
    """Index i is day `first + i`."""

    @property
    def weeks(self) -> float:
        return len(self.counts) / DAYS_PER_WEEK

    def day(self, i: int) -> date:
        return self.first + timedelta(days=i)


def follow_up_end(timeline: PatientTimeline) -> date | None:
    days = [timeline.local_day(o.time) for o in timeline.observations]
    days += [timeline.local_day(e.time) for e in timeline.events]
    return max(days, default=None)


def watch_course(
    timeline: PatientTimeline, watch: CriteriaSet, until: date
) -> Course | None:
    """Each day's met-signal count from the transplant to `until`. Windows and baselines look
    back only, so day D reads what was known by D (engraftment dates derived from counts are
    dated to the first count of their run, up to two days before the run was complete)."""
    day0 = timeline.patient.hsct_date
    if not timeline.patient.had_allogeneic_hsct or day0 is None or until < day0:
        return None
    known = prepared(timeline, until)
    days = daily_signals(PatientEvaluator.of(known, watch), watch, day0, until)
    return Course(timeline.patient_id, day0, tuple(len(met_names(r)) for _, r in days))


def episodes(counts: Sequence[int], floor: int) -> int:
    """Entries into `count >= floor` (the first day counts when it is already there)."""
    above = [c >= floor for c in counts]
    return sum(1 for i, a in enumerate(above) if a and (i == 0 or not above[i - 1]))


def first_warning(course: Course, floor: int, diagnosis: date, horizon: int) -> date | None:
    for i, count in enumerate(course.counts):
        day = course.day(i)
        if diagnosis - timedelta(days=horizon) <= day < diagnosis and count >= floor:
            return day
    return None


def quartiles(values: Sequence[int]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "q1": None, "q3": None}
    q1, median, q3 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return {"median": float(median), "q1": float(q1), "q3": float(q3)}


@dataclass(frozen=True)
class Cohort:
    """What every criteria set's evaluation reads: courses, truth, follow-up ends."""

    timelines: dict[str, PatientTimeline]
    courses: dict[str, Course]
    truth: dict[str, str]
    ends: dict[str, date]


def build_cohort(
    timelines: Iterable[PatientTimeline], truth: dict[str, str], watch: CriteriaSet
) -> Cohort:
    kept: dict[str, PatientTimeline] = {}
    courses: dict[str, Course] = {}
    ends: dict[str, date] = {}
    for tl in timelines:
        end = follow_up_end(tl)
        course = None if end is None else watch_course(tl, watch, end)
        if course is not None and end is not None:
            kept[tl.patient_id], courses[tl.patient_id], ends[tl.patient_id] = tl, course, end
    return Cohort(kept, courses, truth, ends)


def _rate(courses: Sequence[Course], floor: int) -> dict[str, object]:
    weeks = sum(c.weeks for c in courses)
    count = sum(episodes(c.counts, floor) for c in courses)
    rate = None if weeks == 0 else round(100 * count / weeks, 2)
    return {"false_alarms_per_100_patient_weeks": rate, "episodes": count,
            "patient_weeks": round(weeks, 1), "patients": len(courses)}


def false_alarms(cohort: Cohort, floor: int) -> dict[str, object]:
    """Over every never-TA-TMA patient, and per truth cohort (the look-alikes apart)."""
    by: dict[str, list[Course]] = {}
    for pid, course in cohort.courses.items():
        name = cohort.truth.get(pid, TMA_COHORT)
        if name != TMA_COHORT:
            by.setdefault(name, []).append(course)
    overall = _rate([c for courses in by.values() for c in courses], floor)
    per_cohort = {name: _rate(courses, floor)["false_alarms_per_100_patient_weeks"]
                  for name, courses in sorted(by.items())}
    return {**overall, "false_alarms_by_cohort": per_cohort}


def set_level(
    cohort: Cohort, diagnoses: dict[str, date], floor: int, horizon: int
) -> dict[str, object]:
    leads = []
    for pid, diagnosed in diagnoses.items():
        warned = first_warning(cohort.courses[pid], floor, diagnosed, horizon)
        if warned is not None:
            leads.append((diagnosed - warned).days)
    sensitivity = None if not diagnoses else round(len(leads) / len(diagnoses), 3)
    return {"sensitivity": sensitivity, "diagnosed": len(diagnoses), "warned": len(leads),
            "lead_time_days": quartiles(leads), **false_alarms(cohort, floor)}


def diagnoses_by(cohort: Cohort, criteria: CriteriaSet) -> dict[str, date]:
    found = {}
    for pid, tl in cohort.timelines.items():
        result = screen_patient(tl, criteria, cohort.ends[pid])
        if result.first_met is not None:
            found[pid] = result.first_met
    return found


def evaluate(
    timelines: Iterable[PatientTimeline],
    truth: dict[str, str],
    options: WatchOptions | None = None,
    screening: ScreeningOptions | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> dict[str, object]:
    """The `watch --evaluate` document: per criteria set, per level (watch = at least watch)."""
    opts = options or WatchOptions()
    watch = watch_signals.definition(opts, screening)
    cohort = build_cohort(timelines, truth, watch)
    floors = {"watch": 1, "alert": opts.alert_signals}
    sets = []
    for criteria in all_sets(screening):
        diagnoses = diagnoses_by(cohort, criteria)
        levels = {name: set_level(cohort, diagnoses, floors[name], horizon_days)
                  for name in LEVEL_FLOORS}
        sets.append({"criteria": criteria.name, **levels["watch"], "levels": levels})
    return {
        "rules": watch.rules_json(),
        "horizon_days": horizon_days,
        "patients": len(cohort.courses),
        "cohorts": _cohort_counts(cohort),
        "results": sets,
        "definitions": {k: v.format(horizon=horizon_days) for k, v in DEFINITIONS.items()},
        "caveat": SIMULATOR_CAVEAT,
        "warnings": list(watch.warnings),
    }


def _cohort_counts(cohort: Cohort) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pid in cohort.courses:
        name = cohort.truth.get(pid, "unknown")
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


# [Design] The trade-off sweep scales every "how much" of a signal together: the LDH rise above
# 1, the platelet fall and the sC5b-9 rise above 1, by these factors (1 = the defaults). Smaller
# thresholds warn earlier and more often; the curve shows the price of each day of lead time.
SWEEP_SCALES = (0.5, 0.75, 1.0, 1.5, 2.0)


def scaled(options: WatchOptions, scale: float) -> WatchOptions:
    return replace(
        options,
        ldh_rise_factor=round(1 + (options.ldh_rise_factor - 1) * scale, 4),
        platelet_fall_fraction=round(min(options.platelet_fall_fraction * scale, 0.95), 4),
        sc5b9_rise_factor=round(1 + (options.sc5b9_rise_factor - 1) * scale, 4),
    )


def sweep(
    timelines: Iterable[PatientTimeline],
    truth: dict[str, str],
    criteria_name: str = DEFAULT,
    scales: Sequence[float] = SWEEP_SCALES,
    options: WatchOptions | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[dict[str, object]]:
    """At the watch level, one point per threshold scale: sensitivity, lead time and false
    alarms against one criteria set (its diagnoses computed once)."""
    kept = list(timelines)
    base = options or WatchOptions()
    diagnoses: dict[str, date] | None = None
    points = []
    for scale in scales:
        opts = scaled(base, scale)
        cohort = build_cohort(kept, truth, watch_signals.definition(opts))
        if diagnoses is None:
            diagnoses = diagnoses_by(cohort, criteria_set(criteria_name))
        found = set_level(cohort, diagnoses, 1, horizon_days)
        points.append({"scale": scale, "ldh_rise_factor": opts.ldh_rise_factor,
                       "platelet_fall_fraction": opts.platelet_fall_fraction,
                       "sc5b9_rise_factor": opts.sc5b9_rise_factor, **found})
    return points
