"""The watch-list page's content (issue 24): each transplant recipient's level, its start, the
signals with their evidence in clinical words, next tests and review date. A diagnosed patient
is shown as diagnosed, without a level (the diagnosis's plan applies, not a watch). Everything
is computed by `thrombo.rules.watch`; this module only words it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thrombo.api.watch_memo import evidence_words
from thrombo.report.words import human, term
from thrombo.rules.watch import SignalResult, WatchList, WatchResult

LEGEND = ("watch: one early TA-TMA signal current; alert: two or more ([Design] levels, "
          "not published rules). A diagnosed patient (default criteria set) has no level: the "
          "diagnosis applies. Review by: the level's start plus its review interval.")


@dataclass(frozen=True, slots=True)
class SignalLine:
    name: str
    since: date
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WatchRow:
    """One line of the watch list (attributes, as the patient list's rows)."""

    patient_id: str
    level: str
    """"alert", "watch", "none" or "diagnosed"."""
    since: date | None
    signals: tuple[SignalLine, ...]
    criteria_met: str
    next_tests: str
    review_by: date | None
    undecided: str


def signal_line(signal: SignalResult) -> SignalLine:
    return SignalLine(term(signal.signal), signal.since,
                      tuple(evidence_words(e) for e in signal.evidence))


def watch_row(result: WatchResult) -> WatchRow:
    return WatchRow(
        patient_id=result.patient_id,
        level="diagnosed" if result.diagnosed else (result.level or "none"),
        since=result.since,
        signals=tuple(signal_line(s) for s in result.signals),
        # A diagnosed patient's criteria are the patient page's (the watch looks at as-of only).
        criteria_met=human(list(result.criteria_met)) or ("" if result.diagnosed else "none"),
        next_tests=", ".join(result.next_tests),
        review_by=result.review_by,
        undecided=human([n for n, _ in result.signals_indeterminate]),
    )


def watch_rows(found: WatchList) -> list[WatchRow]:
    return [watch_row(p) for p in found.patients]
