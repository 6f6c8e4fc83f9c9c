"""Screening: a criteria set over each patient's timeline, up to an as-of day.

Semantics (interface.md `screen --json`, made precise):

- Only records known by the end of `as_of` (site time zone) are used.
- Assessment days are local days from the transplant (day 0) to as-of with an observation of an
  analyte the set's criteria read. On each, every criterion is decided over the window ending
  that day, and the set's rule (a `KOfN` tree) is decided from them.
- Diagnosed on assessment day D when the rule is met on D (and, for `consecutive = 2`, also on the
  previous assessment day P). With `confirmation = re-measured` (harmonized-2023's default) D's
  rule is decided again over the days after P only (`DayStatus.confirm`): at least k criteria
  must be met by results or events dated after P, so a day whose only new result is a blood
  pressure cannot confirm labs drawn once. `first_met` is the confirming (second) day, or the
  first with option `diagnosis_date = first-time-point`. A `diagnostic_alone` criterion (biopsy)
  met on a day diagnoses on that day; `first_met` is the earlier of the two.
- `status`: `ta-tma` when diagnosed; `no-ta-tma` when there is at least one assessment day and
  no diagnosis could have been made, even counting every indeterminate criterion as met: for
  one time point, the rule is NOT_MET on every day; for two, every pair of consecutive days has
  a NOT_MET rule on the first or a NOT_MET confirmation on the second, and the rule is NOT_MET
  on the last day (otherwise the next time point could still confirm it). So a patient with 4
  criteria on one day and 3 on the next, nothing indeterminate, is `no-ta-tma`. Otherwise
  `insufficient-data`; `not-applicable` without an allogeneic transplant.
- `criteria_met` / `criteria_indeterminate` describe `first_met`, or for a patient never
  diagnosed the assessment day with the most criteria met (the latest on a tie).
- `active`: diagnosed, and the rule is met in the window ending on as-of.
- `high_risk` (sets with a definition): decided on `first_met`; true if any feature is met, null
  if none is met but some are indeterminate, false otherwise; false when not diagnosed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from thrombo.domain.heap import heap_frozen
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.latest_results import latest_results
from thrombo.rules.model import CriteriaSet, analytes_of
from thrombo.rules.screening_results import (
    CriterionResult,
    DayStatus,
    Outcome,
    ScreeningResult,
    SetResult,
    Status,
)


def assessment_days(timeline: PatientTimeline, criteria: CriteriaSet) -> list[date]:
    used = frozenset().union(*(analytes_of(n.criterion) for n in criteria.criteria))
    day0 = timeline.patient.hsct_date
    # The days the criteria's series are read on anyway (`PatientTimeline.days_of`, kept),
    # rather than the local day of every observation again.
    days = sorted(set().union(*(timeline.days_of(a) for a in used)))
    return [d for d in days if day0 is None or d >= day0]


def day_status(
    evaluator: PatientEvaluator, criteria: CriteriaSet, day: date,
    previous: DayStatus | None = None,
) -> DayStatus:
    """The day's criteria and rule; with `previous` (the assessment day before) and
    re-measured confirmation, also the rule over the days after it (`confirm`). Only needed,
    and so only decided, when neither day's rule is NOT_MET: otherwise no diagnosis can rest
    on the pair whatever the confirmation says."""
    plans = evaluator.plans(criteria.criteria)
    results = {name: plan(day, None) for name, plan in plans}
    rule = evaluator.rule(criteria.rule, results)
    confirm = None
    if (remeasures(criteria) and previous is not None and previous.rule is not Outcome.NOT_MET
            and rule is not Outcome.NOT_MET):
        since = previous.day + timedelta(days=1)
        fresh = {name: plan(day, since) for name, plan in plans}
        confirm = evaluator.rule(criteria.rule, fresh)
    return DayStatus(day, tuple(results.values()), rule, confirm)


def remeasures(criteria: CriteriaSet) -> bool:
    return criteria.consecutive == 2 and criteria.confirmation == "re-measured"


def day_statuses(
    evaluator: PatientEvaluator, criteria: CriteriaSet, days: list[date],
    previous: DayStatus | None = None,
) -> list[DayStatus]:
    """Each assessment day's status, each confirmation judged against the day before it."""
    out: list[DayStatus] = []
    for day in days:
        previous = day_status(evaluator, criteria, day, previous)
        out.append(previous)
    return out


def clinical_diagnosis(days: list[DayStatus], criteria: CriteriaSet) -> date | None:
    for i, status in enumerate(days):
        if criteria.consecutive == 1:
            if status.rule is Outcome.MET:
                return status.day
            continue
        if i > 0 and status.confirms is Outcome.MET and days[i - 1].rule is Outcome.MET:
            first_point = criteria.diagnosis_date == "first-time-point"
            return days[i - 1].day if first_point else status.day
    return None


def alone_diagnosis(
    evaluator: PatientEvaluator, criteria: CriteriaSet, as_of: date
) -> date | None:
    """The first day a stand-alone criterion (biopsy) is met, from day 0 to as-of."""
    timeline = evaluator.timeline
    day0 = timeline.patient.hsct_date
    event_days = sorted({timeline.local_day(e.time) for e in timeline.events})
    for day in event_days:
        if (day0 is not None and day < day0) or day > as_of:
            continue
        for name in criteria.diagnostic_alone:
            if evaluator.named(criteria.criterion(name), day).outcome is Outcome.MET:
                return day
    return None


def _status(first_met: date | None, days: list[DayStatus], consecutive: int) -> Status:
    if first_met is not None:
        return "ta-tma"
    if days and not _could_be_diagnosed(days, consecutive):
        return "no-ta-tma"
    return "insufficient-data"


def _could_be_diagnosed(days: list[DayStatus], consecutive: int) -> bool:
    """Whether some indeterminate criteria, if met, would have diagnosed (or still could, at
    the next time point): the three-valued reading of `clinical_diagnosis`."""
    def open_(outcome: Outcome) -> bool:
        return outcome is not Outcome.NOT_MET

    if consecutive == 1:
        return any(open_(d.rule) for d in days)
    pairs = any(open_(days[i - 1].rule) and open_(days[i].confirms) for i in range(1, len(days)))
    return pairs or open_(days[-1].rule)


def _report_day(days: list[DayStatus]) -> DayStatus | None:
    best: DayStatus | None = None
    for status in days:
        if best is None or status.met_count >= best.met_count:
            best = status
    return best


def _high_risk(
    evaluator: PatientEvaluator, criteria: CriteriaSet, first_met: date | None
) -> tuple[bool | None, list[CriterionResult]]:
    if criteria.high_risk is None:
        return None, []
    if first_met is None:
        return False, []
    results = [evaluator.named(n, first_met) for n in criteria.high_risk]
    if any(r.outcome is Outcome.MET for r in results):
        return True, results
    if any(r.outcome is Outcome.INDETERMINATE for r in results):
        return None, results
    return False, results


def not_applicable(timeline: PatientTimeline, criteria: CriteriaSet) -> ScreeningResult:
    return ScreeningResult(
        timeline.patient_id, "not-applicable", None, False, (), (),
        None if criteria.high_risk is None else False, (), (), None,
    )


def screen_patient(
    timeline: PatientTimeline, criteria: CriteriaSet, as_of: date
) -> ScreeningResult:
    """One patient's screening result under one criteria set (see the module docstring)."""
    if not timeline.patient.had_allogeneic_hsct:
        return not_applicable(timeline, criteria)
    known = timeline.as_of(as_of)
    evaluator = PatientEvaluator.of(known, criteria)
    # The evaluator's timeline (engraftment dates derived) holds the same observations, and
    # its series read the days worked out here.
    days = day_statuses(evaluator, criteria, assessment_days(evaluator.timeline, criteria))
    diagnosed = [
        d for d in (clinical_diagnosis(days, criteria), alone_diagnosis(evaluator, criteria, as_of))
        if d is not None
    ]
    return build_result(timeline.patient_id, evaluator, criteria, days, diagnosed, as_of)


def build_result(
    patient_id: str,
    evaluator: PatientEvaluator,
    criteria: CriteriaSet,
    days: list[DayStatus],
    diagnosed: list[date],
    as_of: date,
) -> ScreeningResult:
    """The patient's result from the day statuses and diagnosis dates (shared with the
    incremental screen, which keeps the day statuses between observations)."""
    first_met = min(diagnosed, default=None)
    report = day_status(evaluator, criteria, first_met) if first_met else _report_day(days)
    high_risk, features = _high_risk(evaluator, criteria, first_met)
    met = [r for r in (report.criteria if report else ()) if r.outcome is Outcome.MET]
    met_features = [r for r in features if r.outcome is Outcome.MET]
    active = first_met is not None and day_status(evaluator, criteria, as_of).rule is Outcome.MET
    warnings = {
        w for r in (*(report.criteria if report else ()), *features) for w in r.warnings
    }
    return ScreeningResult(
        patient_id=patient_id,
        status=_status(first_met, days, criteria.consecutive),
        first_met=first_met,
        active=active,
        criteria_met=tuple(r.name for r in met),
        criteria_indeterminate=tuple(report.named(Outcome.INDETERMINATE) if report else ()),
        high_risk=high_risk,
        high_risk_features=tuple(r.name for r in met_features),
        evidence=(*(e for r in (*met, *met_features) for e in r.evidence),
                  *evaluator.derived_evidence()),
        assessed_on=None if report is None else report.day,
        days=tuple(days),
        warnings=tuple(sorted(warnings)),
        indeterminate_reasons=tuple(
            (r.name, r.reason or "not decided")
            for r in (report.criteria if report else ()) if r.outcome is Outcome.INDETERMINATE),
        latest_results=latest_results(evaluator, criteria, report),
    )


def screen(
    timelines: Iterable[PatientTimeline], criteria: CriteriaSet, as_of: date
) -> SetResult:
    """Every patient under one criteria set; the set's own caveats head the warnings."""
    with heap_frozen():  # the timelines; domain.heap
        patients = tuple(screen_patient(t, criteria, as_of) for t in timelines)
    dynamic = sorted({w for p in patients for w in p.warnings} - set(criteria.warnings))
    return SetResult(criteria.rules_json(), as_of, patients, (*criteria.warnings, *dynamic))
