"""Platelet counts fit for judging ITP: those not raised by a transfusion or a rescue agent.

A censored count ('<10', '>150'; interface.md 1.1) is kept as a bound and judged by interval
logic (issue 17 finding 22): '<10' is below 30 and below 100, so it decides "no response";
'>150' is at least 100, so it decides CR; '<50' against 30 cannot tell (None).

clinical-reference.md C2 "Edge cases" [Design]: counts within 7 days of a platelet transfusion
are excluded; rescue therapy is censored per protocol (the reference offers 4 weeks; the issue
that commissioned this module asks for 7 days, which is the default here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from thrombo.domain.evidence import Evidence
from thrombo.domain.quantities import Comparator, Quantity, satisfies
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.severity import PLATELET_TRANSFUSION

# clinical-reference.md C2 edge cases [Design]: exclude counts within 7 days after a platelet
# transfusion (the day of the transfusion, after it, and the 7 calendar days that follow).
TRANSFUSION_EXCLUSION_DAYS = 7
# [Design] counts within 7 days after a rescue agent (medication intent "rescue") are excluded
# (issue text); clinical-reference.md C2 mentions 4 weeks as a protocol alternative.
RESCUE_EXCLUSION_DAYS = 7
RESCUE_INTENT = "rescue"
PLATELET_UNIT = "10*9/L"

RULE = "count exclusion"


@dataclass(frozen=True, slots=True)
class PlateletCount:
    record_id: str
    time: datetime
    day: date
    value: float
    """The count, or a censored count's bound (never compare it directly: `at_least`)."""
    comparator: Comparator | None = None
    """Set for a censored count: '<' for '<10' (`value` 10 is then its bound)."""

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, PLATELET_UNIT, self.comparator)

    @property
    def shown(self) -> float | str:
        """The count as reported: 45.0, or '<10' for a censored one."""
        return self.value if self.comparator is None else f"{self.comparator}{self.value:g}"

    def at_least(self, limit: float) -> bool | None:
        """count >= limit: True when every value the count allows passes, False when none
        does, None when a censored count cannot tell ('<50' against 30)."""
        return satisfies(self.value, self.comparator, ">=", limit)

    def at_least_times(self, factor: float, baseline: PlateletCount) -> bool | None:
        """count >= factor x baseline (IWG's 2-fold rule) by interval logic over both counts:
        a count of 40 is at least twice a baseline '<10'; '<20' is never twice 10."""
        low, _, high, high_in = _bounds(self)
        b_low, b_low_in, b_high, _ = _bounds(baseline)
        if low >= factor * b_high:
            return True
        limit = factor * b_low
        if high < limit or (high == limit and not (high_in and b_low_in)):
            return False
        return None

    def evidence(self, rule: str, note: str) -> Evidence:
        return Evidence(rule, note, self.day, self.record_id, self.quantity)


@dataclass(frozen=True, slots=True)
class CountExclusions:
    transfusion_days: int = TRANSFUSION_EXCLUSION_DAYS
    rescue_days: int = RESCUE_EXCLUSION_DAYS

    def options(self) -> dict[str, int]:
        return {
            "exclude_days_after_platelet_transfusion": self.transfusion_days,
            "exclude_days_after_rescue_therapy": self.rescue_days,
        }


@dataclass(frozen=True, slots=True)
class CountSeries:
    counts: tuple[PlateletCount, ...]
    excluded: tuple[Evidence, ...]


def _bounds(count: PlateletCount) -> tuple[float, bool, float, bool]:
    """(low, low included, high, high included) of the values a count allows; a count is
    never below 0, and a '>' count has no upper end."""
    bound, comparator = count.value, count.comparator
    if comparator is None:
        return bound, True, bound, True
    if comparator in ("<", "<="):
        return 0.0, True, bound, comparator == "<="
    return bound, comparator == ">=", math.inf, False


def _within(timeline: PatientTimeline, cause: datetime, count: datetime, days: int) -> bool:
    after = (timeline.local_day(count) - timeline.local_day(cause)).days
    return cause <= count and after <= days


def _exclusion_reason(
    timeline: PatientTimeline, when: datetime, rules: CountExclusions
) -> str | None:
    for event in timeline.events_named(PLATELET_TRANSFUSION):
        if _within(timeline, event.time, when, rules.transfusion_days):
            return f"within {rules.transfusion_days} days of platelet transfusion {event.id}"
    for med in timeline.medications:
        if med.intent == RESCUE_INTENT and _within(timeline, med.start, when, rules.rescue_days):
            return f"within {rules.rescue_days} days of rescue {med.drug} {med.id}"
    return None


def evaluable_counts(
    timeline: PatientTimeline, rules: CountExclusions | None = None
) -> CountSeries:
    """Platelet counts in time order, less those a transfusion or rescue agent may have raised."""
    rules = rules or CountExclusions()
    kept: list[PlateletCount] = []
    excluded: list[Evidence] = []
    for obs in timeline.of("platelets"):
        if obs.quantity is None:
            continue
        count = PlateletCount(obs.id, obs.time, timeline.local_day(obs.time),
                              obs.quantity.value, obs.quantity.comparator)
        reason = _exclusion_reason(timeline, obs.time, rules)
        if reason is None:
            kept.append(count)
        else:
            excluded.append(count.evidence(RULE, f"count excluded: {reason}"))
    return CountSeries(tuple(kept), tuple(excluded))


def baseline_json(count: PlateletCount | None) -> dict[str, float | str | None]:
    """A baseline count in JSON: a number, as interface.md's `baseline_platelets` shows, and
    `baseline_platelets_comparator`: '<' for a count reported '<10' (the number is then its
    bound, never the count itself; interface.md 1.1's comparator), null for an exact count."""
    return {"baseline_platelets": None if count is None else count.value,
            "baseline_platelets_comparator": None if count is None else count.comparator}
