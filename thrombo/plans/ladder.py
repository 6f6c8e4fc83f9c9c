"""The ITP treatment ladder for one child: the next options in guideline order, with doses.

Each rung of the named policy (thrombo.plans.ladder_data) gets a status and its reasons:
- tried before: the latest course's IWG response decides (failed / responded / not evaluable);
- observation: suggested for newly diagnosed ITP with no or skin-only bleeding (C3, C4);
- first line: suggested until first line is behind the child, then short-term use only;
- second line (dexamethasone pulses, rituximab, TPO-RA): not yet until first line is behind;
- cytotoxics: only once rituximab and a TPO-RA have failed (seed 002: "when other treatments have
  failed"), and always with the counselling points;
- anti-D: not suitable after splenectomy, with Hb < 8 g/dL (latest Hb), Rh(D)-negative, or a
  positive DAT (autoimmune haemolysis); a refused dose makes any option not suitable.
The next options are the suggested ones of the lowest step; severe bleeding puts rescue first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from thrombo.domain.evidence import Evidence, RuleSet
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.recommendation import UNVERIFIED
from thrombo.plans.bleeding_now import CURRENT_BLEEDING_DAYS, BleedingLevel, CurrentBleeding
from thrombo.plans.bleeding_now import current_bleeding as read_current_bleeding
from thrombo.plans.facts import STALE_WEIGHT_DAYS, BodySize, body_size, dose_for, rh_d_positive
from thrombo.plans.ladder_data import (
    ANTI_CD20,
    CYTOTOXIC,
    DEFAULT_POLICY,
    FIRST_LINE,
    LADDER_VERSION,
    OBSERVATION,
    OBSERVATION_UNVERIFIED,
    RESCUE,
    RESCUE_FIRST,
    SECOND_LINE_STEPS,
    STEP_NAMES,
    TPO_RA,
    Policy,
    Rung,
    ordered_rungs,
    policy_named,
)
from thrombo.plans.ladder_history import (
    FIRST_LINE_RULE,
    RULE,
    History,
    course_reason,
    tried_status,
)
from thrombo.plans.ladder_suitability import anti_d_against, romiplostim_against
from thrombo.plans.result import OptionStatus, Plan, PlanOption, Reason
from thrombo.response.itp_patient import ItpClassification, assess_itp, classify_itp


@dataclass(frozen=True)
class LadderContext:
    timeline: PatientTimeline
    as_of: date
    policy: Policy
    itp: ItpClassification
    history: History
    bleeding: CurrentBleeding
    body: BodySize
    first_line_behind: bool
    first_line_reasons: tuple[Reason, ...]

    @property
    def observation_fits(self) -> bool:
        return self.itp.phase == "newly-diagnosed" and self.bleeding.level <= BleedingLevel.SKIN


def _phase(ctx: LadderContext) -> Reason:
    """The phase with the dates and day cut-offs it rests on (IWG 2009, C1)."""
    diagnosis = ctx.timeline.patient.itp_diagnosis_date
    if diagnosis is None or ctx.itp.phase is None:
        return Reason("no ITP diagnosis date: phase unknown")
    cut = ctx.itp.phase_cutoffs
    return Reason(
        f"{ctx.itp.phase} ITP: diagnosed {diagnosis.isoformat()}, {(ctx.as_of - diagnosis).days} "
        f"days before {ctx.as_of.isoformat()} (newly diagnosed below day {cut.persistent_from}, "
        f"chronic after day {cut.chronic_after}; IWG 2009)",
        (Evidence(RULE, "ITP diagnosis date", diagnosis),),
    )


def _observation(ctx: LadderContext) -> tuple[OptionStatus, tuple[Reason, ...]]:
    bleeding = Reason(
        f"current bleeding: {ctx.bleeding.label} (last {CURRENT_BLEEDING_DAYS} days)",
        ctx.bleeding.evidence,
    )
    if ctx.itp.phase is None:
        return OptionStatus.NOT_SUITABLE, (_phase(ctx),)
    if ctx.itp.phase != "newly-diagnosed":
        return OptionStatus.NOT_SUITABLE, (
            _phase(ctx),
            Reason(
                f"{ctx.itp.phase} ITP: the observation suggestion covers newly diagnosed ITP; "
                "decide with the family on bleeding and quality of life"
            ),
        )
    if ctx.observation_fits:
        return OptionStatus.SUGGESTED, (
            bleeding,
            _phase(ctx),
            Reason(
                "newly diagnosed with no or skin-only bleeding: observation rather than "
                "corticosteroids, as an outpatient (ASH 2019, ICR 2019)"
            ),
        )
    if ctx.bleeding.level is BleedingLevel.UNGRADED:
        return OptionStatus.NOT_SUITABLE, (
            bleeding,
            Reason(
                "bleeding recorded without a grade or site: grade it before choosing observation"
            ),
        )
    return OptionStatus.NOT_SUITABLE, (
        bleeding,
        Reason("mucosal or severe bleeding: treatment rather than observation (ASH 2019)"),
    )


def _failed_note(ctx: LadderContext, drug_class: str, label: str) -> Reason | None:
    """The latest failure in the class; the evidence of every failed course (its dates, the
    baseline count and the counts that decided, from the response engine)."""
    failed = ctx.history.failed_in_class(drug_class)
    if not failed:
        return None
    t = failed[-1]
    return Reason(
        f"{label} failed: {t.course.drug} from {t.course.start.isoformat()} "
        f"({t.failure} on {t.failure_date})",
        tuple(e for f in failed for e in course_reason(f).evidence),
    )


def _untried(ctx: LadderContext, rung: Rung) -> tuple[OptionStatus, tuple[Reason, ...]]:
    if rung.step == FIRST_LINE:
        if ctx.first_line_behind:
            return OptionStatus.SHORT_TERM_ONLY, (
                Reason(
                    "first line is behind the child: usable short-term for bleeding or before a "
                    "procedure, not as the next step"
                ),
                *ctx.first_line_reasons,
            )
        why = "first-line option (ICR 2019, ASH 2019)"
        if ctx.observation_fits:
            why += "; if bleeding worsens or quality of life suffers"
        return OptionStatus.SUGGESTED, (Reason(why), _phase(ctx))
    if rung.step in SECOND_LINE_STEPS:
        if not ctx.first_line_behind:
            return OptionStatus.NOT_YET, (
                Reason(f"second line: only after first line has failed ({FIRST_LINE_RULE})"),
                *ctx.first_line_reasons,
            )
        reasons = [
            *ctx.first_line_reasons,
            Reason(f"{ctx.policy.name} ladder: {ctx.policy.description}"),
        ]
        if rung.step == TPO_RA:
            other = _failed_note(ctx, "tpo-ra", "the other TPO-RA")
            reasons += [other] if other else []
            if ctx.policy.name == "ash-2019":
                reasons.append(
                    Reason(
                        "ASH 2019: TPO-RA rather than rituximab or splenectomy for "
                        "persistent/chronic ITP not responding to first line"
                    )
                )
        return OptionStatus.SUGGESTED, tuple(reasons)
    if rung.step == CYTOTOXIC:
        return _cytotoxic(ctx)
    raise ValueError(f"no rule for ladder step {rung.step!r}")


def _cytotoxic(ctx: LadderContext) -> tuple[OptionStatus, tuple[Reason, ...]]:
    anti_cd20 = _failed_note(ctx, "anti-cd20", "rituximab")
    tpo = _failed_note(ctx, "tpo-ra", "a TPO-RA")
    if anti_cd20 is not None and tpo is not None:
        return OptionStatus.SUGGESTED, (
            anti_cd20,
            tpo,
            Reason(
                "other treatments have failed (seed 002): only after counselling the parents on "
                "neurotoxicity, myelosuppression and reproductive risk, with an informed decision"
            ),
        )
    missing = [name for name, note in (("rituximab", anti_cd20), ("a TPO-RA", tpo)) if not note]
    reasons = [
        Reason(
            "reserved for life-threatening bleeding or when other treatments have "
            f"failed (seed 002); not yet failed: {', '.join(missing)}"
        )
    ]
    if ctx.bleeding.level is BleedingLevel.SEVERE:
        reasons.append(
            Reason(
                "severe bleeding now: vincristine may form part of combination "
                "rescue (Boruchov 2007)",
                ctx.bleeding.evidence,
            )
        )
    return OptionStatus.NOT_YET, tuple(reasons)


def _rung_option(ctx: LadderContext, step: int, rung: Rung) -> PlanOption:
    if rung.step == OBSERVATION:
        status, reasons = _observation(ctx)
    elif rung.step == RESCUE:
        status, reasons = OptionStatus.SUGGESTED, (Reason(RESCUE_FIRST, ctx.bleeding.evidence),)
    elif courses := ctx.history.courses(rung.drug):
        status, reasons = tried_status(courses)
    else:
        status, reasons = _untried(ctx, rung)
    answer = dose_for(rung.drug, ctx.body.inputs(regimen=rung.regimen)) if rung.dosed else None
    against = anti_d_against(ctx.timeline, ctx.body.hemoglobin) if rung.drug == "anti_d" else []
    confirm: list[Reason] = []
    if rung.drug == "romiplostim":
        against, confirm = romiplostim_against(ctx.timeline.patient, ctx.as_of)
    if answer is not None and answer.refused is not None:
        against.append(Reason(answer.refused))
    if against:
        status, reasons = OptionStatus.NOT_SUITABLE, (*against, *reasons)
    elif rung.drug == "anti_d" and rh_d_positive(ctx.timeline) is None:
        reasons = (*reasons, Reason("Rh(D) status not recorded: confirm Rh(D)-positive first"))
    else:
        reasons = (*reasons, *confirm)
    dose = None if status is OptionStatus.NOT_SUITABLE or answer is None else answer.dose
    sources = tuple(dict.fromkeys((*rung.sources, *(dose.sources if dose else ()))))
    return PlanOption(
        drug=rung.drug, drug_class=rung.drug_class, step=step, step_name=STEP_NAMES[rung.step],
        status=status, reasons=reasons, dose=dose,
        dose_missing=None if answer is None or status is OptionStatus.NOT_SUITABLE
        else answer.missing,
        discussion=rung.discussion, sources=sources,
    )  # fmt: skip


def mark_next(options: list[PlanOption]) -> list[PlanOption]:
    """The suggested options of the lowest step are the next ones."""
    steps = [o.step for o in options if o.status is OptionStatus.SUGGESTED]
    if not steps:
        return options
    first = min(steps)
    return [
        replace(o, is_next=True) if o.step == first and o.status is OptionStatus.SUGGESTED else o
        for o in options
    ]


def _warnings(ctx: LadderContext, options: list[PlanOption]) -> tuple[str, ...]:
    found: list[str] = [*ctx.policy.warnings]
    latest = ctx.history.treatments[-1] if ctx.history.treatments else None
    if latest is not None and latest.failure is None and latest.response in ("CR", "R"):
        found.insert(
            0,
            f"the latest treatment, {latest.course.drug} from "
            f"{latest.course.start.isoformat()}, is a {latest.response} (IWG) not lost "
            "by as-of: the options below are for if the response is lost",
        )
    if ctx.bleeding.level is BleedingLevel.SEVERE:
        found.insert(0, RESCUE_FIRST)
    if any(
        o.step_name == STEP_NAMES[OBSERVATION] and o.status is OptionStatus.SUGGESTED
        for o in options
    ):
        found.append(OBSERVATION_UNVERIFIED)
    found += ctx.body.warnings()
    found += [f"{o.drug}: no dose, {o.dose_missing}" for o in options if o.dose_missing]
    found += [
        f"{o.drug}: {w}" for o in options if o.dose for w in o.dose.warnings if UNVERIFIED in w
    ]
    found += sorted({a.warning for a in ctx.itp.answers})
    return tuple(dict.fromkeys(found))


def _summary(ctx: LadderContext, responses_json: dict[str, Any]) -> dict[str, Any]:
    itp = ctx.itp.to_json()
    return {
        "policy": ctx.policy.name,
        "policy_order": ctx.policy.description,
        "phase": itp["phase"],
        "months_since_diagnosis": itp["months_since_diagnosis"],
        "severe_itp": itp["severe"],
        "refractory": itp["refractory"],
        "refractory_definition": itp["refractory_definition"],
        "refractory_by_definition": itp["refractory_by_definition"],
        "current_bleeding": ctx.bleeding.label,
        "current_bleeding_evidence": [e.to_json() for e in ctx.bleeding.evidence],
        "first_line_behind": ctx.first_line_behind,
        "splenectomy_date": itp_date(ctx.timeline.patient.splenectomy_date),
        "failed_classes": itp["failed_classes"],
        "steroid_dependent": responses_json["steroid_dependent"],
        "latest_treatment": {k: responses_json[k] for k in
                             ("treatment", "treatment_start", "response", "response_date",
                              "lost_response_date")},
    }  # fmt: skip


def itp_date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def itp_ladder(timeline: PatientTimeline, as_of: date, policy: str = DEFAULT_POLICY) -> Plan:
    """The ITP ladder for one child, on what was known by the end of `as_of`."""
    chosen = policy_named(policy)
    known = timeline.as_of(as_of)
    itp = classify_itp(timeline, as_of)
    responses = assess_itp(timeline, as_of)
    history = History(responses.treatments)
    behind, why = history.first_line_behind(itp.phase)
    ctx = LadderContext(
        known,
        as_of,
        chosen,
        itp,
        history,
        read_current_bleeding(known, as_of),
        body_size(known, as_of),
        behind,
        why,
    )
    rungs = [
        (s, r)
        for s, r in ordered_rungs(chosen)
        if r.step != RESCUE or ctx.bleeding.level is BleedingLevel.SEVERE
    ]
    options = mark_next([_rung_option(ctx, step, rung) for step, rung in rungs])
    rules = RuleSet(
        "itp-ladder",
        LADDER_VERSION,
        tuple(
            {
                "policy": chosen.name,
                "order": list(chosen.order),
                "first_line_behind": FIRST_LINE_RULE,
                "current_bleeding_days": CURRENT_BLEEDING_DAYS,
                "bleeding_grade_scale": "buchanan-adix",
                "stale_weight_days": STALE_WEIGHT_DAYS,
                "response": responses.rules.name,
                "cytotoxics_after": [ANTI_CD20, TPO_RA],
            }.items()
        ),
    )
    sources = tuple(dict.fromkeys((*chosen.sources, *(s for o in options for s in o.sources))))
    return Plan(
        condition="itp", patient_id=timeline.patient_id, as_of=as_of, rules=rules,
        options=tuple(options), summary=_summary(ctx, responses.to_json()),
        inputs=ctx.body.to_json(), warnings=_warnings(ctx, options), sources=sources,
    )  # fmt: skip
