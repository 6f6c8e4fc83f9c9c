"""The TA-TMA watch list: levels from the signals' daily outcomes, with what to do next.

Semantics (interface.md `watch --json`, made precise):

- Only records known by the end of as-of are used. Transplant recipients only (allogeneic, as
  in screening); others are not listed.
- Each signal (signals.py) is decided on each calendar day from the transplant to as-of over the
  signal window ending that day (model.py glossary). A signal is current when met on as-of; its
  `since` is the first day of the unbroken run of days it has been met up to as-of.
- Level on a day: `alert` with at least `alert_signals` signals met, `watch` with one, else
  `none` ([Design], options.py). The level's `since` is the first day of the unbroken run of days
  at that level or higher up to as-of.
- A patient the default criteria set diagnoses by as-of (`screen` status `ta-tma`) has
  `diagnosed: true` and no level: the diagnosis, not the watch, applies.
- `criteria_met`: the default set's criteria met in its window ending on as-of.
- `next_tests` (watch or alert): the tests for the default set's criteria not yet met that
  would settle the diagnosis, and haptoglobin (supporting haemolysis, A4), in a fixed order.
  `review_by` = the level's `since` + its review interval (options.py, [Design]).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import DEFAULT, criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import CriterionResult, Outcome, ScreeningResult
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.rules.watch import signals as watch_signals
from thrombo.rules.watch.medications import with_watch_events
from thrombo.rules.watch.options import WatchOptions
from thrombo.rules.watch.watch_results import Level, SignalResult, WatchList, WatchResult

DaySignals = tuple[date, dict[str, CriterionResult]]

# Issue 24 "what to do next": the test that settles each default-set criterion not yet met.
NEXT_TESTS = (
    ("schistocytes", "blood smear for schistocytes"),
    ("sc5b9", "sC5b-9"),
    ("proteinuria", "random UPCR"),
    (None, "haptoglobin"),
    ("hypertension", "BP with height percentile"),
)


def level_of(met: int, options: WatchOptions) -> Level:
    if met >= options.alert_signals:
        return "alert"
    return "watch" if met >= 1 else "none"


def met_names(results: dict[str, CriterionResult]) -> frozenset[str]:
    return frozenset(n for n, r in results.items() if r.outcome is Outcome.MET)


def prepared(timeline: PatientTimeline, as_of: date) -> PatientTimeline:
    """What the signals read: the record known by as-of, with derived medication events."""
    return with_watch_events(timeline.as_of(as_of))


def decide_day(evaluator: PatientEvaluator, watch: CriteriaSet, day: date) -> DaySignals:
    return day, {n.name: evaluator.named(n, day) for n in watch.criteria}


def daily_signals(
    evaluator: PatientEvaluator, watch: CriteriaSet, first: date, last: date
) -> list[DaySignals]:
    """Every calendar day first..last, in order."""
    return [decide_day(evaluator, watch, first + timedelta(days=i))
            for i in range((last - first).days + 1)]


def trailing(evaluator: PatientEvaluator, watch: CriteriaSet, as_of: date) -> list[DaySignals]:
    """The days back from as-of while any signal is met (newest first), and the first day
    without one: every `since` lies within them. Never before the transplant."""
    day0 = evaluator.timeline.patient.hsct_date or as_of
    found: list[DaySignals] = []
    day = as_of
    while day >= day0:
        found.append(decide_day(evaluator, watch, day))
        if not met_names(found[-1][1]):
            break
        day -= timedelta(days=1)
    return found


def run_start(
    newest_first: list[DaySignals], holds: Callable[[frozenset[str]], bool]
) -> date | None:
    """The first day of the unbroken run, ending on the newest day, on which `holds`."""
    start = None
    for day, results in newest_first:
        if not holds(met_names(results)):
            break
        start = day
    return start


def _next_tests(default_met: set[str]) -> tuple[str, ...]:
    return tuple(test for name, test in NEXT_TESTS if name is None or name not in default_met)


def _default_met(timeline: PatientTimeline, default: CriteriaSet, as_of: date) -> list[str]:
    evaluator = PatientEvaluator.of(timeline, default)
    return [n.name for n in default.criteria
            if evaluator.named(n, as_of).outcome is Outcome.MET]


def _holding(name: str) -> Callable[[frozenset[str]], bool]:
    return lambda met: name in met


def _signal_results(newest_first: list[DaySignals]) -> tuple[SignalResult, ...]:
    _, today = newest_first[0]
    found = []
    for name, result in today.items():
        since = run_start(newest_first, _holding(name))
        if since is not None:
            found.append(SignalResult(name, since, result.evidence))
    return tuple(found)


def watch_patient(
    timeline: PatientTimeline,
    as_of: date,
    options: WatchOptions | None = None,
    screening: ScreeningOptions | None = None,
    screened: ScreeningResult | None = None,
) -> WatchResult | None:
    """One patient's place on the watch list; None for a patient without an allogeneic
    transplant (not a watch-list patient). `screened`: the default set's screening of this
    timeline as of the same day under the same options, where the caller already has it (the
    service keeps one per patient, day and store version), so it is not computed twice."""
    if not timeline.patient.had_allogeneic_hsct:
        return None
    opts, screen = options or WatchOptions(), screening or ScreeningOptions()
    default = criteria_set(DEFAULT, screen)
    status = (screened or screen_patient(timeline, default, as_of)).status
    watch = watch_signals.definition(opts, screen)
    known = prepared(timeline, as_of)
    default_met = _default_met(known, default, as_of)
    if status == "ta-tma":
        return WatchResult(timeline.patient_id, None, None, True, (), tuple(default_met), (),
                           None, screening_status=status)
    newest_first = trailing(PatientEvaluator.of(known, watch), watch, as_of)
    return _result(timeline.patient_id, newest_first, default_met, status, opts)


def _result(
    patient_id: str, newest_first: list[DaySignals], default_met: list[str], status: str,
    opts: WatchOptions,
) -> WatchResult:
    today = newest_first[0][1] if newest_first else {}
    level = level_of(len(met_names(today)), opts)
    floor = 1 if level == "watch" else opts.alert_signals
    since = None if level == "none" else run_start(newest_first, lambda m: len(m) >= floor)
    review = opts.review_days_alert if level == "alert" else opts.review_days_watch
    undecided = tuple((n, r.reason or "not decided") for n, r in today.items()
                      if r.outcome is Outcome.INDETERMINATE)
    return WatchResult(
        patient_id=patient_id,
        level=level,
        since=since,
        diagnosed=False,
        signals=_signal_results(newest_first) if newest_first else (),
        criteria_met=tuple(default_met),
        next_tests=() if level == "none" else _next_tests(set(default_met)),
        review_by=None if since is None else since + timedelta(days=review),
        signals_indeterminate=undecided,
        screening_status=status,
        warnings=tuple(sorted({w for r in today.values() for w in r.warnings})),
    )


def watch_list(
    timelines: Iterable[PatientTimeline],
    as_of: date,
    options: WatchOptions | None = None,
    screening: ScreeningOptions | None = None,
    screened: Mapping[str, ScreeningResult] | None = None,
) -> WatchList:
    """Every transplant recipient's watch result; alerts first, then watches, then the rest.
    `screened`: the default set's screenings the caller already has, by patient id."""
    watch = watch_signals.definition(options, screening)
    known = screened or {}
    found = [r for t in timelines
             if (r := watch_patient(t, as_of, options, screening, known.get(t.patient_id)))]
    order = {"alert": 0, "watch": 1, "none": 2, None: 3}
    found.sort(key=lambda r: (order[r.level], r.since or as_of, r.patient_id))
    dynamic = sorted({w for r in found for w in r.warnings} - set(watch.warnings))
    return WatchList(watch.rules_json(), as_of, tuple(found), (*watch.warnings, *dynamic))
