"""Severe ITP from recorded bleeding and the treatment it prompted (IWG 2009).

IWG 2009 (clinical-reference.md C1 [S]): severe ITP is "bleeding at presentation sufficient to
mandate treatment, or new bleeding needing extra intervention with a different platelet-raising
agent or a higher dose". Records carry no statement of what mandated a treatment, so the project
reads "mandated" as "bleeding beyond the skin, with an ITP agent started within a few days of it"
[Design]: skin-only bleeding (Buchanan & Adix grade 1-2) does not mandate treatment, because
observation suits it (ASH 2019 / ICR 2019, clinical-reference.md C3-C4), so grade-1 petechiae
treated with IVIG are not severe ITP. Treated bleeding with neither a grade nor a site in its note
leaves severity unknown (None), not false.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thrombo.domain.evidence import Evidence
from thrombo.domain.records import Event, Medication
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.itp.bleeding import LABELS, BleedingLevel, level_of
from thrombo.rules.itp.drugs import ITP_DRUGS

BLEEDING_EVENTS = ("bleeding", "major_bleeding")
PLATELET_TRANSFUSION = "platelet_transfusion"
RBC_TRANSFUSION = "rbc_transfusion"

# [Design] bleeding up to 7 days before and 14 days after the recorded diagnosis date counts as
# "at presentation" (diagnosis is often dated after the presenting bleed is treated).
PRESENTATION_DAYS_BEFORE = 7
PRESENTATION_DAYS_AFTER = 14
# [Design] an agent started on the day of the bleeding or up to 3 days later was prompted by it.
TREATMENT_AFTER_BLEEDING_DAYS = 3
# [Design] bleeding that mandates treatment: mucosal or worse (Buchanan & Adix grade >= 3, or a
# `major_bleeding` event); skin-only bleeding may be observed (ASH 2019, ICR 2019).
MANDATES_TREATMENT_FROM = BleedingLevel.MUCOSAL

RULE = "iwg-2009 severe ITP"


@dataclass(frozen=True, slots=True)
class Severity:
    severe: bool | None
    evidence: tuple[Evidence, ...]
    since: date | None = None
    """Day of the first bleeding that made the ITP severe."""

    def options(self) -> dict[str, Any]:
        return {
            "presentation_window_days": [-PRESENTATION_DAYS_BEFORE, PRESENTATION_DAYS_AFTER],
            "treatment_within_days_of_bleeding": TREATMENT_AFTER_BLEEDING_DAYS,
            "bleeding_mandating_treatment": "Buchanan & Adix grade >= 3 or major bleeding",
        }


def _at_presentation(bleed_day: date, diagnosis: date | None) -> bool:
    if diagnosis is None:
        return False
    offset = (bleed_day - diagnosis).days
    return -PRESENTATION_DAYS_BEFORE <= offset <= PRESENTATION_DAYS_AFTER


def _escalates(new: Medication, active: Sequence[Medication]) -> bool:
    """A different agent from those running at the bleed, or the same agent at a higher dose."""
    same = [m for m in active if m.drug == new.drug and m.id != new.id]
    if not same:
        return True
    return any(
        new.dose is not None
        and m.dose is not None
        and new.dose.unit == m.dose.unit
        and new.dose.value > m.dose.value
        for m in same
    )


def _prompted_treatment(
    timeline: PatientTimeline, bleed: Event, presentation: bool
) -> Medication | None:
    bleed_day = timeline.local_day(bleed.time)
    itp_courses = [m for m in timeline.medications if m.drug in ITP_DRUGS]
    active = [m for m in itp_courses if m.active_on(bleed.time)]
    for med in itp_courses:
        offset = (timeline.local_day(med.start) - bleed_day).days
        if not 0 <= offset <= TREATMENT_AFTER_BLEEDING_DAYS:
            continue
        if presentation or _escalates(med, active):
            return med
    return None


def classify_severity(timeline: PatientTimeline) -> Severity:
    """Severe ITP on the records given (cut the timeline at as-of first)."""
    diagnosis = timeline.patient.itp_diagnosis_date
    evidence: list[Evidence] = []
    severe_days: list[date] = []
    unknown = False
    for bleed in timeline.events_named(*BLEEDING_EVENTS):
        day = timeline.local_day(bleed.time)
        presentation = _at_presentation(day, diagnosis)
        med = _prompted_treatment(timeline, bleed, presentation)
        if med is None:
            continue
        level = level_of(bleed)
        kind = "at presentation" if presentation else "new bleeding"
        note = f"{bleed.event} {kind} ({LABELS[level]}), treated with {med.drug}"
        if level >= MANDATES_TREATMENT_FROM:
            severe_days.append(day)
            note += ": bleeding that mandates treatment (severe ITP)"
        elif level is BleedingLevel.UNGRADED:
            unknown = True
            note += ": no grade or site recorded, severity unknown"
        else:
            note += ": skin-only bleeding does not mandate treatment (not severe)"
        evidence.append(Evidence(RULE, note, day, bleed.id))
    severe = True if severe_days else (None if unknown else False)
    return Severity(severe, tuple(evidence), min(severe_days, default=None))
