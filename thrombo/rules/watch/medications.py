"""A second antihypertensive, read from the medication list as a dated event.

The declarative model reads observations and events; a new second antihypertensive is a fact
about medication courses. It is derived here once, as an event named `second_antihypertensive`
on the start of an antihypertensive course begun while a different one is running, so that the
watch rule (`EventOccurred`) runs unchanged on every engine given the derived events (the way
engraftment dates are derived from counts before evaluation).
"""

from __future__ import annotations

from thrombo.domain.records import Event, Medication
from thrombo.domain.timeline import PatientTimeline

EVENT = "second_antihypertensive"
# [Design] Oral and IV antihypertensives used in children after transplant (generic names, lower
# case, as the medication list records them); loop diuretics are left out, being given for fluid
# balance far more often than for blood pressure. CTCAE v5 counts "> 1 drug" as adult grade 3
# hypertension (clinical-reference.md F [S-2nd]): a second drug marks harder-to-control pressure.
ANTIHYPERTENSIVES = frozenset({
    "amlodipine", "nifedipine", "isradipine", "nicardipine", "labetalol", "propranolol",
    "atenolol", "metoprolol", "esmolol", "enalapril", "enalaprilat", "captopril", "lisinopril",
    "losartan", "valsartan", "hydralazine", "minoxidil", "clonidine", "nitroprusside",
    "hydrochlorothiazide", "chlorothiazide", "spironolactone", "doxazosin", "prazosin",
})


def _is_second(course: Medication, courses: list[Medication]) -> bool:
    """Started while a course of another antihypertensive drug was running."""
    return any(
        other.drug != course.drug and other.start <= course.start and other.active_on(course.start)
        for other in courses
    )


def second_antihypertensive_events(timeline: PatientTimeline) -> list[Event]:
    courses = [m for m in timeline.medications if m.drug in ANTIHYPERTENSIVES]
    return [
        Event(f"{course.id}:{EVENT}", timeline.patient_id, course.start, EVENT,
              note=f"{course.drug} started while another antihypertensive was running")
        for course in courses
        if _is_second(course, courses)
    ]


def with_watch_events(timeline: PatientTimeline) -> PatientTimeline:
    """The timeline with its derived `second_antihypertensive` events (unchanged without)."""
    derived = second_antihypertensive_events(timeline)
    if not derived:
        return timeline
    return PatientTimeline.build(timeline.patient, timeline.observations, timeline.medications,
                                 (*timeline.events, *derived), timeline.tz)
