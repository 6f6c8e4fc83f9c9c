"""The TA-TMA protocol plan for one patient: defibrotide per seed 000, eculizumab as alternative.

- Diagnosis: the screening engine (thrombo.rules.screening) under a named criteria set.
- Defibrotide 6.25 mg/kg q6h on the weight before conditioning (label B1 [S]): the last weight on
  or before `conditioning_start_date`. Without one, the latest weight is used with a warning that
  the label asks for the pre-conditioning weight; without any weight, no dose.
- Course (seed 000 protocol): at least 14 days, reassessed on day 14 and day 28 (day 0 = first
  dose: the first defibrotide dose recorded on or after diagnosis, else as-of as a planned start).
- Holds and contraindications from the record (thrombo.plans.defibrotide_record).
- Eculizumab (aHUS label tiers as the starting dose, level-guided; B3) for high-risk TA-TMA.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from thrombo.domain.evidence import Evidence, RuleSet
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.defibrotide import BEFORE_EACH_DOSE, PROTOCOL
from thrombo.dosing.defibrotide_holds import CLASSES, HOURS_BEFORE_PROCEDURE
from thrombo.dosing.eculizumab import LEVEL_GUIDED
from thrombo.dosing.inputs import DoseInputs
from thrombo.plans.defibrotide_record import (
    DEFIBROTIDE,
    OPEN_BLEEDING_HOURS,
    CheckWindow,
    record_holds,
)
from thrombo.plans.facts import age_years, dose_for, latest_measure
from thrombo.plans.plan_end import death_as_of, end_for_death
from thrombo.plans.result import BodyInput, OptionStatus, Plan, PlanHold, PlanOption, Reason
from thrombo.plans.tma_course import (
    ADMINISTRATION_GAP_HOURS,
    Course,
    Phase,
    course_json,
    defibrotide_course,
    phase_of,
    resolution,
)
from thrombo.plans.tma_reasons import diagnosed, eculizumab_by_risk, inactive, resolved
from thrombo.response.tma import TmaResponse
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import DEFAULT, criteria_set
from thrombo.rules.screening import screen_patient
from thrombo.rules.screening_results import ScreeningResult

PROTOCOL_VERSION = "1"
RULE = "ta-tma-protocol"
PRE_CONDITIONING = "last weight on or before conditioning start (label weight basis)"
MONITORING = (
    BEFORE_EACH_DOSE,
    "bleeding review before each dose: withhold for persistent, severe or life-threatening "
    "bleeding; discontinue for recurrent significant bleeding (label)",
    "blood pressure and haemodynamics: hypotension is a common adverse effect (label)",
    "TA-TMA markers for the resolution endpoint: LDH, platelet count, haemoglobin, schistocytes, "
    "haptoglobin; transfusion needs (seed 000, clinical reference A8)",
    "organ recovery: creatinine/eGFR, urine protein/creatinine ratio, blood pressure, "
    "neurological status (clinical reference A8)",
    f"stop at least {HOURS_BEFORE_PROCEDURE:g} h before any invasive procedure",
    "no systemic anticoagulant or fibrinolytic during the course (contraindicated)",
)
# After resolution (seed 000: the endpoint markers), what follow-up watches for: relapse and
# organ recovery (clinical reference A8); the visit schedule is the centre's.
FOLLOW_UP = (
    "TA-TMA resolved: follow-up for relapse (LDH, platelet count, haemoglobin, schistocytes, "
    "haptoglobin, blood pressure, urine protein) on the centre's schedule",
    "organ recovery: creatinine/eGFR, urine protein/creatinine ratio, blood pressure, "
    "neurological status (clinical reference A8)",
)
WASHOUT_HOURS = {c.name: c.washout_hours for c in CLASSES}
DISCUSSION_DEFIBROTIDE = (
    "treatment of TA-TMA with defibrotide is off-label (licensed for hepatic VOD); the study "
    "protocol gives it for at least 14 days",
    "common side effects: low blood pressure, diarrhoea, nausea and vomiting, nosebleeds; "
    "bleeding risk is watched before every dose",
)
DISCUSSION_ECULIZUMAB = (
    "meningococcal vaccination before treatment where feasible, otherwise antibiotic prophylaxis",
    "doses are adjusted to drug levels (blood tests), so the schedule may change",
)


def defibrotide_weight(known: PatientTimeline, as_of: date) -> tuple[BodyInput | None, list[str]]:
    """The pre-conditioning weight, else the latest weight with a warning, else none."""
    start = known.patient.conditioning_start_date
    if start is not None:
        before = latest_measure(known, "weight", min(start, as_of), PRE_CONDITIONING)
        if before is not None:
            return before, []
    latest = latest_measure(known, "weight", as_of)
    why = (
        "conditioning start date not recorded"
        if start is None
        else f"no weight recorded on or before conditioning start {start.isoformat()}"
    )
    if latest is None:
        return None, [f"defibrotide: {why} and no weight at all: no dose; record the weight"]
    return replace(latest, basis="latest weight (fallback)"), [
        f"defibrotide: {why}; dosed on the latest weight {latest.value:g} kg "
        f"({latest.day.isoformat()}), but the label requires the weight before the conditioning "
        "regimen: confirm the dosing weight"
    ]


def _course_reason(course: Course, course_doc: dict[str, Any]) -> Reason:
    first, last = course.records[0], course.records[-1]
    evidence = tuple(
        Evidence(RULE, what, course_day, m.id)
        for what, course_day, m in (
            ("first defibrotide record", course.start, first),
            ("last defibrotide record", course.last_dose, last),
        )
    )
    if course.running:
        text = f"defibrotide running since {course_doc['start']}: day {course_doc['day_of_course']}"
    elif course.ended_by_death:
        text = (f"defibrotide course from {course_doc['start']} ended on "
                f"{course_doc['last_administration']}: the patient died")  # fmt: skip
    else:
        text = (f"defibrotide course given {course_doc['start']} to "
                f"{course_doc['last_administration']} ({course_doc['days_given']} days): the "
                "course ended at its last administration")  # fmt: skip
    return Reason(text, evidence)


def _defibrotide_status(
    known: PatientTimeline,
    screening: ScreeningResult,
    holds: tuple[PlanHold, ...],
    course: Course,
    course_doc: dict[str, Any],
    done: TmaResponse | None,
    not_active: Reason | None,
) -> tuple[OptionStatus, tuple[Reason, ...]]:
    blocking = [h for h in holds if h.finding.action.value != "warn"]
    if course.ended_by_death:
        return OptionStatus.ENDED, (_course_reason(course, course_doc),)
    if course.given and not course.running:
        after = resolved(done) if done else Reason(
            "TA-TMA not resolved as of the plan's day: review; a new course is a clinical "
            "decision, not suggested by the plan")
        return OptionStatus.COMPLETED, (_course_reason(course, course_doc), after)
    if blocking:
        return OptionStatus.BLOCKED, tuple(Reason(_hold_text(h), h.evidence) for h in blocking)
    if course.running:
        extra = (resolved(done),) if done else ()
        return OptionStatus.IN_PROGRESS, (_course_reason(course, course_doc), *extra)
    if done is not None:
        return OptionStatus.NOT_YET, (resolved(done),)
    if screening.status != "ta-tma":
        return OptionStatus.NOT_YET, (Reason(f"TA-TMA not diagnosed (status {screening.status})"),)
    if not_active is not None:
        return OptionStatus.NOT_YET, (diagnosed(known, screening), not_active)
    return OptionStatus.SUGGESTED, (
        diagnosed(known, screening), Reason("protocol treatment (seed 000)"))


def _hold_text(hold: PlanHold) -> str:
    until = hold.finding.until
    return hold.finding.reason if until is None or until.isoformat() in hold.finding.reason else (
        f"{hold.finding.reason} (until {until.isoformat()})")


def _eculizumab_status(
    known: PatientTimeline, chosen: CriteriaSet, screening: ScreeningResult,
    done: TmaResponse | None, not_active: Reason | None,
) -> tuple[OptionStatus, tuple[Reason, ...]]:
    if done is not None:
        return OptionStatus.NOT_YET, (resolved(done),)
    if screening.status != "ta-tma":
        return OptionStatus.NOT_YET, (Reason("TA-TMA not diagnosed"),)
    if chosen.high_risk is None:
        return OptionStatus.NOT_YET, (Reason("this criteria set has no high-risk definition"),)
    if not_active is not None:
        return OptionStatus.NOT_YET, (not_active,)
    return eculizumab_by_risk(known, chosen, screening)


def tma_protocol(
    timeline: PatientTimeline,
    as_of: date,
    criteria: str = DEFAULT,
    at: datetime | None = None,
    line_heparin_blocks: bool = False,
    screened: ScreeningResult | None = None,
) -> Plan:
    """The TA-TMA protocol plan on the whole record known by the end of `as_of`: the course
    given, its resolution and the patient's death decide what is still offered. `screened`:
    the patient's screening under `criteria` as of `as_of` when the caller has it (the
    dashboard's stored result), else screened here."""
    known = timeline.as_of(as_of)
    chosen = criteria_set(criteria)
    screening = screened if screened is not None else screen_patient(timeline, chosen, as_of)
    weight, warnings = defibrotide_weight(known, as_of)
    # Age, sex and the weight's date let the dose question a weight far off the growth chart
    # for the child's age when weighed; defibrotide's pre-conditioning weight is its label's
    # baseline however old (no re-weigh note).
    child = DoseInputs(age_years=age_years(known, as_of), sex=known.patient.sex, as_of=as_of)
    defib = dose_for(DEFIBROTIDE, replace(child, weight_kg=_kg(weight), indication="ta-tma",
                                          weight_date=None if weight is None else weight.day,
                                          baseline_weight=True))
    window = CheckWindow.at(at) if at is not None else CheckWindow.day(known, as_of)
    death = death_as_of(known, as_of)
    course = defibrotide_course(known, screening.first_met, window.last, death)
    course_doc = course_json(course, as_of) if course.given or death is None else {}
    done = resolution(known, as_of)
    resolved_on = None if done is None else done.response_date
    holds = record_holds(known, window, line_heparin_blocks)
    # Diagnosed but not active on the plan's day: why, with the day's criteria (None otherwise).
    not_active = inactive(known, chosen, screening, as_of) if (
        screening.status == "ta-tma" and not screening.active) else None
    status, reasons = _defibrotide_status(known, screening, holds, course, course_doc, done,
                                          not_active)
    latest = latest_measure(known, "weight", as_of)
    ecu = dose_for("eculizumab", replace(child, weight_kg=_kg(latest),
                                         weight_date=None if latest is None else latest.day))
    ecu_status, ecu_reasons = _eculizumab_status(known, chosen, screening, done, not_active)
    if ecu.refused:
        ecu_status, ecu_reasons = OptionStatus.NOT_SUITABLE, (Reason(ecu.refused), *ecu_reasons)
    options = [
        PlanOption(DEFIBROTIDE, "endothelial protection", 1, "protocol treatment (seed 000)",
                   status, reasons, defib.dose, defib.missing or defib.refused,
                   DISCUSSION_DEFIBROTIDE,
                   defib.dose.sources if defib.dose else (PROTOCOL,)),
        PlanOption("eculizumab", "complement C5 inhibitor", 2,
                   "alternative for high-risk TA-TMA", ecu_status, ecu_reasons,
                   None if ecu_status is OptionStatus.NOT_SUITABLE else ecu.dose, ecu.missing,
                   DISCUSSION_ECULIZUMAB, ecu.dose.sources if ecu.dose else ()),
    ]  # fmt: skip
    options = _mark_next(options)
    if screening.status != "ta-tma" and resolved_on is None:
        warnings.insert(0, f"TA-TMA not diagnosed by {chosen.name} as of {as_of.isoformat()} "
                           f"(status {screening.status}): the plan is for if it is")  # fmt: skip
    warnings += _option_warnings(options, ecu_status, ecu.dose is None)
    warnings += [f"defibrotide hold: {c}" for c in dict.fromkeys(
        h.finding.caution for h in holds if h.finding.caution)]  # fmt: skip
    warnings += [*chosen.warnings, *screening.warnings]
    rules = RuleSet(RULE, PROTOCOL_VERSION, tuple({
        "criteria": chosen.rules_json(),
        "protocol": "seed-000",
        "weight_basis": "before conditioning",
        "holds_checked": window.describe(),
        "open_bleeding_hours": OPEN_BLEEDING_HOURS,
        "anticoagulant_washout_hours": WASHOUT_HOURS,
        "line_heparin_blocks": line_heparin_blocks,
        "course_end": "last administration; administrations with none in the last "
                      f"{ADMINISTRATION_GAP_HOURS} h have stopped ([Design])",
        "resolution": "tma-resolution-000 (thrombo.response.tma): resolved -> follow-up",
    }.items()))  # fmt: skip
    phase = phase_of(screening.status == "ta-tma", course, resolved_on, death)
    plan = Plan(
        condition="ta-tma", patient_id=timeline.patient_id, as_of=as_of, rules=rules,
        options=tuple(options), summary=_summary(known, chosen.name, screening, phase,
                                                  resolved_on),
        inputs={"defibrotide_weight": weight, "latest_weight": latest},
        holds=holds if course.running or not course.given else (), course=course_doc,
        monitoring=FOLLOW_UP if phase is Phase.FOLLOW_UP else MONITORING,
        warnings=tuple(dict.fromkeys(warnings)),
        sources=tuple(dict.fromkeys((PROTOCOL, *(s for o in options for s in o.sources)))),
    )  # fmt: skip
    if death is not None:
        return end_for_death(replace(plan, warnings=()), death)
    return plan


def _option_warnings(
    options: list[PlanOption], ecu_status: OptionStatus, ecu_undosed: bool
) -> list[str]:
    """Dose warnings of the options still offered (nothing for a finished or future one)."""
    offered = (OptionStatus.SUGGESTED, OptionStatus.IN_PROGRESS, OptionStatus.BLOCKED)
    out = [f"{o.drug}: {w}" for o in options if o.dose is not None and o.status in offered
           for w in o.dose.warnings]  # fmt: skip
    if ecu_status is OptionStatus.SUGGESTED and ecu_undosed:
        out.append(f"eculizumab: {LEVEL_GUIDED}")
    return out


def _summary(
    known: PatientTimeline, criteria: str, screening: ScreeningResult, phase: Phase,
    resolved_on: date | None,
) -> dict[str, Any]:
    patient = known.patient
    return {
        "plan_state": "follow-up" if phase is Phase.FOLLOW_UP else "active",
        "course_phase": phase.value,
        "criteria": criteria,
        "status": screening.status,
        "diagnosis_date": None if screening.first_met is None else screening.first_met.isoformat(),
        "active": screening.active,
        "criteria_met": list(screening.criteria_met),
        "high_risk": screening.high_risk,
        "high_risk_features": list(screening.high_risk_features),
        "resolution_date": None if resolved_on is None else resolved_on.isoformat(),
        "hsct_date": None if patient.hsct_date is None else patient.hsct_date.isoformat(),
        "conditioning_start_date": None
        if patient.conditioning_start_date is None
        else patient.conditioning_start_date.isoformat(),
    }


def _kg(weight: BodyInput | None) -> float | None:
    return None if weight is None else weight.value


def _mark_next(options: list[PlanOption]) -> list[PlanOption]:
    """Defibrotide while suggested or running; eculizumab when it is the suggested alternative."""
    live = (OptionStatus.SUGGESTED, OptionStatus.IN_PROGRESS)
    first = min((o.step for o in options if o.status in live), default=None)
    return [replace(o, is_next=o.step == first and o.status in live) for o in options]
