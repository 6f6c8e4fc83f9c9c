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
from datetime import date, datetime, timedelta
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.defibrotide import (
    BEFORE_EACH_DOSE,
    PROTOCOL,
    TA_TMA_MIN_DAYS,
    TA_TMA_REASSESS_DAYS,
)
from thrombo.dosing.defibrotide_holds import HOURS_BEFORE_PROCEDURE
from thrombo.dosing.eculizumab import LEVEL_GUIDED
from thrombo.dosing.inputs import DoseInputs
from thrombo.plans.defibrotide_record import (
    DEFIBROTIDE,
    OPEN_BLEEDING_HOURS,
    CheckWindow,
    record_holds,
)
from thrombo.plans.facts import dose_for, latest_measure
from thrombo.plans.result import BodyInput, OptionStatus, Plan, PlanHold, PlanOption, Reason
from thrombo.rules.itp.evidence import Evidence, RuleSet
from thrombo.rules.registry import DEFAULT, criteria_set
from thrombo.rules.results import ScreeningResult
from thrombo.rules.screening import screen_patient

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


def course_plan(known: PatientTimeline, diagnosis: date | None, as_of: date) -> dict[str, Any]:
    """Course dates: day 0 is the first defibrotide dose on or after diagnosis, else as-of."""
    given = [
        m
        for m in known.medications_of(DEFIBROTIDE)
        if diagnosis is None or known.local_day(m.start) >= diagnosis
    ]
    started = known.local_day(given[0].start) if given else None
    start = started or as_of
    return {
        "start": start.isoformat(),
        "start_basis": "first defibrotide dose recorded" if started else "planned: as-of date",
        "first_dose_record": given[0].id if given else None,
        "day_of_course": (as_of - start).days if started else None,
        "minimum_days": TA_TMA_MIN_DAYS,
        "earliest_stop": (start + timedelta(days=TA_TMA_MIN_DAYS)).isoformat(),
        "reassess": [
            {"day": n, "date": (start + timedelta(days=n)).isoformat()}
            for n in TA_TMA_REASSESS_DAYS
        ],
        "day_numbering": "day 0 = first dose",
    }


def _defibrotide_status(
    known: PatientTimeline,
    screening: ScreeningResult,
    holds: tuple[PlanHold, ...],
    course: dict[str, Any],
) -> tuple[OptionStatus, tuple[Reason, ...]]:
    blocking = [h for h in holds if h.finding.action.value != "warn"]
    if blocking:
        return OptionStatus.BLOCKED, tuple(Reason(h.finding.reason, h.evidence) for h in blocking)
    if screening.status != "ta-tma":
        return OptionStatus.NOT_YET, (Reason(f"TA-TMA not diagnosed (status {screening.status})"),)
    diagnosed = Reason(
        f"TA-TMA diagnosed on {screening.first_met}: criteria met "
        f"{', '.join(screening.criteria_met)}",
        tuple(Evidence(RULE, e.criterion, known.local_day(e.time), e.observation_id)
              for e in screening.evidence),
    )  # fmt: skip
    if course["day_of_course"] is not None:
        return OptionStatus.IN_PROGRESS, (
            diagnosed,
            Reason(f"defibrotide running since {course['start']}: day {course['day_of_course']}"),
        )
    return OptionStatus.SUGGESTED, (diagnosed, Reason("protocol treatment (seed 000)"))


def _eculizumab_status(
    screening: ScreeningResult, has_definition: bool
) -> tuple[OptionStatus, tuple[Reason, ...]]:
    if screening.status != "ta-tma":
        return OptionStatus.NOT_YET, (Reason("TA-TMA not diagnosed"),)
    if not has_definition:
        return OptionStatus.NOT_YET, (Reason("this criteria set has no high-risk definition"),)
    if screening.high_risk:
        features = ", ".join(screening.high_risk_features)
        return OptionStatus.SUGGESTED, (
            Reason(
                f"high-risk TA-TMA ({features}): eculizumab is "
                "the main alternative (clinical reference B)"
            ),
        )
    if screening.high_risk is None:
        return OptionStatus.NOT_YET, (Reason("high-risk features not measured (indeterminate)"),)
    return OptionStatus.NOT_YET, (Reason("not high-risk at diagnosis"),)


def tma_protocol(
    timeline: PatientTimeline,
    as_of: date,
    criteria: str = DEFAULT,
    at: datetime | None = None,
    prophylactic_anticoagulant_blocks: bool = False,
) -> Plan:
    """The TA-TMA protocol plan on what was known by the end of `as_of`."""
    known = timeline.as_of(as_of)
    chosen = criteria_set(criteria)
    screening = screen_patient(timeline, chosen, as_of)
    weight, warnings = defibrotide_weight(known, as_of)
    defib = dose_for(DEFIBROTIDE, DoseInputs(weight_kg=_kg(weight), indication="ta-tma"))
    course = course_plan(known, screening.first_met, as_of)
    window = CheckWindow.at(at) if at is not None else CheckWindow.day(known, as_of)
    holds = record_holds(known, window, prophylactic_anticoagulant_blocks)
    status, reasons = _defibrotide_status(known, screening, holds, course)
    latest = latest_measure(known, "weight", as_of)
    ecu = dose_for("eculizumab", DoseInputs(weight_kg=_kg(latest)))
    ecu_status, ecu_reasons = _eculizumab_status(screening, chosen.high_risk is not None)
    if ecu.refused:
        ecu_status, ecu_reasons = OptionStatus.NOT_SUITABLE, (Reason(ecu.refused), *ecu_reasons)
    options = [
        PlanOption(DEFIBROTIDE, "endothelial protection", 1, "protocol treatment (seed 000)",
                   status, reasons, defib.dose, defib.missing, DISCUSSION_DEFIBROTIDE,
                   defib.dose.sources if defib.dose else (PROTOCOL,)),
        PlanOption("eculizumab", "complement C5 inhibitor", 2,
                   "alternative for high-risk TA-TMA", ecu_status, ecu_reasons,
                   None if ecu_status is OptionStatus.NOT_SUITABLE else ecu.dose, ecu.missing,
                   DISCUSSION_ECULIZUMAB, ecu.dose.sources if ecu.dose else ()),
    ]  # fmt: skip
    options = _mark_next(options)
    if screening.status != "ta-tma":
        warnings.insert(0, f"TA-TMA not diagnosed by {chosen.name} as of {as_of.isoformat()} "
                           f"(status {screening.status}): the plan is for if it is")  # fmt: skip
    for option in options:
        if option.dose is not None and option.status is not OptionStatus.NOT_YET:
            warnings += [f"{option.drug}: {w}" for w in option.dose.warnings]
    if ecu_status is OptionStatus.SUGGESTED and ecu.dose is None:
        warnings.append(f"eculizumab: {LEVEL_GUIDED}")
    warnings += [*chosen.warnings, *screening.warnings]
    rules = RuleSet(RULE, PROTOCOL_VERSION, tuple({
        "criteria": chosen.rules_json(),
        "protocol": "seed-000",
        "weight_basis": "before conditioning",
        "holds_checked": window.describe(),
        "open_bleeding_hours": OPEN_BLEEDING_HOURS,
        "prophylactic_anticoagulant_blocks": prophylactic_anticoagulant_blocks,
    }.items()))  # fmt: skip
    patient = known.patient
    summary = {
        "criteria": chosen.name,
        "status": screening.status,
        "diagnosis_date": None if screening.first_met is None else screening.first_met.isoformat(),
        "active": screening.active,
        "criteria_met": list(screening.criteria_met),
        "high_risk": screening.high_risk,
        "high_risk_features": list(screening.high_risk_features),
        "hsct_date": None if patient.hsct_date is None else patient.hsct_date.isoformat(),
        "conditioning_start_date": None
        if patient.conditioning_start_date is None
        else patient.conditioning_start_date.isoformat(),
    }
    return Plan(
        condition="ta-tma", patient_id=timeline.patient_id, as_of=as_of, rules=rules,
        options=tuple(options), summary=summary,
        inputs={"defibrotide_weight": weight, "latest_weight": latest},
        holds=holds, course=course, monitoring=MONITORING,
        warnings=tuple(dict.fromkeys(warnings)),
        sources=tuple(dict.fromkeys((PROTOCOL, *(s for o in options for s in o.sources)))),
    )  # fmt: skip


def _kg(weight: BodyInput | None) -> float | None:
    return None if weight is None else weight.value


def _mark_next(options: list[PlanOption]) -> list[PlanOption]:
    """Defibrotide while suggested or running; eculizumab when it is the suggested alternative."""
    live = (OptionStatus.SUGGESTED, OptionStatus.IN_PROGRESS)
    first = min((o.step for o in options if o.status in live), default=None)
    return [replace(o, is_next=o.step == first and o.status in live) for o in options]
