"""events.csv rows: transfusions, GVHD, infections, and the adverse events of defibrotide.

Adverse events are CTCAE v5.0 grade 1-2 (clinical-reference.md F): the seed study reports only
transient hypotension, mild GI disturbance and no major bleeding. Major bleeding is drawn only if
the configuration asks for it, as CTCAE grade 3.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.course import Course
from thrombo.simulate.lookalikes import InfectionEpisode
from thrombo.simulate.rng import uniform_int
from thrombo.simulate.rows import Row, day_to_date, flag
from thrombo.simulate.tma import TmaOutcome

TRANSFUSION_HOUR = 14
EVENT_HOUR = 12
GVHD_GRADE_WEIGHTS = (0.35, 0.35, 0.2, 0.1)
"""Acute GVHD grades I-IV among those with GVHD. [Design]"""
MINOR_BLEEDING_SITES = ("epistaxis", "gum bleeding", "microscopic haematuria", "line site oozing")
MAJOR_BLEEDING_GRADE = 3
"""Hemorrhage grade >= 3 as major bleeding (clinical-reference.md F, pick-one choice)."""


def event_row(
    patient_id: str, origin: date, day: int, event: str, grade: int | None = None,
    note: str = "", hour: int = EVENT_HOUR,
) -> Row:
    time = f"{day_to_date(origin, day).isoformat()}T{hour:02d}:00:00"
    return (patient_id, time, event, "" if grade is None else str(grade), note)


def mild_grade(rng: np.random.Generator) -> int:
    return 1 if rng.random() < 0.6 else 2


def hsct_events(
    rng: np.random.Generator,
    config: SimulationConfig,
    patient_id: str,
    origin: date,
    course: Course,
    episode: InfectionEpisode | None,
) -> list[Row]:
    rows = [
        event_row(patient_id, origin, d, "platelet_transfusion", hour=TRANSFUSION_HOUR)
        for d in course.platelet_transfusions
        if d <= course.last_day
    ]
    rows += [
        event_row(patient_id, origin, d, "rbc_transfusion", hour=TRANSFUSION_HOUR)
        for d in course.rbc_transfusions
        if d <= course.last_day
    ]
    if rng.random() < config.acute_gvhd:
        day = uniform_int(rng, 14, 60)
        grade = int(rng.choice(4, p=GVHD_GRADE_WEIGHTS)) + 1
        if day <= course.last_day:
            rows.append(event_row(patient_id, origin, day, "gvhd", grade))
    if episode is not None:
        rows.append(event_row(patient_id, origin, episode.start, "infection", 3, episode.note))
    return rows


def tma_events(
    rng: np.random.Generator,
    config: SimulationConfig,
    patient_id: str,
    origin: date,
    tma: TmaOutcome,
    truth: dict[str, str],
) -> list[Row]:
    """Adverse events during the defibrotide course, biopsy and dialysis; flags go to truth."""
    rows: list[Row] = []

    def during_course() -> int:
        return uniform_int(rng, tma.defibrotide_start, tma.defibrotide_end)

    for event, rate in (
        ("hypotension", config.hypotension),
        ("bleeding", config.minor_bleeding),
        ("diarrhea", config.diarrhea),
        ("nausea", config.nausea),
        ("vomiting", config.vomiting),
    ):
        happened = bool(rng.random() < rate)
        if happened:
            note = MINOR_BLEEDING_SITES[uniform_int(rng, 0, 3)] if event == "bleeding" else ""
            grade = mild_grade(rng)
            rows.append(event_row(patient_id, origin, during_course(), event, grade, note))
        truth[event] = flag(happened)
    truth["minor_bleeding"] = truth.pop("bleeding")
    gi = any(truth.pop(e) == "true" for e in ("diarrhea", "nausea", "vomiting"))
    truth["gi_effects"] = flag(gi)
    major = bool(rng.random() < config.major_bleeding)
    if major:
        rows.append(event_row(patient_id, origin, during_course(), "major_bleeding",
                              MAJOR_BLEEDING_GRADE, "gastrointestinal haemorrhage"))
    truth["major_bleeding"] = flag(major)
    if rng.random() < config.tma_biopsy:
        site = "kidney" if rng.random() < 0.5 else "gut"
        rows.append(event_row(patient_id, origin, tma.expected_diagnosis, "tma_biopsy", None, site))
    if tma.organ_recovery is None and rng.random() < config.dialysis_without_recovery:
        rows.append(event_row(patient_id, origin, tma.cytopenias + uniform_int(rng, 3, 10),
                              "dialysis"))
    return rows
