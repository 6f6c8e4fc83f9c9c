"""Why a criterion is indeterminate, in words a clinician reads (issue 17 finding 19).

The reason names what is missing - a measurement in the window, a laboratory limit, a height,
an age the tables cover, an engraftment date - with the result it concerns, so that the next
step ("send sC5b-9 with the assay range", "measure height") is plain.
"""

from __future__ import annotations

from datetime import date

from thrombo.domain.records import Observation
from thrombo.rules.decide import Decision
from thrombo.rules.model import BloodPressure, Lab

HEIGHT_UNKNOWN = "height unknown"
TABLES_FROM = "not assessable: under "


def measured(obs: Observation) -> str:
    return f"{obs.analyte} {obs.quantity or obs.category} on {obs.time.date()}"


def unknown(obs: Observation, decision: Decision, criterion: Lab | BloodPressure) -> str:
    """The reason one result could not be decided."""
    text = decision.threshold
    if "limit unknown" in text or "no lab range" in text:
        return f"no laboratory ULN/LLN for {obs.analyte} ({measured(obs)} has no reference " \
               "range, and no site or published range applies)"
    if isinstance(criterion, BloodPressure):
        if text.startswith(TABLES_FROM):
            years = criterion.tables_from_years
            return f"{measured(obs)}: BP percentile tables start at {years} year" \
                   f"{'s' if years > 1 else ''} (option bp_infants)"
        if HEIGHT_UNKNOWN in text:
            return (f"{measured(obs)}: no height within {criterion.height_lookback_days} days, "
                    f"and the limit depends on it ({text})")
        return f"{measured(obs)}: {text}"
    return f"{measured(obs)}: {text}"


def not_measured(analytes: tuple[str, ...], first: date, last: date) -> str:
    return f"no {' or '.join(analytes)} result from {first} to {last}"


def no_baseline(analytes: tuple[str, ...], first: date, last: date) -> str:
    return (f"{' or '.join(analytes)} from {first} to {last} has no baseline to compare with "
            "(no earlier value, or no engraftment date)")
