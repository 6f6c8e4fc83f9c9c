"""The limit a laboratory result is compared with: a fixed one of the criteria set, the
laboratory's own range on the result, or a published paediatric table (`thrombo.rules.limits`).

Compiled once per test (`bound_reader`), as `thrombo.rules.decide` compiles the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import ChildAge
from thrombo.rules import limits
from thrombo.rules.model import Fixed, LabLLN, LabULN, Limit

BoundReader = Callable[[PatientTimeline, Observation, date], "limits.Bound | None"]


def _age(timeline: PatientTimeline, day: date) -> ChildAge:
    """The child's age on the result's local day, as the age-banded tables read it."""
    return ChildAge.on(timeline.patient.birth_date, day)


def bound_reader(limit: Limit) -> BoundReader:
    """The limit for an observation, or None when it cannot be known."""
    match limit:
        case Fixed(value=value, unit=fixed_unit):
            fixed = limits.Bound(value, value, f"{value:g} {fixed_unit}", (), limits.CRITERIA_SET)
            return lambda timeline, obs, day: fixed
        case LabULN(multiple=multiple, fallback=fallback):
            return _range_reader(True, multiple, fallback)
        case LabLLN(fallback=fallback):
            return _range_reader(False, None, fallback)
    raise TypeError(f"not a limit: {limit!r}")


def _unit(obs: Observation) -> str:
    return "" if obs.quantity is None else obs.quantity.unit


def _range_reader(upper: bool, multiple: float | None, fallback: str | None) -> BoundReader:
    """The laboratory's own limit (`ref_high` for an upper one, `ref_low` for a lower one),
    else the named published table by age (and sex); `multiple` scales an upper limit."""
    label = ("" if multiple in (None, 1) else f"{multiple:g} x ") + ("ULN" if upper else "LLN")
    table_of, by = ((limits.fallback_upper, "by age") if upper
                    else (limits.fallback_lower, "by age and sex"))

    # A laboratory reports the same range on result after result: each (limit, unit, source)
    # is written once. Zero stays out (0.0 and -0.0 are one key but not one text).
    own_bounds: dict[tuple[float, str, str | None], limits.Bound] = {}

    def read(timeline: PatientTimeline, obs: Observation, day: date) -> limits.Bound | None:
        own = obs.ref_high if upper else obs.ref_low
        if own is not None:
            key = (own, _unit(obs), obs.ref_source)
            bound = own_bounds.get(key)
            if bound is None:
                text = f"{label} {own:g} {key[1]} ({obs.ref_source or 'lab range'})"
                found = own if multiple is None else multiple * own
                bound = limits.Bound(found, found, text, (), _range_source(obs))
                if own != 0:
                    own_bounds[key] = bound
            return bound
        if fallback is None:
            return None
        table = table_of(fallback, _age(timeline, day), timeline.patient.sex)
        if table is None:
            return None
        text = f"{label} {table.value:g} {_unit(obs)} ({table.source}, {by})"
        found = table.value if multiple is None else multiple * table.value
        return limits.Bound(found, found, text, table.warnings, limits.PUBLISHED_FALLBACK)

    return read


def limit_bound(
    timeline: PatientTimeline, obs: Observation, limit: Limit
) -> limits.Bound | None:
    """The limit for this observation, or None when it cannot be known."""
    return bound_reader(limit)(timeline, obs, timeline.local_day(obs.time))


def _range_source(obs: Observation) -> str:
    """The result's own range, or the site's (normalize.labranges names it in `ref_source`)."""
    site = obs.ref_source is not None and obs.ref_source.startswith(limits.SITE_RANGE)
    return limits.SITE_RANGE if site else limits.OBSERVATION_RANGE

