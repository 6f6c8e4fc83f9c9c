"""Deciding one blood-pressure reading: the child's percentile limit or the adult one.

As `thrombo.rules.decide` for laboratory results: a pure function of the reading, the patient's
fixed facts and the latest height before it (read through the `PatientIndex`), compiled once
per criterion (`compile_blood_pressure`) and called once per reading.
"""

from __future__ import annotations

from datetime import date, timedelta

from thrombo.domain.records import Observation
from thrombo.physiology.age import age_in_months, completed_years
from thrombo.rules import limits
from thrombo.rules.decide import (
    NOT_APPLICABLE,
    Answer,
    Decider,
    Decision,
    Source,
    compare,
    indexed,
)
from thrombo.rules.model import BloodPressure
from thrombo.rules.patient_index import ChildLimit, PatientIndex


def latest_height(source: Source, obs: Observation, lookback_days: int) -> float | None:
    """The last height measured on or before the reading (equal times included), within the
    look-back: the latest known height, unknown when that one is older than the look-back."""
    index = indexed(source)
    first = index.timeline.local_day(obs.time) - timedelta(days=lookback_days)
    return index.latest_height(obs.time, first)


def compile_blood_pressure(rule: BloodPressure) -> Decider:
    """One systolic or diastolic reading against the age-appropriate limit (see model)."""
    systolic, diastolic = (
        (fixed.value, f"{rule.adult_op} {fixed.value:g} {fixed.unit} (adult)")
        for fixed in (rule.adult_systolic, rule.adult_diastolic))
    adult_op, adult_from, tables_from = rule.adult_op, rule.adult_from_years, rule.tables_from_years
    infant = Decision(
        Answer.UNKNOWN, f"not assessable: under {rule.tables_from_years} y (option bp_infants)")
    no_table = Decision(Answer.UNKNOWN, "no percentile table for this age")
    child_op, back = rule.child_op, timedelta(days=rule.height_lookback_days)
    # A day's readings (they come in time order, so day by day) share the child's age.
    last_birth, last_day, last_years = date.min, date.min, 0

    def decide(index: PatientIndex, obs: Observation, day: date) -> Decision:
        nonlocal last_birth, last_day, last_years
        quantity = obs.quantity
        if quantity is None:
            return NOT_APPLICABLE
        value, censored = quantity.value, quantity.comparator
        birth = index.timeline.patient.birth_date
        if day != last_day or birth != last_birth:
            last_birth, last_day, last_years = birth, day, completed_years(birth, day)
        years = last_years
        if years >= adult_from:
            fixed, text = systolic if obs.analyte == "systolic_bp" else diastolic
            return Decision(compare(value, adult_op, fixed, fixed, censored), text)
        if years < tables_from:
            return infant
        # Readings on one day with the same latest height share one look-up of both limits
        # and their texts (the systolic and diastolic of a measurement; a monitor's hourly
        # readings).
        height = index.latest_height(obs.time, day - back)
        key = (id(rule), day, height)
        found = index.bp_limits.get(key)
        if found is None:
            found = _child_limits(index, rule, day, height, child_op)
            index.bp_limits[key] = found
        limit = found.get(obs.analyte)
        if limit is None:
            return no_table
        low, high, text, warnings = limit
        return Decision(compare(value, child_op, low, high, censored), text, warnings)

    return decide


def decide_blood_pressure(source: Source, obs: Observation, rule: BloodPressure) -> Decision:
    """One systolic or diastolic reading against the age-appropriate limit (see model)."""
    index = indexed(source)
    return compile_blood_pressure(rule)(index, obs, index.timeline.local_day(obs.time))


def _child_limits(
    index: PatientIndex, rule: BloodPressure, day: date, height: float | None, op: str
) -> dict[str, ChildLimit]:
    """Both components' limits (none where the tables have no row)."""
    patient = index.timeline.patient
    pct: float | None = rule.default_height_percentile
    if height is not None and patient.sex in {"M", "F"}:
        months = age_in_months(patient.birth_date, day)
        measured = limits.child_height_percentile(height, months, patient.sex)
        pct = pct if measured is None else measured
    bounds = limits.bp_limits(
        rule.child_limit.percentile,
        rule.child_limit.source,
        patient.sex,
        # Completed years, the same age that chose the paediatric branch above: decimal years
        # (days / 365.25) can already read 18.0 on the eve of an 18th birthday.
        float(completed_years(patient.birth_date, day)),
        pct,
    )
    return {analyte: (b.low, b.high, f"{op} {b.text}", b.warnings)
            for analyte, b in bounds.items()}
