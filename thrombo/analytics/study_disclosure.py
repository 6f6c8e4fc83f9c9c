"""Statistical disclosure control of the study document: one policy for every suppressed output.

With `suppress_below = N` (researchers in the service; `thrombo study --suppress-below N`):

- no count from 1 to N - 1, and no count whose complement within a known total is that small
  (k of n hides k when n - k is small too, since n - k would give k back);
- complementary suppression: in a group of counts with a known total (the flow's steps and
  exclusions, sex, patients per centre) a single hidden cell is derived by subtraction, so a
  second one is hidden with it;
- no value of one patient: no minimum or maximum, no survival or incidence curve (its steps are
  event days), no median survival time (the day of one death), no at-risk table (differences
  between its rows are small counts), no per-group event counts of a test when one is small;
- a summary (median, quartiles) over fewer than N patients is left out;
- in a two-way table with known margins (resolved of treated by exposure group, with the
  patients whose exposure is unknown as a third column) a column goes whole, and never alone;
- no identifier in a message: patient ids in any text are replaced (`without_identifiers`).

Zero is not hidden: the rule protects small non-zero cells. Every hidden value is null in JSON and
its object says `"suppressed": true`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from thrombo.analytics.cohort import FlowStep
from thrombo.analytics.endpoints import Summary
from thrombo.analytics.statistical_results import Json, ProportionEstimate

_SMALL_PATIENT_COUNT = re.compile(r"\b(\d+)(?=\s+(?:\w+\s+)?patient)")
PATIENT_PLACEHOLDER = "[a patient]"
SUMMARY_DIGITS = 1
"""[Design] Medians and quartiles are rounded to one decimal: they stay informative while no
longer pinning an exact birth date or day count of one child."""


@dataclass(frozen=True)
class Suppression:
    """Hide patient counts from 1 to `below - 1`; None means show everything."""

    below: int | None = None

    @property
    def on(self) -> bool:
        return self.below is not None

    def hides(self, count: int) -> bool:
        return self.below is not None and 0 < count < self.below

    def count(self, n: int) -> int | None:
        return None if self.hides(n) else n

    def part(self, k: int, n: int) -> int | None:
        """k patients of a known n: hidden when k or n - k is small."""
        return None if self.hides(k) or self.hides(n - k) or self.hides(n) else k

    def group(self, cells: Sequence[int], total_hidden: bool = False) -> list[int | None]:
        """Counts that add up to a total: the small ones hidden, and one more when a single
        hidden cell (or the hidden total) could be derived from the rest."""
        hidden = {i for i, c in enumerate(cells) if self.hides(c)}
        if len(hidden) + int(total_hidden) == 1 and len(cells) > 1:
            others = sorted((c, i) for i, c in enumerate(cells) if i not in hidden)
            nonzero = [i for c, i in others if c > 0]
            hidden.add(nonzero[0] if nonzero else others[0][1])
        return [None if i in hidden else c for i, c in enumerate(cells)]

    def proportion(self, estimate: ProportionEstimate | None) -> dict[str, Json] | None:
        if estimate is None:
            return None
        document = estimate.to_json()
        if self.hides(estimate.k) or self.hides(estimate.n - estimate.k):
            document.update(k=None, rate=None, ci_low=None, ci_high=None, suppressed=True)
        if self.hides(estimate.n):
            document.update(n=None, suppressed=True)
        return document

    def summary(self, summary: Summary | None) -> Json:
        """Median and quartiles over at least `below` patients, rounded; never min or max."""
        if summary is None:
            return None
        if self.below is None:
            return summary.to_json()
        if summary.n < self.below:
            return {"n": None, "suppressed": True}
        return {"n": summary.n, "median": round(summary.median, SUMMARY_DIGITS),
                "q1": round(summary.q1, SUMMARY_DIGITS), "q3": round(summary.q3, SUMMARY_DIGITS)}

    def warning(self, text: str) -> str:
        """A message's small patient counts ("2 treated patient(s)") written as "<N"."""
        if self.below is None:
            return text
        below = self.below

        def shown(match: re.Match[str]) -> str:
            return f"<{below}" if 0 < int(match.group(1)) < below else match.group(1)

        return _SMALL_PATIENT_COUNT.sub(shown, text)


FlowCounts = tuple[list[int | None], list[list[int | None]]]
"""Each step's patients and, per step, those excluded by reason; None where hidden."""


def flow_json(flow: Sequence[FlowStep], hide: Suppression) -> list[Json]:
    steps, excluded = flow_counts(flow, hide)
    return [{"step": s.step, "n": steps[i],
             "excluded": [{"reason": e.reason, "n": excluded[i][j]}
                          for j, e in enumerate(s.excluded)]} for i, s in enumerate(flow)]


def flow_counts(flow: Sequence[FlowStep], hide: Suppression) -> FlowCounts:
    """The flow with complementary suppression: each step's patients equal the next step's plus
    those excluded at it, so one hidden number among them would be given back by subtraction."""
    steps: list[int | None] = [hide.count(s.n) for s in flow]
    excluded: list[list[int | None]] = [[hide.count(e.n) for e in s.excluded] for s in flow]
    changed = hide.on
    while changed:
        changed = False
        for i in range(1, len(flow)):
            cells = [flow[i].n, *(e.n for e in flow[i].excluded)]
            shown = [steps[i], *excluded[i]]
            if sum(v is None for v in shown) + int(steps[i - 1] is None) != 1:
                continue
            if all(v is None for v in shown):  # one part, hidden: the total equals it
                steps[i - 1] = None
            else:
                shown = _hide_one(cells, shown)
                steps[i], excluded[i] = shown[0], shown[1:]
            changed = True
    return steps, excluded


def _hide_one(cells: Sequence[int], shown: Sequence[int | None]) -> list[int | None]:
    """Hide the smallest visible non-zero cell (a zero only when nothing else is left)."""
    visible = sorted((c, i) for i, c in enumerate(cells) if shown[i] is not None)
    nonzero = [i for c, i in visible if c > 0]
    target = nonzero[0] if nonzero else visible[0][1]
    return [None if i == target else v for i, v in enumerate(shown)]


def hidden_proportion(estimate: ProportionEstimate) -> dict[str, Json]:
    """A proportion hidden whole: its k, n, rate and interval."""
    document = estimate.to_json()
    document.update(k=None, n=None, rate=None, ci_low=None, ci_high=None, suppressed=True)
    return document


def hidden_columns(columns: Sequence[tuple[int, int]], hide: Suppression) -> set[int]:
    """Columns of a two-way table (k of n in each, e.g. resolved of treated per exposure group)
    whose rows and columns add up to known totals: a column is unsafe when k, n - k or n is
    small, and a single unsafe column among shown ones would be given back by subtraction, so
    one more goes with it (the smallest non-zero). A hidden column hides its k and its n."""
    if not hide.on:
        return set()
    hidden = {i for i, (k, n) in enumerate(columns)
              if hide.hides(k) or hide.hides(n - k) or hide.hides(n)}
    if len(hidden) == 1 and len(columns) > 1:
        others = sorted((n, i) for i, (_, n) in enumerate(columns) if i not in hidden)
        nonzero = [i for n, i in others if n > 0]
        hidden.add(nonzero[0] if nonzero else others[0][1])
    return hidden


def without_identifiers(value: Any, patient_ids: frozenset[str]) -> Any:
    """Every text of a document with the patient ids replaced (warnings and reasons are written
    for clinicians and may name a patient)."""
    if isinstance(value, str):
        return scrub(value, patient_ids)
    if isinstance(value, dict):
        return {k: without_identifiers(v, patient_ids) for k, v in value.items()}
    if isinstance(value, list):
        return [without_identifiers(v, patient_ids) for v in value]
    return value


def scrub(text: str, patient_ids: frozenset[str]) -> str:
    """One text without the patient ids (longest first: P1 must not break P10 apart)."""
    if not text or not any(pid in text for pid in patient_ids):
        return text
    for pid in sorted(patient_ids, key=len, reverse=True):
        text = text.replace(pid, PATIENT_PLACEHOLDER)
    return text
