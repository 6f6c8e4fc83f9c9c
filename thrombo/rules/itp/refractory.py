"""Refractory ITP under each named definition, side by side.

- `iwg-2009`: failure to respond to, or relapse after, splenectomy AND severe ITP or a bleeding
  risk requiring therapy (Rodeghiero 2009; clinical-reference.md C1 [S-2nd]). The IWG noted that
  splenectomy failure may not apply to children.
- `practical-002`: the working definition of 002_135c7129447af5c0.txt, coded as a project
  definition (clinical-reference.md C3 [Design]): platelets persistently < 30 x10^9/L despite
  first-line therapy (corticosteroids, IVIG/anti-D), or after splenectomy.
- The ICIS 2023 / ICON 2024 style record (clinical-reference.md C3 [S]): which drug classes
  failed, and when, is reported beside both answers rather than folded into a yes/no.

Which treatments failed is decided by the IWG response engine (thrombo.response.itp) and passed
in as `TherapyOutcome`s, because rules sit below response in the layer order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from thrombo.domain.evidence import Evidence
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.counts import CountSeries, PlateletCount
from thrombo.rules.itp.drugs import SPLENECTOMY, DrugClass, is_first_line

Definition = Literal["iwg-2009", "practical-002"]
DEFINITIONS: tuple[Definition, ...] = ("iwg-2009", "practical-002")
# interface.md `itp --json` example: the project definition is the default, because splenectomy
# is now rarely done in children (clinical-reference.md C3).
DEFAULT_DEFINITION: Definition = "practical-002"

# 002_135c7129447af5c0.txt: "platelet levels consistently below 30x10^9/L" (C3 [Design]).
PRACTICAL_PLATELET_THRESHOLD = 30.0
# [Design] "persistently": every evaluable count in a run spanning at least 28 days ...
PERSISTENCE_DAYS = 28
# ... with counts spread over it: at least 3 evaluable counts, none more than 28 days after the
# one before (monthly counts are the labels' monitoring interval once stable, D1/D2; a longer gap
# leaves part of the period unobserved). Too few counts so far, with the latest below 30, is
# unknown (None), not "not refractory".
PERSISTENCE_MIN_COUNTS = 3
PERSISTENCE_MAX_GAP_DAYS = 28
# [Design] counts taken within 7 days of the first first-line dose (or of splenectomy) are too
# early to show that therapy failed.
THERAPY_LAG_DAYS = 7

Response = Literal["CR", "R", "NR", "not-evaluable"]
FailureReason = Literal["no-response", "lost-response", "steroid-dependent", "died"]

IWG_WARNING = (
    "iwg-2009 refractory definition rests on a secondary source ([S-2nd], clinical-reference.md "
    "C1); check the primary before release"
)
PRACTICAL_WARNING = (
    "practical-002 is a project definition from 002_135c7129447af5c0.txt, not a published "
    f"standard; 'persistently' is read as >= {PERSISTENCE_DAYS} days with >= "
    f"{PERSISTENCE_MIN_COUNTS} counts no more than {PERSISTENCE_MAX_GAP_DAYS} days apart [Design]"
)


@dataclass(frozen=True, slots=True)
class TherapyOutcome:
    """One treatment course (or splenectomy) and its IWG outcome, from the response engine."""

    drug: str
    drug_class: DrugClass | Literal["splenectomy"] | None
    start: date
    response: Response
    failure: FailureReason | None = None
    failure_date: date | None = None
    decided_by: str | None = None
    """Which rule gave the answer (platelet response, death, corticosteroid dependence)."""

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "class": self.drug_class,
            "start": self.start.isoformat(),
            "response": self.response,
            "failure": self.failure,
            "failure_date": None if self.failure_date is None else self.failure_date.isoformat(),
            "decided_by": self.decided_by,
        }


@dataclass(frozen=True, slots=True)
class DefinitionAnswer:
    definition: Definition
    refractory: bool | None
    since: date | None
    evidence: tuple[Evidence, ...]
    warning: str


def _persistent_low_run(
    counts: Sequence[PlateletCount], from_day: date
) -> tuple[PlateletCount, PlateletCount] | None:
    """First and closing count of the first well-observed run of counts < 30 lasting >= 28 days."""
    run: list[PlateletCount] = []
    for count in counts:
        if count.day < from_day:
            continue
        # A censored count ('<10') is below 30 by interval logic; one that cannot tell
        # ('<50') breaks the run as a count >= 30 does: persistence is not shown through it.
        if count.at_least(PRACTICAL_PLATELET_THRESHOLD) is not False:
            run = []
            continue
        if run and (count.day - run[-1].day).days > PERSISTENCE_MAX_GAP_DAYS:
            run = []
        run.append(count)
        if (count.day - run[0].day).days >= PERSISTENCE_DAYS and (
            len(run) >= PERSISTENCE_MIN_COUNTS
        ):
            return run[0], count
    return None


def _practical_from(
    series: CountSeries, origin: date, label: str
) -> tuple[bool | None, date | None, tuple[Evidence, ...]]:
    from_day = origin + timedelta(days=THERAPY_LAG_DAYS)
    run = _persistent_low_run(series.counts, from_day)
    if run is not None:
        first, last = run
        note = (f"platelets < {PRACTICAL_PLATELET_THRESHOLD:g} x10^9/L from {first.day} to "
                f"{last.day} after {label}")
        return True, last.day, (
            first.evidence("practical-002", note),
            last.evidence("practical-002", note),
        )
    after = [c for c in series.counts if c.day >= from_day]
    if not after:
        return None, None, ()
    latest = after[-1]
    above = latest.at_least(PRACTICAL_PLATELET_THRESHOLD)
    if above:
        note = f"latest count after {label} is >= {PRACTICAL_PLATELET_THRESHOLD:g}"
        return False, None, (latest.evidence("practical-002", note),)
    if above is None:
        note = (f"latest count after {label}, {latest.shown}, is censored and cannot tell "
                f"whether it is below {PRACTICAL_PLATELET_THRESHOLD:g}")
        return None, None, (latest.evidence("practical-002", note),)
    note = (f"latest count after {label} is < {PRACTICAL_PLATELET_THRESHOLD:g}, but too few "
            f"counts so far to show persistence (>= {PERSISTENCE_MIN_COUNTS} counts over >= "
            f"{PERSISTENCE_DAYS} days, none more than {PERSISTENCE_MAX_GAP_DAYS} days apart)")
    return None, None, (latest.evidence("practical-002", note),)


def practical_002(
    timeline: PatientTimeline, series: CountSeries, outcomes: Sequence[TherapyOutcome]
) -> DefinitionAnswer:
    """Platelets persistently < 30 x10^9/L despite first-line therapy, or after splenectomy."""
    origins: list[tuple[date, str]] = []
    first_line = sorted(o.start for o in outcomes if is_first_line(o.drug))
    if first_line:
        origins.append((first_line[0], "first-line therapy"))
    spleen = timeline.patient.splenectomy_date
    if spleen is not None:
        origins.append((spleen, "splenectomy"))
    if not origins:
        note = "no first-line therapy or splenectomy recorded"
        return DefinitionAnswer(
            "practical-002", False, None, (Evidence("practical-002", note),), PRACTICAL_WARNING
        )
    answers = [_practical_from(series, day, label) for day, label in origins]
    met = [a for a in answers if a[0] is True]
    if met:
        since = min(a[1] for a in met if a[1] is not None)
        evidence = tuple(e for a in met for e in a[2])
        return DefinitionAnswer("practical-002", True, since, evidence, PRACTICAL_WARNING)
    refractory = None if any(a[0] is None for a in answers) else False
    evidence = tuple(e for a in answers for e in a[2]) or (
        Evidence("practical-002", "no evaluable platelet counts after therapy"),
    )
    return DefinitionAnswer("practical-002", refractory, None, evidence, PRACTICAL_WARNING)


def iwg_2009(
    timeline: PatientTimeline,
    outcomes: Sequence[TherapyOutcome],
    severe: bool | None,
    severe_since: date | None = None,
) -> DefinitionAnswer:
    """Splenectomy failed (no response or relapse) and severe ITP or therapy needed after it;
    refractory since the day all of these hold."""
    spleen = timeline.patient.splenectomy_date
    if spleen is None:
        note = "no splenectomy recorded: not refractory by the splenectomy-based definition"
        return _iwg(False, None, note, None)
    outcome = next((o for o in outcomes if o.drug == SPLENECTOMY), None)
    if outcome is None or (outcome.response == "not-evaluable" and not outcome.failed):
        return _iwg(None, None, "response to splenectomy not evaluable", spleen)
    if not outcome.failed:
        return _iwg(False, None, f"splenectomy response {outcome.response}, not lost", spleen)
    failed_on = outcome.failure_date or spleen
    treated_after = [o for o in outcomes if o.drug != SPLENECTOMY and o.start > spleen]
    routes: list[tuple[date, str]] = []
    if severe and severe_since is not None:
        routes.append((severe_since, f"severe ITP since {severe_since}"))
    if treated_after:
        first = treated_after[0]
        routes.append((first.start, f"therapy needed after splenectomy ({first.drug} from "
                                    f"{first.start})"))
    if not routes:
        refractory = None if severe is None else False
        why = "severity unknown" if severe is None else "no severe bleeding or therapy since"
        return _iwg(refractory, None, f"splenectomy failed but {why}", failed_on)
    other_day, why = min(routes)
    since = max(failed_on, other_day)
    note = (f"splenectomy failed ({outcome.failure} on {failed_on}) and {why}: all conditions "
            f"hold from {since}")
    return _iwg(True, since, note, since)


def _iwg(refractory: bool | None, since: date | None, note: str, day: date | None
         ) -> DefinitionAnswer:
    return DefinitionAnswer("iwg-2009", refractory, since, (Evidence("iwg-2009", note, day),),
                            IWG_WARNING)


def practical_options() -> dict[str, object]:
    """The practical-002 numbers, for `rules.options`."""
    return {
        "practical_002_threshold": PRACTICAL_PLATELET_THRESHOLD,
        "practical_002_persistence_days": PERSISTENCE_DAYS,
        "practical_002_min_counts": PERSISTENCE_MIN_COUNTS,
        "practical_002_max_gap_days": PERSISTENCE_MAX_GAP_DAYS,
        "practical_002_therapy_lag_days": THERAPY_LAG_DAYS,
    }


def failed_therapies(outcomes: Sequence[TherapyOutcome]) -> tuple[TherapyOutcome, ...]:
    """Failed treatments with class and dates (ICIS 2023: report type and timing of failures)."""
    return tuple(o for o in outcomes if o.failed)


def failed_classes(outcomes: Sequence[TherapyOutcome]) -> dict[str, str]:
    """Each failed drug class with the date it first failed (ICON 2024 / ICIS 2023 style)."""
    first: dict[str, str] = {}
    for o in sorted(failed_therapies(outcomes), key=lambda o: o.failure_date or o.start):
        if o.drug_class is not None:
            day = o.failure_date or o.start
            first.setdefault(o.drug_class, day.isoformat())
    return first
