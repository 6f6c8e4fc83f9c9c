"""TA-TMA response to defibrotide (or eculizumab): resolution by day 28 and its components.

000_56e8c5c5802e858b.txt defines resolution as "normalization of LDH, improvement in platelet
count, and reduction in schistocytes", judged within 28 days of starting defibrotide. Each
component's rule is the operational definition of clinical-reference.md A8 [Design], named in
`rules.options`:
- ldh: <= ULN (laboratory range) on consecutive measurements spanning >= 24 h;
- platelets: >= 50 x10^9/L with no platelet transfusion in the 7 days before the count
  (alternative: >= 50% rise over the pre-treatment nadir, a protocol choice);
- schistocytes: cleared means absent on the smear (reported as absent, or a count of 0), or,
  with option `schistocytes = absent-or-below-2-per-hpf` (the default, A8), a count below
  2/HPF. The clinical reference gives no resolution threshold in % (I9, unverified), so a
  percentage clears only at 0 - the IWG 2007 > 4% *diagnostic* cut-off is not a resolution rule.
Resolution date = the first assessment day on which all components are met, confirmed by the
next assessment day. Patients who die before day 28 count as not resolved (project protocol).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from thrombo.domain.evidence import Evidence, RuleSet
from thrombo.domain.quantities import satisfies
from thrombo.domain.records import Observation
from thrombo.domain.timeline import PatientTimeline
from thrombo.physiology.age import ChildAge
from thrombo.physiology.reference_ranges import indicative_ldh_uln
from thrombo.response.study_windows import RESOLUTION_WINDOW_DAYS
from thrombo.response.tma_recovery import (
    HEMATOLOGIC_TEXT,
    HEMATOLOGIC_WARNING,
    NEURO_RECOVERY_TEXT,
    RENAL_RECOVERY_TEXT,
    hematologic_response,
    neurological_recovery,
    renal_recovery,
)
from thrombo.rules.itp.severity import PLATELET_TRANSFUSION

TMA_TREATMENTS = ("defibrotide", "eculizumab")
Outcome = Literal["resolved", "not-resolved", "not-evaluable"]
PlateletRule = Literal["absolute-50-transfusion-free-7d", "rise-50pct-over-nadir"]
COMPONENTS = ("ldh", "platelets", "schistocytes")

# A8 [Design]: LDH <= ULN on consecutive measurements >= 24 h apart (read: a run of normal
# values spanning at least 24 h, so daily draws at varying hours confirm).
LDH_CONFIRM_HOURS = 24
# A8 [Design]: platelets >= 50 x10^9/L without transfusion for >= 7 days: the last platelet
# transfusion at least 7 calendar days before the count's day (transfused on day 7, counted on
# day 14: met; on day 8: not met); a transfusion later on the count's day does not matter.
PLATELETS_RESOLVED = 50.0
PLATELETS_TRANSFUSION_FREE_DAYS = 7
# ... or >= 50% rise from the TMA-onset nadir (protocol choice); nadir over the 14 days before
# treatment start [Design].
PLATELET_RISE_FRACTION = 0.5
NADIR_LOOKBACK_DAYS = 14
# A8 [Design]: schistocytes absent or < 2/HPF. I9: no published resolution threshold was found
# ("absent", "< 1%", "<= 2/HPF" all unverified), so the /HPF rule carries a warning and % results
# clear only when absent (0%).
SCHISTOCYTES_BELOW_PER_HPF = 2.0
SCHISTOCYTES_HPF_WARNING = (
    "schistocytes counted as cleared below 2/HPF: the A8 project rule, no published resolution "
    "threshold (clinical-reference.md I9, unverified); option schistocytes = absent is stricter"
)
SchistocyteRule = Literal["absent-or-below-2-per-hpf", "absent"]
# A8 [Design] partial response: >= 2 of the components, or >= 50% fall in the LDH excess above
# the ULN (from the last value on or before treatment start), by the end of the window.
PARTIAL_MIN_COMPONENTS = 2
PARTIAL_LDH_EXCESS_FALL = 0.5


@dataclass(frozen=True, slots=True)
class TmaOptions:
    platelet_rule: PlateletRule = "absolute-50-transfusion-free-7d"
    window_days: int = RESOLUTION_WINDOW_DAYS
    schistocytes: SchistocyteRule = "absent-or-below-2-per-hpf"

    def rules(self) -> RuleSet:
        return RuleSet("tma-resolution-000", "1", (
            ("ldh", f"<= ULN on consecutive measurements spanning >= {LDH_CONFIRM_HOURS} h "
                    "(A8 [Design])"),
            ("platelets", self.platelet_rule),
            ("schistocytes", self.schistocytes),
            ("schistocytes_rule", _schistocyte_text(self.schistocytes)),
            ("resolution_window_days", self.window_days),
            ("confirmation", "all components still met on the next assessment day"),
            ("partial_response", f">= {PARTIAL_MIN_COMPONENTS} components met on 2 consecutive "
                                 f"assessment days, or LDH excess above ULN down >= "
                                 f"{PARTIAL_LDH_EXCESS_FALL:.0%} by day {self.window_days} "
                                 "(A8 [Design])"),
            ("death_before_window_end", "not-resolved"),
            ("hematologic_response", HEMATOLOGIC_TEXT),
            ("renal_recovery", RENAL_RECOVERY_TEXT),
            ("neurological_recovery", NEURO_RECOVERY_TEXT),
        ))


def _schistocyte_text(rule: SchistocyteRule) -> str:
    absent = "absent on the smear ('absent', 0% or 0/HPF)"
    if rule == "absent":
        return f"{absent}; a % or /HPF count above 0 is not cleared"
    return (f"{absent}, or < {SCHISTOCYTES_BELOW_PER_HPF:g}/HPF (A8 [Design], unverified: I9); "
            "a % above 0 is not cleared (no % threshold in the clinical reference)")


@dataclass(frozen=True)
class TmaResponse:
    patient_id: str
    treatment: str
    treatment_start: date
    response: Outcome
    response_date: date | None
    components: dict[str, date | None]
    hematologic_response: bool | None
    renal_recovery: bool | None
    neurological_recovery: bool | None
    partial_response: bool | None
    partial_response_date: date | None
    evidence: tuple[Evidence, ...]
    warnings: tuple[str, ...]
    rules: RuleSet

    def to_json(self) -> dict[str, Any]:
        days = None if self.response_date is None else (
            self.response_date - self.treatment_start).days
        return {
            "patient_id": self.patient_id,
            "condition": "ta-tma",
            "treatment": self.treatment,
            "treatment_start": self.treatment_start.isoformat(),
            "response": self.response,
            "response_date": None if self.response_date is None else self.response_date.isoformat(),
            "days_to_response": days,
            "components": {k: None if v is None else v.isoformat()
                           for k, v in self.components.items()},
            "partial_response": self.partial_response,
            "partial_response_date": None if self.partial_response_date is None
            else self.partial_response_date.isoformat(),
            "hematologic_response": self.hematologic_response,
            "renal_recovery": self.renal_recovery,
            "neurological_recovery": self.neurological_recovery,
            "rules": self.rules.to_json(),
            "evidence": [e.to_json() for e in self.evidence],
            "warnings": list(self.warnings),
        }


def tma_treatment_start(timeline: PatientTimeline) -> tuple[str, date] | None:
    """First defibrotide course, else first eculizumab, on a patient with an allogeneic HSCT."""
    if not timeline.patient.had_allogeneic_hsct:
        return None
    for drug in TMA_TREATMENTS:
        courses = timeline.medications_of(drug)
        if courses:
            return drug, timeline.local_day(courses[0].start)
    return None


def _latest(series: Sequence[Observation], day: date, timeline: PatientTimeline
            ) -> list[Observation]:
    return [o for o in series if timeline.local_day(o.time) <= day]


State = tuple[bool | None, Evidence]


def _shown(obs: Observation) -> str:
    """The number as reported: '45', or '<10' for a censored result."""
    q = obs.quantity
    return "" if q is None else f"{q.comparator or ''}{q.value:g}"


def _side(passes: bool | None, op: str = ">=") -> str:
    """The comparison a note shows: the test's own, its negation, or 'may or may not be'."""
    negation = {">=": "<", "<": ">="}[op]
    return f"may or may not be {op}" if passes is None else (op if passes else negation)


class _Judge:
    """Component states on a day, from the latest measurements up to that day, each with the
    evidence behind it (the value, its time and the threshold it was compared with)."""

    def __init__(self, timeline: PatientTimeline, start: date, options: TmaOptions) -> None:
        self.tl, self.start, self.options = timeline, start, options
        self.warnings: set[str] = set()
        pre = timeline.between("platelets", start - timedelta(days=NADIR_LOOKBACK_DAYS), start)
        self.nadir = min((o.value for o in pre if o.value is not None), default=None)

    def uln(self, obs: Observation) -> float | None:
        found = self._uln(obs)
        return None if found is None else found[0]

    def _uln(self, obs: Observation) -> tuple[float, str] | None:
        if obs.ref_high is not None:
            return obs.ref_high, "lab range"
        age = ChildAge.on(self.tl.patient.birth_date, self.tl.local_day(obs.time))
        limit = indicative_ldh_uln(age, self.tl.patient.sex)
        if limit is None:
            return None
        self.warnings.update(limit.warnings)
        return limit.value, f"{limit.source}, by age"

    def _evidence(self, name: str, obs: Observation, note: str) -> Evidence:
        shown = f"{note}; reported {obs.reported}" if obs.reported is not None and (
            obs.quantity is None or obs.reported != obs.quantity) else note
        value = obs.quantity
        return Evidence(f"tma-resolution-000: {name}", shown, self.tl.local_day(obs.time),
                        obs.id, value)

    def ldh(self, day: date) -> State:
        """Normal now and confirmed: the unbroken run of normal values ending with the latest
        measurement spans at least 24 h. Daily draws at slightly different hours (07:00, then
        06:45) thus confirm on the next draw that reaches 24 h, not never."""
        series = _latest(self.tl.of("ldh"), day, self.tl)
        if not series:
            return None, Evidence("tma-resolution-000: ldh", "no LDH measured", day)
        last = series[-1]
        limit = self._uln(last)
        if limit is None or last.quantity is None:
            return None, self._evidence("ldh", last, "no ULN for this LDH (no lab range, no "
                                                     "age table)")
        uln, where = limit
        threshold = f"<= ULN {uln:g} U/L ({where})"
        normal, shown = self._ldh_normal(last), _shown(last)
        if normal is not True:  # a censored LDH ('>2500') by interval logic
            verdict = "not" if normal is False else "censored, may or may not be"
            return normal, self._evidence("ldh", last, f"{shown} U/L, {verdict} {threshold}")
        earliest = last
        for obs in reversed(series[:-1]):
            if self._ldh_normal(obs) is not True:
                break
            earliest = obs
        span = last.time - earliest.time
        hours = span.total_seconds() / 3600
        ok = span >= timedelta(hours=LDH_CONFIRM_HOURS)
        note = (f"{shown} U/L {threshold}; normal run spans {hours:g} h "
                f"({'>=' if ok else '<'} {LDH_CONFIRM_HOURS} h)")
        return ok, self._evidence("ldh", last, note)

    def _ldh_normal(self, obs: Observation) -> bool | None:
        uln, q = self.uln(obs), obs.quantity
        return None if uln is None or q is None else satisfies(q.value, q.comparator, "<=", uln)

    def platelets(self, day: date) -> State:
        seen = _latest(self.tl.of("platelets"), day, self.tl)
        if not seen or seen[-1].quantity is None:
            return None, Evidence("tma-resolution-000: platelets", "no platelet count", day)
        last, q = seen[-1], seen[-1].quantity
        shown = _shown(last)  # a censored count ('<10') is decided by interval logic
        if self.options.platelet_rule == "rise-50pct-over-nadir":
            if self.nadir is None:
                return None, self._evidence("platelets", last, "no pre-treatment nadir")
            limit = (1 + PLATELET_RISE_FRACTION) * self.nadir
            ok = satisfies(q.value, q.comparator, ">=", limit)
            note = (f"{shown} x10^9/L {_side(ok)} {limit:g} "
                    f"({PLATELET_RISE_FRACTION:.0%} over the nadir {self.nadir:g})")
            return ok, self._evidence("platelets", last, note)
        counted = self.tl.local_day(last.time)
        first = counted - timedelta(days=PLATELETS_TRANSFUSION_FREE_DAYS - 1)
        transfused = [e for e in self.tl.events_between((PLATELET_TRANSFUSION,), first, counted)
                      if e.time <= last.time]
        high = satisfies(q.value, q.comparator, ">=", PLATELETS_RESOLVED)
        note = (f"{shown} x10^9/L {_side(high)} {PLATELETS_RESOLVED:g}; " + (
            f"platelet transfusion on {self.tl.local_day(transfused[-1].time)}, within "
            f"{PLATELETS_TRANSFUSION_FREE_DAYS} days" if transfused else
            f"no platelet transfusion in the {PLATELETS_TRANSFUSION_FREE_DAYS} days before"))
        met = False if transfused else high
        return met, self._evidence("platelets", last, note)

    def schistocytes(self, day: date) -> State:
        seen = _latest(self.tl.of("schistocytes"), day, self.tl)
        if not seen:
            return None, Evidence("tma-resolution-000: schistocytes", "no smear", day)
        obs = seen[-1]
        rule = _schistocyte_text(self.options.schistocytes)
        if obs.quantity is None:
            if obs.category not in ("absent", "present"):
                return None, self._evidence("schistocytes", obs,
                                            f"{obs.category!r} is not a recognised result")
            return obs.category == "absent", self._evidence(
                "schistocytes", obs, f"{obs.category}; cleared means {rule}")
        # A censored count ('<1 %', '>2 %') is decided by interval logic (interface.md 1.1):
        # cleared when every count it allows clears, not when none does, else unknown.
        q = obs.quantity
        shown, unit = _shown(obs), q.unit
        absent = satisfies(q.value, q.comparator, "<=", 0.0)
        if absent:
            return True, self._evidence("schistocytes", obs, f"{shown} {unit}: absent")
        if unit == "/[HPF]" and self.options.schistocytes == "absent-or-below-2-per-hpf":
            self.warnings.add(SCHISTOCYTES_HPF_WARNING)
            ok = satisfies(q.value, q.comparator, "<", SCHISTOCYTES_BELOW_PER_HPF)
            return ok, self._evidence("schistocytes", obs, f"{shown}/HPF {_side(ok, '<')} "
                                      f"{SCHISTOCYTES_BELOW_PER_HPF:g}/HPF")
        if absent is None:
            return None, self._evidence("schistocytes", obs, f"{shown} {unit}: censored, may or "
                                        f"may not be absent; cleared means {rule}")
        return False, self._evidence("schistocytes", obs, f"{shown} {unit}; cleared means {rule}")

    def judged(self, day: date) -> dict[str, State]:
        return {"ldh": self.ldh(day), "platelets": self.platelets(day),
                "schistocytes": self.schistocytes(day)}

    def states(self, day: date) -> dict[str, bool | None]:
        return {name: state for name, (state, _) in self.judged(day).items()}


def _streak_starts(days: Sequence[date], states: Sequence[dict[str, bool | None]], upto: int
                   ) -> dict[str, date | None]:
    """For each component, the first day of its met-streak ending on day index `upto`."""
    out: dict[str, date | None] = {}
    for name in COMPONENTS:
        first: date | None = None
        for i in range(upto, -1, -1):
            if states[i][name] is not True:
                break
            first = days[i]
        out[name] = first
    return out


def assess_tma(
    timeline: PatientTimeline, as_of: date, options: TmaOptions | None = None
) -> TmaResponse | None:
    """Resolution and recovery for a treated patient (None when no TA-TMA treatment)."""
    options = options or TmaOptions()
    known = timeline.as_of(as_of)
    treated = tma_treatment_start(known)
    if treated is None:
        return None
    drug, start = treated
    death = known.patient.death_date
    end = as_of if death is None else min(as_of, death)
    judge = _Judge(known, start, options)
    days = [d for d in known.observation_days(("ldh", "platelets", "schistocytes"))
            if start < d <= end]
    states = [judge.states(d) for d in days]
    resolved_at = next((i for i in range(len(days) - 1)
                        if all(v is True for v in states[i].values())
                        and all(v is True for v in states[i + 1].values())), None)
    response_date = None if resolved_at is None else days[resolved_at]
    if resolved_at is not None:
        components = _streak_starts(days, states, resolved_at)
    else:
        components = {n: next((d for d, s in zip(days, states, strict=True) if s[n]), None)
                      for n in COMPONENTS}
    # Measured after the start: a component judged on an assessment day from a result of the
    # start day or before was not measured on treatment.
    measured = {n for n in COMPONENTS
                if any(start < known.local_day(o.time) <= end for o in known.of(n))}
    outcome, note = _outcome(start, end, death, response_date, measured, options)
    hema, hema_ev = hematologic_response(
        known, start, end, {d for d, s in zip(days, states, strict=True) if s["ldh"]})
    renal, renal_ev = renal_recovery(known, start, end)
    neuro, neuro_ev = neurological_recovery(known, start, end)
    window_end = start + timedelta(days=options.window_days)
    partial_date = _partial_response(judge, days, states, window_end)
    partial = True if partial_date is not None else (None if outcome == "not-evaluable" else False)
    partial_ev = Evidence("tma-partial-response-a8", "partial response (A8 [Design])",
                          partial_date)
    shown_day = response_date if response_date is not None else (days[-1] if days else None)
    components_ev = () if shown_day is None else tuple(
        ev for _, ev in judge.judged(shown_day).values())
    evidence = (Evidence("tma-resolution-000", note, response_date), *components_ev,
                partial_ev, hema_ev, renal_ev, neuro_ev)
    warnings = tuple(sorted(judge.warnings | {HEMATOLOGIC_WARNING}))
    return TmaResponse(known.patient_id, drug, start, outcome, response_date, components, hema,
                       renal, neuro, partial, partial_date, evidence, warnings, options.rules())


def _partial_response(
    judge: _Judge, days: Sequence[date], states: Sequence[dict[str, bool | None]],
    window_end: date,
) -> date | None:
    """First day of a partial response within the window (A8 [Design]), or None."""
    def enough(state: dict[str, bool | None]) -> bool:
        return sum(v is True for v in state.values()) >= PARTIAL_MIN_COMPONENTS

    by_components = next((days[i] for i in range(len(days) - 1)
                          if days[i] <= window_end and enough(states[i])
                          and enough(states[i + 1])), None)
    series = judge.tl.of("ldh")
    before = [o for o in series if judge.tl.local_day(o.time) <= judge.start]
    first_excess = _excess(judge, before[-1]) if before else None
    by_ldh = None
    if first_excess is not None and first_excess > 0:
        for obs in series:
            day = judge.tl.local_day(obs.time)
            excess = _excess(judge, obs)
            if judge.start < day <= window_end and excess is not None and (
                    excess <= first_excess * (1 - PARTIAL_LDH_EXCESS_FALL)):
                by_ldh = day
                break
    found = [d for d in (by_components, by_ldh) if d is not None]
    return min(found) if found else None


def _excess(judge: _Judge, obs: Observation) -> float | None:
    uln = judge.uln(obs)
    return None if uln is None or obs.value is None else obs.value - uln


def _outcome(
    start: date, end: date, death: date | None, resolved: date | None, measured: set[str],
    options: TmaOptions,
) -> tuple[Outcome, str]:
    window_end = start + timedelta(days=options.window_days)
    if death is not None and death < window_end:
        return "not-resolved", f"died on {death} before day {options.window_days}"
    if resolved is not None and resolved <= window_end:
        return "resolved", f"all components met and confirmed from {resolved}"
    if end < window_end:
        return "not-evaluable", f"follow-up has not reached day {options.window_days}"
    if measured != set(COMPONENTS):
        return "not-evaluable", f"not measured after start: {sorted(set(COMPONENTS) - measured)}"
    return "not-resolved", f"not resolved by day {options.window_days}"
