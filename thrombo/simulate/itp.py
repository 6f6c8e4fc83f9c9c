"""Children with immune thrombocytopenia: newly diagnosed to chronic, first and later lines.

Phases follow the IWG 2009 day cut-offs (clinical-reference.md C1 [S], days as [Design]); the
response levels are placed well inside the IWG 2009 bands (C2 [S]: CR >= 100 x 10^9/L; R >= 30
and at least twice baseline; NR below that) so that assay noise cannot move a patient between
them. Treatment choices and response rates come from `SimulationConfig` ([Design]).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np

from thrombo.simulate.body import Body, draw_body
from thrombo.simulate.config import COHORT_EPOCH, ENROLMENT_SPAN_DAYS, SimulationConfig
from thrombo.simulate.itp_drugs import FIRST_LINE, LATER_LINE, Course, prescribe
from thrombo.simulate.labs import noisy, profile_for_center, report
from thrombo.simulate.rng import ITP_STREAM, patient_rng, uniform_int
from thrombo.simulate.rows import Row, SimulatedPatient, day_to_date, flag, iso, number

NEWLY_DIAGNOSED_LAST_DAY = 90
"""Newly diagnosed: < 91 days from diagnosis (C1 [Design] day cut-offs of the 3-month rule)."""
PERSISTENT_LAST_DAY = 365
"""Persistent: 91-365 days; chronic: more than 365 days (C1)."""
COMPLETE_RESPONSE_LEVELS = (115.0, 250.0)
RESPONSE_LEVELS = (40.0, 85.0)
NO_RESPONSE_LEVELS = (5.0, 22.0)
BASELINE_LEVELS = (3.0, 15.0)
LAST_CONTACT_SPREAD_DAYS = 180
RESPONSE_LAG_DAYS = {"ivig": 2, "prednisone": 4, "dexamethasone": 4, "eltrombopag": 14,
                     "romiplostim": 14, "rituximab": 28}
"""Days from the start of a drug to a response: IVIG faster than steroids, TPO-RAs and rituximab
over weeks (C2, drug timing from memory, unverified). [Design]"""


def itp_patient_id(index: int) -> str:
    return f"ITP-{index + 1:06d}"


@dataclass(frozen=True, slots=True)
class ItpHistory:
    last_day: int
    phase: str
    lines: tuple[Course, ...]
    responses: tuple[bool, ...]
    knots: tuple[tuple[int, float], ...]
    """(day, platelet level) steps; the level holds until the next knot."""


def phase_of(days_since_diagnosis: int) -> str:
    if days_since_diagnosis <= NEWLY_DIAGNOSED_LAST_DAY:
        return "newly-diagnosed"
    if days_since_diagnosis <= PERSISTENT_LAST_DAY:
        return "persistent"
    return "chronic"


def _follow_up(rng: np.random.Generator, config: SimulationConfig) -> int:
    u = rng.random()
    if u < config.itp_newly_diagnosed_share:
        return uniform_int(rng, 14, NEWLY_DIAGNOSED_LAST_DAY)
    if u < config.itp_newly_diagnosed_share + config.itp_persistent_share:
        return uniform_int(rng, NEWLY_DIAGNOSED_LAST_DAY + 1, PERSISTENT_LAST_DAY)
    return uniform_int(rng, PERSISTENT_LAST_DAY + 1, 4 * PERSISTENT_LAST_DAY)


def _responding_level(rng: np.random.Generator, baseline: float) -> float:
    if rng.random() < 0.6:
        return float(rng.uniform(*COMPLETE_RESPONSE_LEVELS))
    return max(float(rng.uniform(*RESPONSE_LEVELS)), 2.5 * baseline)


def draw_history(rng: np.random.Generator, config: SimulationConfig, body: Body) -> ItpHistory:
    last_day = _follow_up(rng, config)
    baseline = float(rng.uniform(*BASELINE_LEVELS))
    knots: list[tuple[int, float]] = [(0, baseline)]
    lines: list[Course] = []
    responses: list[bool] = []
    newly = last_day <= NEWLY_DIAGNOSED_LAST_DAY
    if newly and rng.random() < config.itp_observation_only:
        if rng.random() < 0.5:  # spontaneous remission while observed [Design]
            knots.append((uniform_int(rng, 14, last_day), float(rng.uniform(60.0, 150.0))))
        return ItpHistory(last_day, phase_of(last_day), (), (), tuple(knots))
    drug = FIRST_LINE[uniform_int(rng, 0, len(FIRST_LINE) - 1)]
    lines.append(prescribe(drug, 0, last_day, body))
    responded = bool(rng.random() < config.itp_first_line_response)
    responses.append(responded)
    day = RESPONSE_LAG_DAYS[drug]
    if responded:
        knots.append((day, _responding_level(rng, baseline)))
        if newly:
            return ItpHistory(last_day, phase_of(last_day), tuple(lines), (True,), tuple(knots))
        day += uniform_int(rng, 20, 60)  # transient response, relapse off steroids/IVIG
        knots.append((day, float(rng.uniform(*NO_RESPONSE_LEVELS))))
    else:
        knots.append((day, float(rng.uniform(*NO_RESPONSE_LEVELS))))
    later = list(LATER_LINE)
    rng.shuffle(later)
    for drug in later:
        start = day + uniform_int(rng, 14, 45)
        if newly or start > last_day - 28:
            break
        lines[-1] = _stopped_before(lines[-1], start)
        lines.append(prescribe(drug, start, last_day, body))
        responded = bool(rng.random() < config.itp_later_line_response)
        responses.append(responded)
        day = start + RESPONSE_LAG_DAYS[drug]
        level = knots[-1][1]
        knots.append((day, _responding_level(rng, level) if responded else level))
        if responded:
            break
    return ItpHistory(last_day, phase_of(last_day), tuple(lines), tuple(responses), tuple(knots))


def _stopped_before(course: Course, day: int) -> Course:
    """A failed open-ended course (TPO receptor agonist) stops when the next line starts."""
    if course.end_day is not None and course.end_day < day:
        return course
    return replace(course, end_day=day - 1)


def _sampling_days(history: ItpHistory) -> list[int]:
    days = {0, 1, 2, 3, 5, 7, *range(14, 57, 7), *range(84, history.last_day + 1, 28)}
    for course in history.lines:
        days.update(course.start_day + d for d in (0, 2, 4, 7, 14, 21, 28))
    days.update(day for day, _ in history.knots)
    days.add(history.last_day)
    return sorted(d for d in days if 0 <= d <= history.last_day)


def _platelet_levels(history: ItpHistory, days: list[int]) -> np.ndarray:
    knot_days = np.array([day for day, _ in history.knots])
    levels = np.array([level for _, level in history.knots])
    return np.asarray(levels[np.searchsorted(knot_days, np.array(days), side="right") - 1])


def simulate_itp_patient(config: SimulationConfig, index: int) -> SimulatedPatient:
    rng = patient_rng(config.seed, ITP_STREAM, index)
    patient_id = itp_patient_id(index)
    center = uniform_int(rng, 0, config.centers - 1)
    body = draw_body(rng, 1.0, 18.0)
    history = draw_history(rng, config, body)
    # Diagnosed so that the last contact falls within the transplant cohort's calendar span.
    last_contact = uniform_int(rng, 0, ENROLMENT_SPAN_DAYS + LAST_CONTACT_SPREAD_DAYS)
    origin = COHORT_EPOCH + timedelta(days=last_contact - history.last_day)
    profile = profile_for_center(center)
    days = _sampling_days(history)
    platelets = noisy(rng, "platelets", _platelet_levels(history, days))
    hemoglobin = noisy(rng, "hemoglobin", np.full(len(days), rng.uniform(11.0, 13.5)))
    observations: list[Row] = []
    for day, plt, hb in zip(days, platelets.tolist(), hemoglobin.tolist(), strict=True):
        time = f"{day_to_date(origin, day).isoformat()}T09:00:00"
        observations.append((patient_id, time, *report(profile, "platelets", plt)))
        observations.append((patient_id, time, *report(profile, "hemoglobin", hb)))
    start = f"{origin.isoformat()}T09:00:00"
    observations.append((patient_id, start, *report(profile, "weight", body.weight_kg)))
    observations.append((patient_id, start, *report(profile, "height", body.height_cm)))
    observations.sort(key=lambda row: (row[1], row[2]))
    grade = 1 if rng.random() < 0.7 else 2
    events: list[Row] = [(patient_id, f"{origin.isoformat()}T09:00:00", "bleeding", str(grade),
               "petechiae and bruising")]
    medications = [course.row(patient_id, origin) for course in history.lines]
    center_name = f"C{center + 1:02d}"
    patient = (patient_id, iso(origin - timedelta(days=round(body.age_years * 365.25))),
               body.sex, center_name, "", "", "", "", iso(origin), "", "",
               iso(day_to_date(origin, history.last_day)))
    return SimulatedPatient(patient, observations, medications, events,
                            _truth(patient_id, center_name, body, history))


def _truth(patient_id: str, center: str, body: Body, history: ItpHistory) -> dict[str, str]:
    failed = sum(not r for r in history.responses)
    treated = bool(history.responses)
    return {
        "patient_id": patient_id, "cohort": "itp", "center": center,
        "age_at_index_years": number(body.age_years, 2), "died": "false",
        "itp_phase": history.phase, "itp_lines": str(len(history.lines)),
        "itp_first_line_response": flag(history.responses[0]) if treated else "",
        "itp_failed_lines": str(failed),
        "itp_refractory": flag(treated and len(history.lines) >= 2 and not any(history.responses)),
    }


__all__ = ["ItpHistory", "simulate_itp_patient"]
