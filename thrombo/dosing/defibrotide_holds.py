"""Defibrotide contraindication and hold rules as pure functions over simple inputs.

clinical-reference.md B1 and I1: concomitant systemic anticoagulant or fibrinolytic therapy is a
contraindication in the US label [S]; the EU SmPC 4.4 [S] advises against medicinal products that
increase the risk of haemorrhage within 24 h of defibrotide (12 h for unfractionated heparin) and
excepts heparin for routine maintenance or reopening of a central venous line. thrombo applies the
US hard stop to every systemic anticoagulant at any intent (prophylactic enoxaparin included),
with the SmPC's intervals as the washout after the last dose, and the line exception for heparin.
The block/warn engine for bleeding, vasopressors and procedures is the reference's B1 [Design].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SOURCE = "DEFITELIO US prescribing information (clinical reference B1)"
US_CONTRAINDICATION = (
    "DEFITELIO US PI section 4: concomitant systemic anticoagulant or "
    "fibrinolytic therapy is contraindicated (clinical reference I1 [S])"
)
SMPC_24H = (
    "Defitelio EU SmPC 4.4: no medicinal product that increases the risk of haemorrhage "
    "within 24 h of defibrotide (clinical reference I1 [S])"
)
SMPC_12H_UFH = (
    "Defitelio EU SmPC 4.4: within 12 h in the case of unfractionated heparin "
    "(clinical reference I1 [S])"
)
SMPC_LINE = (
    "Defitelio EU SmPC 4.4: except for routine maintenance or reopening of a central "
    "venous line (clinical reference I1 [S])"
)


@dataclass(frozen=True, slots=True)
class AntithromboticClass:
    """A class of drugs that holds defibrotide, and how long after the last dose."""

    name: str
    kind: str
    """`anticoagulant` or `fibrinolytic`."""
    drugs: frozenset[str]
    washout_hours: int
    washout_source: str
    caution: str | None = None
    """A warning printed with every hold of this class (a [Design] interval, a long half-life)."""


CLASSES: tuple[AntithromboticClass, ...] = (
    AntithromboticClass(
        "unfractionated heparin", "anticoagulant",
        frozenset({"heparin", "unfractionated_heparin", "ufh"}), 12, SMPC_12H_UFH),
    AntithromboticClass(
        "low-molecular-weight heparin", "anticoagulant",
        frozenset({"enoxaparin", "dalteparin", "tinzaparin", "nadroparin", "lmwh"}), 24, SMPC_24H),
    AntithromboticClass(
        "direct oral anticoagulant", "anticoagulant",
        frozenset({"apixaban", "rivaroxaban", "dabigatran", "edoxaban"}), 24, SMPC_24H,
        "direct oral anticoagulants clear more slowly in renal impairment (dabigatran most): "
        "the 24 h SmPC window assumes normal renal function; confirm"),
    AntithromboticClass(
        "parenteral direct thrombin inhibitor", "anticoagulant",
        frozenset({"argatroban", "bivalirudin"}), 24, SMPC_24H),
    # [Design] 72 h: fondaparinux's half-life (about 17-21 h, from memory, unverified) outlasts
    # the SmPC's 24 h; about 3-4 half-lives leaves little anti-Xa activity. Longer in renal
    # impairment.
    AntithromboticClass(
        "fondaparinux", "anticoagulant", frozenset({"fondaparinux"}), 72,
        "[Design] 3-4 half-lives of fondaparinux (SmPC 4.4's 24 h is the floor)",
        "fondaparinux washout of 72 h is a [Design] choice (long half-life; the SmPC gives 24 h "
        "for all such drugs): check anti-Xa activity in renal impairment"),
    # [Design] 5 days: warfarin's effect lasts until the vitamin K-dependent factors recover, far
    # beyond the SmPC's 24 h; 5 days is the usual stop before a procedure (from memory,
    # unverified). An INR back in range is the better end point.
    AntithromboticClass(
        "vitamin K antagonist", "anticoagulant", frozenset({"warfarin"}), 120,
        "[Design] 5 days, the usual pre-procedure stop (SmPC 4.4's 24 h is the floor)",
        "warfarin washout of 5 days is a [Design] choice (the SmPC gives 24 h for all such "
        "drugs): confirm the INR is back in range before defibrotide"),
    AntithromboticClass(
        "fibrinolytic", "fibrinolytic",
        frozenset({"alteplase", "reteplase", "tenecteplase", "urokinase"}), 24, SMPC_24H),
)
_BY_DRUG = {drug: c for c in CLASSES for drug in c.drugs}
# [Design] how a record says heparin is for a central line (SmPC 4.4 exception): its intent or
# route, or a drug name the dataset gives line heparin (CSV `heparin_flush`, `heparin_lock`).
LINE_WORDS = frozenset({"line", "line_maintenance", "line-maintenance", "line_lock", "line-lock",
                        "lock", "flush", "reopening", "line_reopening", "line-reopening",
                        "catheter", "intracatheter", "catheter lock", "line lock",
                        "central line"})
LINE_HEPARIN_NAMES = frozenset({"heparin_flush", "heparin_lock", "heparin_line_lock",
                                "heparin_line"})
LINE_EXCEPTION_CLASS = "unfractionated heparin"
ANTICOAGULANTS = frozenset(
    d for c in CLASSES if c.kind == "anticoagulant" for d in c.drugs) | LINE_HEPARIN_NAMES
FIBRINOLYTICS = frozenset(d for c in CLASSES if c.kind == "fibrinolytic" for d in c.drugs)

# B1 [Design]: an open bleeding event of CTCAE grade >= 3 blocks the dose.
BLOCKING_BLEEDING_GRADE = 3
# B1 [S]: haemodynamic stability on no more than one vasopressor; [Design] warn above that.
MAX_VASOPRESSORS = 1
# B1 [S]: stop at least 2 h before an invasive procedure.
HOURS_BEFORE_PROCEDURE = 2.0


class HoldAction(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    DISCONTINUE = "discontinue"


@dataclass(frozen=True, slots=True)
class ActiveOrder:
    """An antithrombotic in the record: running (`stopped` None) or stopped at `stopped`."""

    drug: str
    intent: str | None = None
    route: str | None = None
    stopped: datetime | None = None


@dataclass(frozen=True, slots=True)
class HoldFinding:
    rule: str
    action: HoldAction
    reason: str
    source: str = SOURCE
    until: datetime | None = None
    """When the hold ends (a washout's end); None while the drug runs or for other holds."""
    washout_hours: int | None = None
    caution: str | None = None


@dataclass(frozen=True, slots=True)
class HoldAssessment:
    findings: tuple[HoldFinding, ...]

    @property
    def blocked(self) -> bool:
        return any(f.action is not HoldAction.WARN for f in self.findings)

    @property
    def warnings(self) -> tuple[HoldFinding, ...]:
        return tuple(f for f in self.findings if f.action is HoldAction.WARN)


def antithrombotic_class(drug: str) -> AntithromboticClass | None:
    name = drug.strip().lower()
    if name in LINE_HEPARIN_NAMES:
        return _BY_DRUG["heparin"]
    return _BY_DRUG.get(name)


def for_line(drug: str, intent: str | None, route: str | None) -> bool:
    """Heparin recorded for central-line maintenance or reopening (the SmPC 4.4 exception)."""
    name = drug.strip().lower()
    klass = antithrombotic_class(name)
    if klass is None or klass.name != LINE_EXCEPTION_CLASS:
        return False
    said = {(intent or "").strip().lower(), (route or "").strip().lower()}
    return name in LINE_HEPARIN_NAMES or bool(said & LINE_WORDS)


def antithrombotic_finding(
    order: ActiveOrder, at: datetime | None = None, line_heparin_blocks: bool = False
) -> HoldFinding | None:
    """The hold one antithrombotic record puts on defibrotide at `at` (None: no hold).

    Running: blocked until it is stopped and its washout has passed. Stopped: blocked until the
    washout after the stop ends (`until`); none once `at` is past it."""
    klass = antithrombotic_class(order.drug)
    if klass is None:
        return None
    until = None if order.stopped is None else order.stopped + timedelta(
        hours=klass.washout_hours)
    if until is not None and at is not None and until <= at:
        return None
    line = for_line(order.drug, order.intent, order.route)
    action = HoldAction.WARN if line and not line_heparin_blocks else HoldAction.BLOCK
    return HoldFinding(
        f"concomitant-{klass.kind}", action, _reason(order, klass, until, line, at),
        "; ".join((SMPC_LINE,) if line else (US_CONTRAINDICATION, klass.washout_source)),
        until, klass.washout_hours, klass.caution,
    )


def _reason(order: ActiveOrder, klass: AntithromboticClass, until: datetime | None,
            line: bool, at: datetime | None) -> str:
    drug = order.drug.strip().lower()
    shown = order.intent or "intent not recorded"
    if line:
        return (f"{drug} ({shown}) for central-line maintenance or reopening: the label's "
                "exception; confirm it is a line dose, not systemic anticoagulation")
    if until is None:
        return (f"{drug} ({klass.name}, {shown}) running: systemic {klass.kind}s are "
                f"contraindicated with defibrotide; hold defibrotide until {klass.washout_hours} h "
                f"after the last dose")
    assert order.stopped is not None
    stop = order.stopped.isoformat()
    when = f"running, to stop {stop}" if at is not None and order.stopped > at else (
        f"stopped {stop}")
    return (f"{drug} ({klass.name}, {shown}) {when}: defibrotide held until "
            f"{until.isoformat()} ({klass.washout_hours} h washout after the last dose)")


def antithrombotic_findings(
    orders: Iterable[ActiveOrder], line_heparin_blocks: bool = False, at: datetime | None = None
) -> list[HoldFinding]:
    found = (antithrombotic_finding(o, at, line_heparin_blocks) for o in orders)
    return [f for f in found if f is not None]


def bleeding_findings(
    open_bleeding_grades: Iterable[int], recurrent_significant_bleeding: bool = False
) -> list[HoldFinding]:
    findings = []
    if recurrent_significant_bleeding:
        findings.append(
            HoldFinding(
                "recurrent-bleeding",
                HoldAction.DISCONTINUE,
                "recurrent significant bleeding: discontinue defibrotide permanently",
            )
        )
    grades = list(open_bleeding_grades)
    worst = max(grades, default=0)
    if worst >= BLOCKING_BLEEDING_GRADE:
        findings.append(
            HoldFinding(
                "active-bleeding",
                HoldAction.BLOCK,
                f"open bleeding event of grade {worst} (>= {BLOCKING_BLEEDING_GRADE}): withhold, "
                "treat the cause; consider resuming at the same dose once bleeding has stopped "
                "and the patient is haemodynamically stable",
            )
        )
    elif worst > 0:
        findings.append(
            HoldFinding(
                "active-bleeding",
                HoldAction.WARN,
                f"open bleeding event of grade {worst}: confirm it is not clinically significant",
            )
        )
    return findings


def haemodynamic_findings(vasopressor_count: int) -> list[HoldFinding]:
    if vasopressor_count > MAX_VASOPRESSORS:
        return [
            HoldFinding(
                "haemodynamic-instability",
                HoldAction.WARN,
                f"{vasopressor_count} vasopressors running; the label asks for haemodynamic "
                f"stability on no more than {MAX_VASOPRESSORS}",
            )
        ]
    return []


def procedure_findings(hours_until_invasive_procedure: float | None) -> list[HoldFinding]:
    hours = hours_until_invasive_procedure
    if hours is not None and 0 <= hours < HOURS_BEFORE_PROCEDURE:
        return [
            HoldFinding(
                "invasive-procedure",
                HoldAction.BLOCK,
                f"invasive procedure in {hours:g} h: stop at least {HOURS_BEFORE_PROCEDURE:g} h "
                "before; restart once procedure-related bleeding risk has resolved",
            )
        ]
    return []


def assess_defibrotide_holds(
    active_orders: Iterable[ActiveOrder] = (),
    open_bleeding_grades: Iterable[int] = (),
    vasopressor_count: int = 0,
    hours_until_invasive_procedure: float | None = None,
    severe_hypersensitivity: bool = False,
    recurrent_significant_bleeding: bool = False,
    line_heparin_blocks: bool = False,
    at: datetime | None = None,
) -> HoldAssessment:
    """All findings for one dose; `blocked` says whether the dose must not be given."""
    findings = [
        *antithrombotic_findings(active_orders, line_heparin_blocks, at),
        *bleeding_findings(open_bleeding_grades, recurrent_significant_bleeding),
        *haemodynamic_findings(vasopressor_count),
        *procedure_findings(hours_until_invasive_procedure),
    ]
    if severe_hypersensitivity:
        findings.append(
            HoldFinding(
                "hypersensitivity",
                HoldAction.DISCONTINUE,
                "severe or life-threatening hypersensitivity: discontinue permanently",
            )
        )
    return HoldAssessment(tuple(findings))
