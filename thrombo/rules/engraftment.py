"""Engraftment dates derived from counts when the record has none (interface.md section 1).

clinical-reference.md I4 (registry definitions):
- neutrophil recovery (CIBMTR [S]; ASTCT [S-2nd]): the first of 3 consecutive values on
  different days with ANC >= 0.5 x 10^9/L, counting only after the post-transplant nadir;
- platelet recovery (CIBMTR [S]; ASTCT [S-2nd]): the first of 3 consecutive values on
  different days >= 20 x 10^9/L with no platelet transfusion in the 7 days before.
The I4 [Design] note keeps the threshold and the run length as parameters; a run of 7 (option
`platelet_engraftment_run = 7`) was found in no registry text (I4, unverified) and warns.

How it is read here ([Design], the same in every engine - the SQL twin is
`thrombo.engines.engraftment`):
- a day's value is its lowest result, so a day qualifies only if every count that day does;
- the nadir is the first day from the transplant (day 0) with a value below the threshold (for
  platelets, or a platelet transfusion); runs count only after it. Counts that never fell
  below the threshold derive no date (the registries report "never below" apart);
- a platelet day qualifies when no platelet transfusion lies on it or the 7 days before, so a
  transfusion during a run breaks it;
- only what is known by as-of is used (the evaluator's timeline is already cut there).
A recorded date always wins over a derived one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.model import EngraftmentRule

PLATELET_TRANSFUSION = "platelet_transfusion"


@dataclass(frozen=True, slots=True)
class Derivation:
    """One engraftment date: recorded, or derived from counts with its reasoning."""

    anchor: str
    recorded: date | None
    derived: date | None
    nadir: date | None
    first_count: date | None
    run: tuple[date, ...] = ()
    first_obs: Observation | None = None
    """The lowest result of the run's first day (the evidence shown)."""

    @property
    def date(self) -> date | None:
        return self.recorded if self.recorded is not None else self.derived

    def note(self, analyte: str, threshold: float, run_length: int) -> str:
        what = self.anchor.replace("_", " ")
        if self.recorded is not None:
            return f"{what} {self.recorded} (recorded)"
        if self.derived is not None:
            days = ", ".join(str(d) for d in self.run)
            return (f"{what} {self.derived} derived from counts: {run_length} consecutive "
                    f"{analyte} results >= {threshold:g} x 10^9/L on {days}, after the nadir "
                    f"of {self.nadir}")
        if self.nadir is not None:
            return (f"{what} not reached: no {run_length} consecutive {analyte} results >= "
                    f"{threshold:g} x 10^9/L after the nadir of {self.nadir}")
        if self.first_count is not None:
            return f"{what} not derived: {analyte} never below {threshold:g} after transplant"
        return f"{what} unknown: not recorded and no {analyte} count after transplant"


@dataclass(frozen=True, slots=True)
class Engraftment:
    neutrophil: Derivation
    platelet: Derivation


def _daily_lowest(
    timeline: PatientTimeline, analyte: str, day0: date
) -> list[tuple[date, float, Observation]]:
    lowest: dict[date, tuple[float, Observation]] = {}
    for obs in timeline.of(analyte):
        day, value = timeline.local_day(obs.time), obs.value
        if value is None or day < day0:
            continue
        if day not in lowest or value < lowest[day][0]:
            lowest[day] = (value, obs)
    return [(day, value, obs) for day, (value, obs) in sorted(lowest.items())]


def _transfused_recently(transfusions: Sequence[date], day: date, free_days: int) -> bool:
    return any(day - timedelta(days=free_days) <= t <= day for t in transfusions)


def derive(
    timeline: PatientTimeline, anchor: str, recorded: date | None, analyte: str,
    threshold: float, run_length: int, transfusion_free_days: int | None,
) -> Derivation:
    """The recorded date, else the first day of the first qualifying run after the nadir."""
    day0 = timeline.patient.hsct_date
    if day0 is None or recorded is not None:
        return Derivation(anchor, recorded, None, None, None)  # a recorded date decides alone
    days = _daily_lowest(timeline, analyte, day0)
    transfusions = [] if transfusion_free_days is None else sorted(
        d for e in timeline.events_named(PLATELET_TRANSFUSION)
        if (d := timeline.local_day(e.time)) >= day0)
    low = [d for d, v, _ in days if v < threshold] + transfusions[:1]
    nadir = min(low, default=None)
    first_count = days[0][0] if days else None
    if nadir is None:
        return Derivation(anchor, recorded, None, None, first_count)
    run: list[tuple[date, Observation]] = []
    for day, value, obs in days:
        if day <= nadir:
            continue
        ok = value >= threshold and not (
            transfusion_free_days is not None
            and _transfused_recently(transfusions, day, transfusion_free_days))
        run = [*run, (day, obs)] if ok else []
        if len(run) == run_length:
            return Derivation(anchor, recorded, run[0][0], nadir, first_count,
                              tuple(d for d, _ in run), run[0][1])
    return Derivation(anchor, recorded, None, nadir, first_count)


def derive_all(timeline: PatientTimeline, rule: EngraftmentRule) -> Engraftment:
    patient = timeline.patient
    return Engraftment(
        neutrophil=derive(timeline, "neutrophil_engraftment", patient.neutrophil_engraftment_date,
                          "anc", rule.anc_threshold, rule.anc_run, None),
        platelet=derive(timeline, "platelet_engraftment", patient.platelet_engraftment_date,
                        "platelets", rule.platelet_threshold, rule.platelet_run,
                        rule.platelet_transfusion_free_days),
    )


def with_derived_dates(timeline: PatientTimeline, found: Engraftment) -> PatientTimeline:
    """The timeline with missing engraftment dates filled from `found` (unchanged otherwise)."""
    patient = timeline.patient
    changes = {
        field: d.derived
        for field, d in (("neutrophil_engraftment_date", found.neutrophil),
                         ("platelet_engraftment_date", found.platelet))
        if d.recorded is None and d.derived is not None
    }
    if not changes:
        return timeline
    return replace(timeline, patient=replace(patient, **changes))  # type: ignore[arg-type]
