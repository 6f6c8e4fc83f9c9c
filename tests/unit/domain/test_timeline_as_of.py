"""`PatientTimeline.as_of(day)`: what was known by the end of a local day (interface.md: an
assessment day is a local calendar day). Records after the day are left out; a timeline with
nothing after the day is returned as it is, indexes included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline

BERLIN_WINTER = timezone(timedelta(hours=1))
CHILD = Patient("P01", date(2018, 3, 1))


def _platelets(oid: str, when: datetime, value: float) -> Observation:
    return Observation(oid, "P01", "platelets", when, Quantity(value, "10*9/L"))


def _timeline() -> PatientTimeline:
    return PatientTimeline.build(
        CHILD,
        [_platelets("o2", datetime(2026, 1, 11, 8, tzinfo=UTC), 40),
         # 23:30 UTC on 10 Jan is 00:30 on 11 Jan in the site's zone (UTC+1).
         _platelets("o1", datetime(2026, 1, 10, 23, 30, tzinfo=UTC), 45),
         _platelets("o0", datetime(2026, 1, 10, 7, tzinfo=UTC), 60)],
        [Medication("m1", "P01", "defibrotide", datetime(2026, 1, 11, 9, tzinfo=UTC))],
        [Event("e1", "P01", datetime(2026, 1, 9, 12, tzinfo=UTC), "transfusion-platelets")],
        BERLIN_WINTER,
    )


def test_records_after_the_local_day_are_left_out() -> None:
    cut = _timeline().as_of(date(2026, 1, 10))
    assert [o.id for o in cut.observations] == ["o0"]  # o1 falls on 11 Jan locally
    assert cut.medications == ()
    assert [e.id for e in cut.events] == ["e1"]
    assert [o.id for o in cut.of("platelets")] == ["o0"]
    assert cut.days_of("platelets") == [date(2026, 1, 10)]


def test_a_timeline_with_nothing_after_the_day_is_its_own_answer() -> None:
    whole = _timeline()
    assert whole.days_of("platelets") == [date(2026, 1, 10), date(2026, 1, 11),
                                          date(2026, 1, 11)]
    same = whole.as_of(date(2026, 1, 11))
    assert same is whole
    assert same == PatientTimeline(CHILD, whole.observations, whole.medications, whole.events,
                                   BERLIN_WINTER)


def test_a_medication_alone_after_the_day_is_still_left_out() -> None:
    """Every result is known by the day; the medication started the next day is not."""
    whole = PatientTimeline.build(
        CHILD, [_platelets("o0", datetime(2026, 1, 10, 7, tzinfo=UTC), 60)],
        [Medication("m1", "P01", "defibrotide", datetime(2026, 1, 11, 9, tzinfo=UTC))],
        tz=BERLIN_WINTER)
    cut = whole.as_of(date(2026, 1, 10))
    assert cut is not whole
    assert cut.medications == () and [o.id for o in cut.observations] == ["o0"]
