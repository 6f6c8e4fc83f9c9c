"""IWG 2009 platelet response to each ITP treatment (Rodeghiero et al. Blood 2009;113:2386).

clinical-reference.md C2 [S]: CR = count >= 100 x10^9/L and no bleeding; R = count >= 30 and at
least doubling the baseline, and no bleeding; both confirmed on 2 occasions >= 7 days apart. NR and
loss of response: < 30 or < 2-fold (or bleeding) on 2 occasions >= 1 day apart; loss of CR is
< 100 or bleeding, so the 2-fold rule applies to R only: a count >= 100 is never a loss or an NR.
Baseline = the count when the treatment started; after splenectomy, the count before the
first-ever treatment. Time to response runs from the start to the first R or CR.

Attribution (C2/I10 [S]: late responses not attributable to the treatment are not CR/R): each
drug has an assessment window (thrombo.rules.itp.drugs, [Design]); a response must begin within
it, and no NR is declared before it closes (the NR date is the later of its confirming count and
the window's close). A course is judged until the next course starts.

Occasions are evaluable counts (not raised by a transfusion or rescue agent, see
thrombo.rules.itp.counts) and bleeding events, each a non-qualifying occasion for CR/R. A
confirmation needs every occasion between its first and its confirming one to qualify too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import dropwhile, takewhile
from typing import Any

from thrombo.domain.evidence import Evidence
from thrombo.domain.timeline import PatientTimeline
from thrombo.response.itp_courses import Course, SteroidDependence
from thrombo.rules.itp.counts import CountSeries, PlateletCount, baseline_json
from thrombo.rules.itp.refractory import FailureReason, Response, TherapyOutcome
from thrombo.rules.itp.severity import BLEEDING_EVENTS

RULE = "iwg-2009 response"
RULE_VERSION = "1"
# IWG 2009 Table 2 (clinical-reference.md C2 [S]).
CR_PLATELETS = 100.0
R_PLATELETS = 30.0
R_FOLD_OVER_BASELINE = 2.0
CONFIRM_RESPONSE_DAYS = 7
CONFIRM_FAILURE_DAYS = 1
# [Design] the baseline is the latest evaluable count on the start day or up to 7 days before.
BASELINE_LOOKBACK_DAYS = 7
BASELINE_ZERO_WARNING = (
    "baseline platelet count 0: the 2-fold rule is undefined, absolute thresholds only "
    "(clinical-reference.md C2 edge cases [Design])"
)
WINDOW_OPEN = "assessment window not closed when judging ended"
NO_BASELINE_WARNING = "no baseline platelet count: R (2-fold rule) cannot be judged, only CR"


@dataclass(frozen=True, slots=True)
class Occasion:
    day: date
    count: PlateletCount | None
    bleeding_id: str | None = None


Predicate = Callable[[Occasion], bool | None]


@dataclass(frozen=True, slots=True)
class TreatmentResponse:
    course: Course
    baseline: PlateletCount | None
    window_end: date
    response: Response
    response_date: date | None
    """First count of the first confirmed R or CR (time to response, IWG 2009)."""
    complete_response_date: date | None
    lost_response_date: date | None
    lost_complete_response_date: date | None
    failure: FailureReason | None
    failure_date: date | None
    decided_by: str
    """Which rule gave the answer: the platelet response, death or steroid dependence."""
    evidence: tuple[Evidence, ...]
    warnings: tuple[str, ...]

    @property
    def days_to_response(self) -> int | None:
        if self.response_date is None:
            return None
        return (self.response_date - self.course.start).days

    @property
    def duration_of_response_days(self) -> int | None:
        """Response date to loss of response, or to the end of the window (then censored)."""
        if self.response_date is None:
            return None
        end = self.lost_response_date or self.window_end
        return (end - self.response_date).days

    def outcome(self) -> TherapyOutcome:
        return TherapyOutcome(
            self.course.drug,
            "splenectomy" if self.course.is_splenectomy else self.course.drug_class,
            self.course.start,
            self.response,
            self.failure,
            self.failure_date,
            self.decided_by,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.course.drug,
            "class": self.outcome().drug_class,
            "start": self.course.start.isoformat(),
            **baseline_json(self.baseline),
            "response": self.response,
            "response_date": _iso(self.response_date),
            "complete_response_date": _iso(self.complete_response_date),
            "days_to_response": self.days_to_response,
            "assessment_window_days": self.course.window_days,
            "assessment_until": self.course.assessment_until.isoformat(),
            "judged_until": self.window_end.isoformat(),
            "regimen": self.course.regimen,
            "decided_by": self.decided_by,
            "lost_response_date": _iso(self.lost_response_date),
            "lost_complete_response_date": _iso(self.lost_complete_response_date),
            "duration_of_response_days": self.duration_of_response_days,
            "duration_censored": self.response_date is not None
            and self.lost_response_date is None,
            "failure": self.failure,
            "failure_date": _iso(self.failure_date),
            "evidence": [e.to_json() for e in self.evidence],
            "warnings": list(self.warnings),
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def baseline_count(series: CountSeries, anchor: date) -> PlateletCount | None:
    """Latest evaluable count on `anchor` (the treatment's start day) or the 7 days before it."""
    lookback = anchor - timedelta(days=BASELINE_LOOKBACK_DAYS)
    found = [c for c in series.counts if lookback <= c.day <= anchor]
    return found[-1] if found else None


def _occasions(
    timeline: PatientTimeline, series: CountSeries, first: date, last: date
) -> list[Occasion]:
    occ = [Occasion(c.day, c) for c in series.counts if first <= c.day <= last]
    occ += [
        Occasion(timeline.local_day(e.time), None, e.id)
        for e in timeline.events_between(BLEEDING_EVENTS, first, last)
    ]
    return sorted(occ, key=lambda o: (o.day, o.count is not None))


def confirmed_span(
    occasions: Sequence[Occasion], holds: Predicate, gap_days: int
) -> tuple[Occasion, Occasion] | None:
    """First and confirming occasion of the first unbroken qualifying run spanning >= gap_days."""
    run_start: Occasion | None = None
    for occ in occasions:
        if holds(occ) is not True:
            run_start = None
            continue
        run_start = run_start or occ
        if (occ.day - run_start.day).days >= gap_days:
            return run_start, occ
    return None


def confirmed_run(
    occasions: Sequence[Occasion], holds: Predicate, gap_days: int
) -> Occasion | None:
    """First occasion of the first unbroken run of qualifying occasions spanning >= gap_days."""
    span = confirmed_span(occasions, holds, gap_days)
    return None if span is None else span[0]


def _cr(occ: Occasion) -> bool | None:
    """A censored count decides by interval logic ('>150' is CR; '<150' cannot tell)."""
    return False if occ.count is None else occ.count.at_least(CR_PLATELETS)


def _r(baseline: PlateletCount | None) -> Predicate:
    def holds(occ: Occasion) -> bool | None:
        if occ.count is None:
            return False
        count = occ.count
        above = count.at_least(R_PLATELETS)
        if above is not True:
            return above
        if baseline is None:
            return True if count.at_least(CR_PLATELETS) else None
        if baseline.value == 0 and baseline.comparator is None:
            return True
        return count.at_least_times(R_FOLD_OVER_BASELINE, baseline)

    return holds


def _in_response(baseline: PlateletCount | None) -> Predicate:
    """CR or R: a count >= 100 is a response whatever the baseline; the 2-fold rule is R's."""
    r_holds = _r(baseline)

    def holds(occ: Occasion) -> bool | None:
        cr = _cr(occ)
        return True if cr else _either(cr, r_holds(occ))

    return holds


def _either(cr: bool | None, r: bool | None) -> bool | None:
    """CR or R when CR is not True: R's answer, unknown when CR could not be told."""
    return r if r is True or cr is False else None


def _negation(predicate: Predicate) -> Predicate:
    def holds(occ: Occasion) -> bool | None:
        result = predicate(occ)
        return None if result is None else not result

    return holds


@dataclass(frozen=True, slots=True)
class _Judged:
    """What the occasions of one course show, before death and steroid dependence."""

    response: Response
    response_date: date | None = None
    complete_response_date: date | None = None
    lost: date | None = None
    lost_cr: date | None = None
    failure_date: date | None = None
    decided_by: str = "iwg-2009 platelet response"


def _judge(occasions: Sequence[Occasion], course: Course, window_end: date,
           baseline: PlateletCount | None, evidence: list[Evidence]) -> _Judged:
    in_response = _in_response(baseline)
    until = course.assessment_until
    first = confirmed_run(occasions, in_response, CONFIRM_RESPONSE_DAYS)
    if first is not None and first.day > until:
        evidence.append(_occasion_evidence(
            first, f"late rise after the {course.window_days}-day assessment window (to "
            f"{until}): not this treatment's response (IWG 2009)"))
        first = None
    if first is not None:
        return _responded(occasions, first, in_response, evidence)
    nr = confirmed_span(occasions, _negation(in_response), CONFIRM_FAILURE_DAYS)
    if nr is None:
        return _Judged("not-evaluable")
    evidence.append(_occasion_evidence(nr[0], "first occasion of confirmed NR"))
    if window_end < until:
        note = (f"counts below response so far, but no NR before the {course.window_days}-day "
                f"assessment window closes on {until}; judged to {window_end} (as-of, death "
                "or the next treatment)")
        evidence.append(Evidence(RULE, note, until))
        return _Judged("not-evaluable", decided_by=WINDOW_OPEN)
    return _Judged("NR", failure_date=max(nr[1].day, until))


def _responded(occasions: Sequence[Occasion], first: Occasion, in_response: Predicate,
               evidence: list[Evidence]) -> _Judged:
    """CR or R from `first` (time to response runs to the first R or CR, IWG 2009).

    The occasions are cut where the loss begins, not on its day: a day can hold several counts,
    and a count of 100 on the morning of the day the response is lost still confirms CR.
    (`first` and `cr` open runs of their own kind, so neither can open a loss.)"""
    later = _from(occasions, first)
    lost = confirmed_run(later, _negation(in_response), CONFIRM_FAILURE_DAYS)
    cr = confirmed_run(list(takewhile(lambda o: o is not lost, later)), _cr,
                       CONFIRM_RESPONSE_DAYS)
    response: Response = "CR" if cr is not None else "R"
    evidence.append(_occasion_evidence(first, f"first count of confirmed {response}"))
    lost_cr = None
    if cr is not None:
        lost_cr = _first_day(confirmed_run(_from(occasions, cr), _negation(_cr),
                                           CONFIRM_FAILURE_DAYS))
    return _Judged(response, first.day, _first_day(cr), _first_day(lost), lost_cr)


def _from(occasions: Sequence[Occasion], start: Occasion) -> list[Occasion]:
    """The occasions from `start` (itself included) on, by position."""
    return list(dropwhile(lambda o: o is not start, occasions))


def evaluate_course(
    timeline: PatientTimeline,
    series: CountSeries,
    course: Course,
    window_end: date,
    baseline: PlateletCount | None,
    dependence: SteroidDependence,
) -> TreatmentResponse:
    """IWG response of one course, judged on occasions after its start day up to `window_end`."""
    occasions = _occasions(timeline, series, course.start + timedelta(days=1), window_end)
    warnings = _baseline_warnings(baseline)
    evidence = [] if baseline is None else [baseline.evidence(RULE, "baseline count")]
    judged = _judge(occasions, course, window_end, baseline, evidence)
    response, decided_by = judged.response, judged.decided_by
    failure: FailureReason | None = None
    failure_date = judged.failure_date
    if response in ("CR", "R") and judged.lost is not None:
        failure, failure_date = "lost-response", judged.lost
    elif response == "NR":
        failure = "no-response"
    death = timeline.patient.death_date
    if response not in ("CR", "R", "NR") and death is not None and death <= window_end:
        response, failure, failure_date = "NR", "died", death
        decided_by = "died before a response was confirmed"
        evidence.append(Evidence(RULE, "died before a response was confirmed: NR [Design]",
                                 death))
    if dependence.dependent and course.drug_class == "corticosteroid" and (
        course.start in dependence.course_starts
    ):
        response, failure, failure_date = "NR", "steroid-dependent", dependence.established
        decided_by = f"iwg-2009 corticosteroid dependence (rule {dependence.rule})"
        evidence.append(Evidence(RULE, "corticosteroid dependence: counted as NR (IWG 2009)",
                                 dependence.established))
    elif course.is_pulse_regimen and dependence.rule == "pulses-judged-by-response":
        decided_by += (": planned monthly dexamethasone pulses (seed 002) judged by their "
                       "platelet response, not as corticosteroid dependence")
    return TreatmentResponse(course, baseline, window_end, response, judged.response_date,
                             judged.complete_response_date, judged.lost, judged.lost_cr,
                             failure, failure_date, decided_by, tuple(evidence), warnings)


def _baseline_warnings(baseline: PlateletCount | None) -> tuple[str, ...]:
    if baseline is None:
        return (NO_BASELINE_WARNING,)
    exact_zero = baseline.value == 0 and baseline.comparator is None
    return (BASELINE_ZERO_WARNING,) if exact_zero else ()


def _first_day(occ: Occasion | None) -> date | None:
    return None if occ is None else occ.day


def _occasion_evidence(occ: Occasion, note: str) -> Evidence:
    if occ.count is not None:
        return occ.count.evidence(RULE, note)
    return Evidence(RULE, f"{note} (bleeding)", occ.day, occ.bleeding_id)
