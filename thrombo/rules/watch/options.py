"""The watch list's thresholds, as one parameters object with defaults fixed beforehand.

The early markers (elevated LDH, proteinuria on routine urinalysis, hypertension) come from
Jodele 2014 [S] (clinical-reference.md A2); the limits they are compared with (ULN, UPCR 1 mg/mg,
urine protein 30 mg/dL, the default set's BP percentile, a platelet fall after engraftment) come
from the criteria (A1, A2). What makes a marker an *early* one - a rise, a first crossing, a
smaller fall, how long a signal stays current, how many make an alert, when to review - is not
published: each such number below is [Design], with its reasoning, and named in `rules.options`
and the output's warnings. The defaults were fixed before any evaluation (issue 24); a centre
tunes them with `thrombo watch --evaluate` on its own data, never on the data it reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# [Design] A signal is current for 7 days after the result that raised it: a week covers the
# 2-3 results a week of post-transplant monitoring, so a signal does not flicker between
# draws, yet it lapses within one weekly review when nothing new confirms it.
WINDOW_DAYS = 7
# [Design] LDH "rising": at least 1.25 x the median of the patient's own LDH results in the 14
# days before (the median resists one stray value; 25% is well above the scatter of repeated
# results in a stable patient). The result must also be above the ULN (A1/A2).
LDH_RISE_FACTOR = 1.25
LDH_BASELINE_DAYS = 14
# [Design] "New" proteinuria: every earlier result of the same measure in the 28 days before
# was below the limit (the limit itself: UPCR 1 mg/mg, A1 [S-2nd]; urine protein 30 mg/dL, A2
# [S-2nd]). 28 days matches the haemoglobin baseline look-back of the criteria sets.
PROTEINURIA_NEW_DAYS = 28
# [Design] A platelet fall of 30% from the highest count after platelet engraftment: earlier
# than the 50% fall the criteria need (A1, A2 [S-2nd]), so that the signal can precede them.
PLATELET_FALL_FRACTION = 0.3
# [Design] sC5b-9 "rising": at or above the assay ULN (A1), or at least 1.5 x the previous
# result in the 28 days before (an assay with wide scatter: only a large rise counts).
SC5B9_RISE_FACTOR = 1.5
SC5B9_BASELINE_DAYS = 28
# [Design] Levels: one current signal = watch, two or more = alert (the count rule of the
# criteria needs 4 of 7; two early markers together already name half of it).
ALERT_SIGNALS = 2
# [Design] Review intervals (the clinical reference cites no TA-TMA monitoring interval): an
# alert is reviewed within 2 days (the next routine draw at 2-3 results a week), a watch within
# 7 days (the weekly screening visit). `review_by` = the level's start + the interval.
REVIEW_DAYS_ALERT = 2
REVIEW_DAYS_WATCH = 7

DESIGN_WARNING = (
    "tma-watch: the signal rules (LDH rise, new proteinuria, platelet fall, sC5b-9 rise, "
    "signal window, levels and review dates) are [Design] choices of this project, not "
    "published rules (clinical-reference.md A2 names the early markers only)"
)


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """Every tunable number of the watch list (module constants are the defaults)."""

    window_days: int = WINDOW_DAYS
    ldh_rise_factor: float = LDH_RISE_FACTOR
    ldh_baseline_days: int = LDH_BASELINE_DAYS
    proteinuria_new_days: int = PROTEINURIA_NEW_DAYS
    platelet_fall_fraction: float = PLATELET_FALL_FRACTION
    sc5b9_rise_factor: float = SC5B9_RISE_FACTOR
    sc5b9_baseline_days: int = SC5B9_BASELINE_DAYS
    alert_signals: int = ALERT_SIGNALS
    review_days_alert: int = REVIEW_DAYS_ALERT
    review_days_watch: int = REVIEW_DAYS_WATCH

    def as_dict(self) -> dict[str, str | int | float | None]:
        return dict(asdict(self))
