"""The choices the published TA-TMA definitions leave open, as one explicit options object.

Every option that a set uses is named, with its value, in that set's `rules.options` output.
Defaults are [Design] choices of this project unless a citation says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from thrombo.rules.model import EngraftmentRule

# [Design] A height measured up to 180 days before a blood-pressure reading is taken as current.
HEIGHT_LOOKBACK_DAYS = 180
# [Design] Haemoglobin baseline: median of the patient's values in the 28 days before the result.
HB_BASELINE_LOOKBACK_DAYS = 28
# I4 [S]: registries derive engraftment from a run of 3 consecutive counts.
ENGRAFTMENT_RUN_I4 = 3
SEVEN_DAY_RUN_WARNING = (
    "platelet engraftment derived from 7 consecutive counts >= 20: a variant found in no "
    "registry text (clinical-reference.md I4, unverified); the registries use 3"
)


@dataclass(frozen=True, slots=True)
class ScreeningOptions:
    diagnosis_date: Literal["second-time-point", "first-time-point"] = "second-time-point"
    """A1 [Design]: the confirming time point T2 is the diagnosis date unless a protocol says T1."""
    bp_missing_height: float | None = None
    """None: bound the percentile over all heights (undecided readings are indeterminate); a
    number: assume that height percentile (interface.md)."""
    bp_infants: Literal["not-assessable", "use-tables-from-1-year"] = "not-assessable"
    """A7 [Design]: children below a set's percentile band (Jodele: under 3 y) are flagged, not
    silently negative; or use the tables from their first year."""
    height_lookback_days: int = HEIGHT_LOOKBACK_DAYS
    hb_baseline_lookback_days: int = HB_BASELINE_LOOKBACK_DAYS
    absent_events: Literal["not-met", "indeterminate"] = "not-met"
    """No transfusion, GVHD or infection event recorded: treat the event list as complete
    (not met), or as unknown (indeterminate)."""
    bp_readings: Literal["each-reading"] = "each-reading"
    """A7 [Design]: every systolic and diastolic reading is decided on its own (a daily mean or
    the exclusion of readings during pain or pressor weaning is not implemented yet)."""
    dipstick_1plus_is_30_mg_dl: bool = True
    """Count a urine dipstick of 1+ or more as protein >= 30 mg/dL (Jodele proteinuria)."""
    platelet_engraftment_run: Literal[3, 7] = 3
    """I4: platelet engraftment derived as the first of 3 consecutive counts >= 20 (CIBMTR,
    ASTCT); 7 is the variant no registry text was found to use (unverified, warned)."""
    confirmation: Literal["re-measured", "window"] = "re-measured"
    """A1 [Design] "at two consecutive time points": the second time point confirms only with
    at least k criteria met by results or events dated after the first (`re-measured`: a day
    whose only new result is a blood pressure cannot confirm labs drawn once); `window`: the
    14-day window as it stands on the next assessment day, old values included."""

    def as_dict(self) -> dict[str, str | int | float | None]:
        return {
            "diagnosis_date": self.diagnosis_date,
            "bp_missing_height": (
                "range-over-height-percentiles"
                if self.bp_missing_height is None
                else self.bp_missing_height
            ),
            "bp_infants": self.bp_infants,
            "bp_readings": self.bp_readings,
            "height_lookback_days": self.height_lookback_days,
            "hb_baseline_lookback_days": self.hb_baseline_lookback_days,
            "absent_events": self.absent_events,
            "dipstick_1plus_is_30_mg_dl": "yes" if self.dipstick_1plus_is_30_mg_dl else "no",
            "confirmation": self.confirmation,
            "platelet_engraftment_run": self.platelet_engraftment_run,
            "engraftment_derivation": self.engraftment_rule().describe(),
        }

    def pick(self, *names: str) -> dict[str, str | int | float | None]:
        """The options a set actually uses, for its `rules.options`."""
        everything = self.as_dict()
        return {name: everything[name] for name in names}

    def engraftment_rule(self) -> EngraftmentRule:
        return EngraftmentRule(platelet_run=self.platelet_engraftment_run)

    @property
    def engraftment_warnings(self) -> tuple[str, ...]:
        if self.platelet_engraftment_run == ENGRAFTMENT_RUN_I4:
            return ()
        return (SEVEN_DAY_RUN_WARNING,)

    @property
    def absent(self) -> Literal["not_met", "indeterminate"]:
        return "not_met" if self.absent_events == "not-met" else "indeterminate"
