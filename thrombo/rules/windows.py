"""One leaf criterion's answers over one series of records, filed for window questions.

The evaluator asks of every leaf, on every assessment day, what it says over the window ending
that day (and again over the fresh part of the window for a confirmation). Rather than walking
the window's observations each time, each observation is decided once and its position filed
under its answer (yes, no, unknown, skip) in sorted lists; a window is an index range found by
bisecting the local days, and whether it holds a yes, a no or an unknown is one bisection of
the matching list. So a course of N observations costs N decisions plus a few bisections per
day, where re-scanning cost the window's length per day and per criterion.

Observations are decided only once a window reaches them, as with a plain walk: a result no
window covers (years before the transplant) is never decided. Decided positions form one
contiguous block, grown at either end; a window disjoint from it starts a new block (decisions
already made are kept, only the filing is redone).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from typing import Generic, TypeVar

from thrombo.domain.evidence import CriterionEvidence
from thrombo.rules.decide import Answer, Decision

Decided = tuple[Decision, CriterionEvidence | None]
R = TypeVar("R")
Look = tuple[list[CriterionEvidence], list[str], bool, bool, int | None]
"""A window's answers: yes-evidence, warnings, any no, any skipped, first unknown position."""


class DecidedSeries(Generic[R]):
    """The observations of one analyte (or the events of one name), in time order, as one leaf
    of one named criterion sees them; `decide` gives a record's decision (from the record and
    its local day) and, for a yes, its evidence."""

    def __init__(
        self, records: Sequence[R], days: list[date], decide: Callable[[R, date], Decided],
    ) -> None:
        self.records = records
        self.days = days
        self._decide = decide
        self.decided: list[Decided | None] = [None] * len(records)
        self._start = self._stop = 0
        self.yes: list[int] = []
        self.yes_proofs: list[CriterionEvidence] = []
        """Parallel to `yes`: each yes-record's evidence."""
        self.no: list[int] = []
        self.unknown: list[int] = []
        self.skip: list[int] = []
        self.warned: list[int] = []
        self.warned_texts: list[tuple[str, ...]] = []

    def span(self, first: date, last: date) -> tuple[int, int]:
        """Positions lo..hi-1 of the records on local days first..last (lo == hi: none)."""
        days = self.days
        return bisect_left(days, first), bisect_right(days, last)

    def look(self, first: date, last: date) -> Look | None:
        """The answers of the records on local days first..last (None when there are none)."""
        lo, hi = self.span(first, last)
        return self.look_at(lo, hi) if lo < hi else None

    def look_at(self, lo: int, hi: int) -> Look:
        """The answers of the records at positions lo..hi-1 (lo < hi)."""
        if lo < self._start or hi > self._stop:
            self._cover(lo, hi)
        yes = self.yes
        proofs = self.yes_proofs[bisect_left(yes, lo):bisect_left(yes, hi)] if yes else []
        warned = self.warned
        warnings = [w for texts in self.warned_texts[
            bisect_left(warned, lo):bisect_left(warned, hi)] for w in texts] if warned else []
        unknown = self.unknown
        at = bisect_left(unknown, lo)
        return (proofs, warnings, holds(self.no, lo, hi), holds(self.skip, lo, hi),
                unknown[at] if at < len(unknown) and unknown[at] < hi else None)

    def last_compared(self, first: date, last: date) -> int | None:
        """The position of the latest record on days first..last that the leaf compared with
        its threshold and found not passing, undecidable or without a baseline to compare with
        (a no, an unknown or a skip), None if none."""
        lo, hi = bisect_left(self.days, first), bisect_right(self.days, last)
        if lo >= hi:
            return None
        self._cover(lo, hi)
        for i in range(hi - 1, lo - 1, -1):
            if self.decision(i).answer in (Answer.NO, Answer.UNKNOWN, Answer.SKIP):
                return i
        return None

    def decision(self, i: int) -> Decision:
        decided = self.decided[i]
        assert decided is not None, "position outside the decided block"
        return decided[0]

    def _cover(self, lo: int, hi: int) -> None:
        start, stop = self._start, self._stop
        if start == stop or hi < start or lo > stop:
            self._refile(lo, hi)
        elif lo < start:
            self._refile(lo, max(hi, stop))
        elif hi > stop:
            self._file(stop, hi)
            self._stop = hi

    def _refile(self, lo: int, hi: int) -> None:
        for found in (self.yes, self.yes_proofs, self.no, self.unknown, self.skip, self.warned,
                      self.warned_texts):
            found.clear()
        self._file(lo, hi)
        self._start, self._stop = lo, hi

    def _file(self, lo: int, hi: int) -> None:
        decided_at, records, days, decide = self.decided, self.records, self.days, self._decide
        yes, proofs, no, unknown, skip = (self.yes, self.yes_proofs, self.no, self.unknown,
                                          self.skip)
        for i in range(lo, hi):
            decided = decided_at[i]
            if decided is None:
                decided = decide(records[i], days[i])
                decided_at[i] = decided
            decision, proof = decided
            if decision.warnings:
                self.warned.append(i)
                self.warned_texts.append(decision.warnings)
            answer = decision.answer
            if answer is Answer.YES and proof is not None:
                yes.append(i)
                proofs.append(proof)
            elif answer is Answer.NO:
                no.append(i)
            elif answer is Answer.UNKNOWN:
                unknown.append(i)
            else:  # skip (no baseline) or not applicable: serves as a baseline only
                skip.append(i)


def holds(positions: list[int], lo: int, hi: int) -> bool:
    """Whether a sorted list of positions has one in lo..hi-1."""
    at = bisect_left(positions, lo)
    return at < len(positions) and positions[at] < hi
