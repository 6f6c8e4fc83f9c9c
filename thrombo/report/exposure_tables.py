"""The report's exposure tables: what each child received, and resolution by exposure group.

Numbers come from thrombo.analytics.exposure and exposure_response; this module only formats.
The exposure table shows single children, so it is left out under small-count suppression
(the caller decides, as for the swimmer plot); the group table suppresses small counts itself.
"""

from __future__ import annotations

from thrombo.analytics.exposure import DEFIBROTIDE, PLANNED_SOURCE, DrugExposure
from thrombo.analytics.exposure_response import EXPOSURE_WARNINGS
from thrombo.analytics.study_results import StudyResults
from thrombo.report.tables import Row, Table, confidence, percent, proportion_cells


def _number(value: float | None, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:.{digits}f}"


def _interruptions(course: DrugExposure) -> str:
    if not course.interruptions:
        return "none"
    hours = sum(i.hours for i in course.interruptions)
    reasons = "; ".join(f"{i.start_day} {i.hours:g} h ({i.reason})" for i in course.interruptions)
    return f"{len(course.interruptions)}, {hours:g} h in all: {reasons}"


def _concomitant(others: list[DrugExposure]) -> str:
    if not others:
        return "none"
    return "; ".join(f"{o.drug} from day {o.day_from_treatment_start} ({o.start}), "
                     f"{o.given_doses} record(s)" for o in others)


def exposure_table(results: StudyResults) -> Table:
    """One row per treated child: the defibrotide course and any concomitant TA-TMA therapy."""
    by_patient: dict[str, list[DrugExposure]] = {}
    for row in results.exposure:
        by_patient.setdefault(row.patient_id, []).append(row)
    rows: list[Row] = []
    for pid, drugs in by_patient.items():
        main = next((d for d in drugs if d.drug == DEFIBROTIDE), None)
        others = [d for d in drugs if d.drug != DEFIBROTIDE]
        if main is None:
            rows.append((pid, "-", "-", "-", "-", "-", "-", _concomitant(others)))
            continue
        days = f"{main.course_days}" + (" (short)" if main.shortened else "")
        rows.append((pid, main.start.isoformat(), days,
                     _number(main.received_mg_per_kg_day),
                     "unknown" if main.relative_dose_intensity is None
                     else percent(main.relative_dose_intensity, 0),
                     _number(main.cumulative_mg_per_kg, 0), _interruptions(main),
                     _concomitant(others)))
    return Table(("Patient", "Defibrotide start", "Course days", "Received mg/kg/day",
                  "Dose intensity", "Cumulative mg/kg", "Interruptions (reason)",
                  "Concomitant TA-TMA therapy"), tuple(rows),
                 f"Planned: 25 mg/kg/day in four doses for at least 14 days ({PLANNED_SOURCE}), "
                 "on the weight before conditioning. Dose intensity = received over planned "
                 "doses from the first to the last dose. An interruption is a gap of more than "
                 "one 6-hour dosing interval; its reason is the record's, or a bleed, procedure "
                 "or anticoagulant around it. An order recorded from start to end is taken as "
                 "given in full.")


def exposure_response_table(results: StudyResults) -> Table:
    """Resolution by day 28 in each exposure group, with Fisher's exact test."""
    result, hide = results.exposure_response, results.suppression
    if result is None:
        return Table(("Exposure group",), ())
    rows: list[Row] = []
    for c in result.comparisons:
        hidden = any(g is not None and "suppressed" in proportion_cells(g, hide)
                     for g in c.groups)
        test = ("suppressed" if hidden else c.note if c.p_value is None
                else f"p = {c.p_value:.3f} (odds ratio {_number(c.odds_ratio, 2)})")
        for i, (label, group) in enumerate(zip(c.labels, c.groups, strict=True)):
            rows.append((f"{c.factor.replace('_', ' ')} {label}", *proportion_cells(group, hide),
                         (test or "-") if i == 0 else "(same test)"))
    dose_time = result.dose_time
    association = (dose_time.note if dose_time.rho is None else
                   f"Spearman rho = {dose_time.rho:.2f} (p = {_number(dose_time.p_value, 3)}, "
                   f"n = {len(dose_time.points)})")
    if hide.on and hide.hides(len(dose_time.points)):
        association = "suppressed"
    return Table(("Exposure group", "Resolved by day 28 (k/n)", "Rate",
                  f"{confidence(results)} CI (Clopper-Pearson)", "Fisher's exact test"),
                 tuple(rows),
                 f"{result.caution} Time to resolution against the dose received in the first "
                 f"{dose_time.window_days} days (resolved patients): {association}. "
                 f"Design choices: {'; '.join(EXPOSURE_WARNINGS)}.")
