"""One patient's observations arranged for decisions: baselines and heights by bisection.

A decision reads the patient's own earlier results (a baseline, the latest height). Read by
scanning, a baseline over every count since engraftment costs a walk over all of them for every
count decided, quadratic in the length of the course. Here each analyte's times, local days and
values are laid out once per patient, in time order, so that "the observations strictly before
this one, on days first..last" is two bisections, a maximum from a fixed first day is a running
maximum, and the latest height is one bisection. The answers are those of the plain definitions
in `thrombo.rules.decide` (model.py's glossary), value for value.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime

from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.model import Statistic

ChildLimit = tuple[float, float, str, tuple[str, ...]]
"""A child's BP limit for one component as a reading is compared with it: low, high, the
decision's text (the comparison and the bound) and the bound's warnings."""


class PatientIndex:
    """Lazily built, per analyte: times, local days, values (None for coded results)."""

    def __init__(self, timeline: PatientTimeline) -> None:
        self.timeline = timeline
        self._times: dict[str, list[datetime]] = {}
        self._values: dict[str, list[float | None]] = {}
        self._running_max: dict[tuple[str, int], list[float | None]] = {}
        self._heights: tuple[list[datetime], list[float]] | None = None
        self.bp_limits: dict[tuple[int, date, float | None], dict[str, ChildLimit]] = {}
        """Child BP limits by (rule, day, latest height): `decide_bp.compile_blood_pressure`."""

    def times(self, analyte: str) -> list[datetime]:
        found = self._times.get(analyte)
        if found is None:
            found = [o.time for o in self.timeline.of(analyte)]
            self._times[analyte] = found
        return found

    def values(self, analyte: str) -> list[float | None]:
        found = self._values.get(analyte)
        if found is None:
            found = [o.value for o in self.timeline.of(analyte)]
            self._values[analyte] = found
        return found

    def earlier(
        self, analyte: str, moment: datetime, first: date, last: date
    ) -> tuple[int, int]:
        """Index range of the observations strictly before `moment` on local days first..last
        (`PatientTimeline.before_between`)."""
        end = bisect_left(self.times(analyte), moment)
        days = self.timeline.days_of(analyte)
        lo = bisect_left(days, first, 0, end)
        return lo, bisect_right(days, last, lo, end)

    def statistic(
        self, analyte: str, lo: int, hi: int, statistic: Statistic, fixed_start: bool
    ) -> float | None:
        """The statistic over the non-missing values in lo..hi-1, None when there are none.
        `fixed_start`: lo is the same for every observation of the analyte (no look-back), so
        the maximum is read from a running maximum."""
        if lo >= hi:
            return None
        values = self.values(analyte)
        if statistic == "max" and fixed_start:
            return self._max_from(analyte, lo)[hi - lo - 1]
        if statistic == "first":
            return next((v for v in values[lo:hi] if v is not None), None)
        if statistic == "last":
            return next((values[i] for i in range(hi - 1, lo - 1, -1) if values[i] is not None),
                        None)
        present = [v for v in values[lo:hi] if v is not None]
        if not present:
            return None
        if statistic == "max":
            return max(present)
        # statistics.median's own arithmetic: the middle value, or the mean of the middle two.
        present.sort()
        mid = len(present) // 2
        return float(present[mid] if len(present) % 2 else (present[mid - 1] + present[mid]) / 2)

    def _max_from(self, analyte: str, lo: int) -> list[float | None]:
        """running[k]: the maximum of the values in lo..lo+k (the first of equal maxima, as
        the built-in max keeps it), None while there is none."""
        key = (analyte, lo)
        running = self._running_max.get(key)
        if running is None:
            running, best = [], None
            for value in self.values(analyte)[lo:]:
                if value is not None and (best is None or value > best):
                    best = value
                running.append(best)
            self._running_max[key] = running
        return running

    def latest_height(self, moment: datetime, first_day: date) -> float | None:
        """The last height measured at or before `moment`, if on or after `first_day`."""
        if self._heights is None:
            measured = [(h.time, v) for h in self.timeline.of("height")
                        if (v := h.value) is not None]
            self._heights = ([t for t, _ in measured], [v for _, v in measured])
        times, heights = self._heights
        i = bisect_right(times, moment)
        if i == 0 or self.timeline.local_day(times[i - 1]) < first_day:
            return None
        return heights[i - 1]
