"""Organ recovery and the Jodele-style haematologic response after TA-TMA treatment.

clinical-reference.md A8, "suggested operational definitions" [Design]:
- renal recovery: eGFR (same equation as baseline) back to >= 75% of the pre-HSCT baseline and
  rUPCR < 0.5 mg/mg;
- neurological recovery: CTCAE grade <= 1 for the neurological event;
- haematologic response (typical Jodele-group wording, from memory, unverified): LDH normal and
  independence from platelet and RBC transfusion.
Each answer is None when the patient had no such involvement or the data cannot decide it.
"""

from __future__ import annotations

from datetime import date, timedelta

from thrombo.domain.evidence import Evidence
from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.renal import bedside_schwartz
from thrombo.rules.itp.severity import PLATELET_TRANSFUSION, RBC_TRANSFUSION

# A8 [Design]: eGFR back to >= 75% of the pre-HSCT baseline.
RENAL_RECOVERY_EGFR_FRACTION = 0.75
# A8 [Design]: rUPCR < 0.5 mg/mg.
RENAL_RECOVERY_UPCR_BELOW = 0.5
# [Design] the pre-HSCT height may be up to a year old.
HEIGHT_VALID_DAYS = 365
# A8 [Design]: neurological recovery = CTCAE grade <= 1 for the neurological event.
NEURO_RECOVERED_MAX_GRADE = 1
# [Design] "transfusion independence": no platelet or RBC transfusion in the 7 days before.
TRANSFUSION_FREE_DAYS = 7
# The rules' wording in outputs, built from the constants above so each number stands once.
RENAL_RECOVERY_TEXT = (f"eGFR >= {RENAL_RECOVERY_EGFR_FRACTION:.0%} of pre-HSCT and UPCR < "
                       f"{RENAL_RECOVERY_UPCR_BELOW:g} mg/mg (A8 [Design])")
NEURO_RECOVERY_TEXT = (f"neurological event CTCAE grade <= {NEURO_RECOVERED_MAX_GRADE} "
                       "(A8 [Design])")
HEMATOLOGIC_TEXT = (f"LDH normal and no platelet/RBC transfusion for {TRANSFUSION_FREE_DAYS} "
                    "days")
HEMATOLOGIC_WARNING = (
    "haematologic response (LDH normal and transfusion independence) follows Jodele-group "
    "wording from memory, unverified (clinical-reference.md A8)"
)


def _egfr(timeline: PatientTimeline, creatinine: Observation) -> float | None:
    day = timeline.local_day(creatinine.time)
    heights = timeline.between("height", day - timedelta(days=HEIGHT_VALID_DAYS), day)
    if not heights or heights[-1].value is None or creatinine.value is None:
        return None
    return bedside_schwartz(heights[-1].value, creatinine.value).value


def _latest(timeline: PatientTimeline, analyte: str, day: date) -> Observation | None:
    found = timeline.between(analyte, date.min, day)
    return found[-1] if found else None


def _renal_ok(timeline: PatientTimeline, day: date, baseline: float) -> bool | None:
    creat = _latest(timeline, "creatinine", day)
    upcr = _latest(timeline, "upcr", day)
    egfr = None if creat is None else _egfr(timeline, creat)
    if egfr is None or upcr is None or upcr.value is None:
        return None
    return egfr >= RENAL_RECOVERY_EGFR_FRACTION * baseline and (
        upcr.value < RENAL_RECOVERY_UPCR_BELOW
    )


def renal_recovery(
    timeline: PatientTimeline, start: date, end: date
) -> tuple[bool | None, Evidence]:
    """Recovered on some day after `start`; None without renal injury at start or a baseline."""
    rule = "renal recovery (A8 [Design])"
    hsct = timeline.patient.hsct_date
    before = [] if hsct is None else timeline.between("creatinine", date.min,
                                                      hsct - timedelta(days=1))
    baseline = _egfr(timeline, before[-1]) if before else None
    if baseline is None:
        return None, Evidence(rule, "no pre-HSCT creatinine with height: baseline eGFR unknown")
    if _renal_ok(timeline, start, baseline) is not False:
        return None, Evidence(rule, "no renal injury at treatment start (or not measured)", start)
    days = timeline.observation_days(("creatinine", "upcr"))
    for day in (d for d in days if start < d <= end):
        if _renal_ok(timeline, day, baseline):
            note = (f"eGFR >= {RENAL_RECOVERY_EGFR_FRACTION:.0%} of pre-HSCT {baseline:.0f} "
                    f"and UPCR < {RENAL_RECOVERY_UPCR_BELOW:g}")
            return True, Evidence(rule, note, day)
    return False, Evidence(rule, "eGFR or UPCR not recovered by the end of follow-up", end)


def neurological_recovery(
    timeline: PatientTimeline, start: date, end: date
) -> tuple[bool | None, Evidence]:
    """The last neurological event graded <= 1 after the last one graded >= 2."""
    rule = "neurological recovery (A8 [Design])"
    events = [e for e in timeline.events_named("neurological_event")
              if timeline.local_day(e.time) <= end]
    graded = [e for e in events if e.grade is not None]
    if not graded:
        return None, Evidence(rule, "no graded neurological event recorded")
    last = graded[-1]
    recovered = last.grade is not None and last.grade <= NEURO_RECOVERED_MAX_GRADE
    if recovered and timeline.local_day(last.time) <= start:
        return None, Evidence(rule, "no neurological involvement at treatment start")
    note = f"last neurological event grade {last.grade}"
    return recovered, Evidence(rule, note, timeline.local_day(last.time), last.id)


def _transfusion_free(timeline: PatientTimeline, day: date) -> bool:
    first = day - timedelta(days=TRANSFUSION_FREE_DAYS)
    return not timeline.events_between((PLATELET_TRANSFUSION, RBC_TRANSFUSION), first, day)


def hematologic_response(
    timeline: PatientTimeline, start: date, end: date, ldh_normal_on: set[date]
) -> tuple[bool | None, Evidence]:
    """LDH normal on a day >= 7 days after start with no transfusion in the 7 days before it."""
    rule = "haematologic response (Jodele-style, unverified)"
    ldh_days = [d for d in timeline.observation_days(("ldh",)) if start < d <= end]
    if not ldh_days:
        return None, Evidence(rule, "no LDH after treatment start")
    earliest = start + timedelta(days=TRANSFUSION_FREE_DAYS)
    for day in ldh_days:
        if day >= earliest and day in ldh_normal_on and _transfusion_free(timeline, day):
            note = f"LDH normal, no transfusion in the {TRANSFUSION_FREE_DAYS} days before"
            return True, Evidence(rule, note, day)
    return False, Evidence(rule, "LDH normal without transfusion not reached", end)
