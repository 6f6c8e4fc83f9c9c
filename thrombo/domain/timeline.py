"""A patient's records in time order, with the window queries the rules need.

Calendar days are taken in the site's time zone (`tz`), as interface.md requires: an assessment
day is a local calendar day, whatever offset the instrument reported.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from operator import attrgetter

from thrombo.domain.records import Event, Medication, Observation, Patient

# Sort keys (time, then name, then id), read in C rather than by a Python function per record.
_OBSERVATION_ORDER = attrgetter("time", "analyte", "id")
_MEDICATION_ORDER = attrgetter("start", "drug", "id")
_EVENT_ORDER = attrgetter("time", "event", "id")


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The last instant of a local calendar day (inclusive bound for `as_of`)."""
    next_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return next_day - timedelta(microseconds=1)


def start_of_day(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


@dataclass(frozen=True)
class PatientTimeline:
    patient: Patient
    observations: tuple[Observation, ...] = ()
    medications: tuple[Medication, ...] = ()
    events: tuple[Event, ...] = ()
    tz: tzinfo = UTC
    _by_analyte: dict[str, tuple[Observation, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _times: dict[str, list[datetime]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _days: dict[str, list[date]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        patient: Patient,
        observations: Iterable[Observation] = (),
        medications: Iterable[Medication] = (),
        events: Iterable[Event] = (),
        tz: tzinfo = UTC,
    ) -> PatientTimeline:
        """Sort records by time (ties by id, so that input order never matters)."""
        return cls(
            patient=patient,
            observations=tuple(sorted(observations, key=_OBSERVATION_ORDER)),
            medications=tuple(sorted(medications, key=_MEDICATION_ORDER)),
            events=tuple(sorted(events, key=_EVENT_ORDER)),
            tz=tz,
        )

    def __post_init__(self) -> None:
        grouped: dict[str, list[Observation]] = {}
        for obs in self.observations:
            grouped.setdefault(obs.analyte, []).append(obs)
        self._by_analyte.update({k: tuple(v) for k, v in grouped.items()})
        self._times.update({k: [o.time for o in v] for k, v in grouped.items()})

    @property
    def patient_id(self) -> str:
        return self.patient.patient_id

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def days_of(self, analyte: str) -> list[date]:
        """Local day of each observation of `analyte`, parallel to `of(analyte)` (cached)."""
        days = self._days.get(analyte)
        if days is None:
            days = [self.local_day(t) for t in self._times.get(analyte, [])]
            self._days[analyte] = days
        return days

    def before_between(
        self, analyte: str, moment: datetime, first_day: date, last_day: date
    ) -> Sequence[Observation]:
        """Observations of `analyte` strictly before `moment`, on local days first..last."""
        series = self.of(analyte)
        end = bisect_left(self._times.get(analyte, []), moment)
        days = self.days_of(analyte)
        lo = bisect_left(days, first_day, 0, end)
        hi = bisect_right(days, last_day, lo, end)
        return series[lo:hi]

    def analytes(self) -> frozenset[str]:
        return frozenset(self._by_analyte)

    def of(self, analyte: str) -> tuple[Observation, ...]:
        """All observations of one analyte, in time order."""
        return self._by_analyte.get(analyte, ())

    def between(self, analyte: str, first_day: date, last_day: date) -> Sequence[Observation]:
        """Observations of `analyte` on local days first_day..last_day (both inclusive)."""
        series = self.of(analyte)
        times = self._times.get(analyte, [])
        lo = bisect_left(times, start_of_day(first_day, self.tz))
        hi = bisect_right(times, end_of_day(last_day, self.tz))
        return series[lo:hi]

    def before(self, analyte: str, moment: datetime) -> Sequence[Observation]:
        """Observations of `analyte` strictly before `moment`."""
        series = self.of(analyte)
        return series[: bisect_left(self._times.get(analyte, []), moment)]

    def events_named(self, *names: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.event in names)

    def events_between(self, names: Iterable[str], first_day: date, last_day: date) -> list[Event]:
        wanted = set(names)
        return [
            e
            for e in self.events
            if e.event in wanted and first_day <= self.local_day(e.time) <= last_day
        ]

    def medications_of(self, *drugs: str) -> tuple[Medication, ...]:
        return tuple(m for m in self.medications if m.drug in drugs)

    def observation_days(self, analytes: Iterable[str] | None = None) -> list[date]:
        """Local calendar days with at least one observation of the given analytes."""
        wanted = None if analytes is None else set(analytes)
        days = {
            self.local_day(o.time)
            for o in self.observations
            if wanted is None or o.analyte in wanted
        }
        return sorted(days)

    def as_of(self, day: date) -> PatientTimeline:
        """What was known by the end of `day`: later records are left out as not yet recorded.
        A timeline with nothing to leave out is its own answer (its indexes kept)."""
        cutoff = end_of_day(day, self.tz)
        observations = tuple(o for o in self.observations if o.time <= cutoff)
        medications = tuple(m for m in self.medications if m.start <= cutoff)
        events = tuple(e for e in self.events if e.time <= cutoff)
        if (len(observations), len(medications), len(events)) == (
                len(self.observations), len(self.medications), len(self.events)):
            return self
        return PatientTimeline(patient=self.patient, observations=observations,
                               medications=medications, events=events, tz=self.tz)
