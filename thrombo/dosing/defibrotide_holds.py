"""Defibrotide contraindication and hold rules as pure functions over simple inputs.

clinical-reference.md B1: contraindications and bleeding/procedure rules are label text [S];
the block/warn engine (which orders block, grade >= 3 bleeding, > 1 vasopressor) is the
reference's [Design] proposal. The screening layer feeds these from patient records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# B1 [S]: concomitant systemic anticoagulant or fibrinolytic therapy is a contraindication.
# [Design] the named classes: heparin, LMWH, DOACs, warfarin, argatroban/bivalirudin, alteplase.
ANTICOAGULANTS = frozenset(
    {
        "heparin", "unfractionated_heparin", "enoxaparin", "dalteparin", "tinzaparin", "lmwh",
        "apixaban", "rivaroxaban", "dabigatran", "edoxaban", "warfarin", "argatroban",
        "bivalirudin", "fondaparinux",
    }
)  # fmt: skip
FIBRINOLYTICS = frozenset({"alteplase", "reteplase", "tenecteplase", "urokinase"})
# [Design] prophylactic (e.g. line-lock) heparin policies vary by centre: warn by default,
# block when the centre configures it.
BLOCKING_INTENTS = frozenset({"therapeutic", None})
# B1 [Design]: an open bleeding event of CTCAE grade >= 3 blocks the dose.
BLOCKING_BLEEDING_GRADE = 3
# B1 [S]: haemodynamic stability on no more than one vasopressor; [Design] warn above that.
MAX_VASOPRESSORS = 1
# B1 [S]: stop at least 2 h before an invasive procedure.
HOURS_BEFORE_PROCEDURE = 2.0
SOURCE = "DEFITELIO US prescribing information (clinical reference B1)"


class HoldAction(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    DISCONTINUE = "discontinue"


@dataclass(frozen=True, slots=True)
class ActiveOrder:
    drug: str
    intent: str | None = None


@dataclass(frozen=True, slots=True)
class HoldFinding:
    rule: str
    action: HoldAction
    reason: str
    source: str = SOURCE


@dataclass(frozen=True, slots=True)
class HoldAssessment:
    findings: tuple[HoldFinding, ...]

    @property
    def blocked(self) -> bool:
        return any(f.action is not HoldAction.WARN for f in self.findings)

    @property
    def warnings(self) -> tuple[HoldFinding, ...]:
        return tuple(f for f in self.findings if f.action is HoldAction.WARN)


def antithrombotic_findings(
    orders: Iterable[ActiveOrder], prophylactic_blocks: bool = False
) -> list[HoldFinding]:
    findings = []
    for order in orders:
        drug = order.drug.strip().lower()
        kind = "fibrinolytic" if drug in FIBRINOLYTICS else "anticoagulant"
        if drug not in ANTICOAGULANTS | FIBRINOLYTICS:
            continue
        intent = order.intent.strip().lower() if order.intent else None
        blocks = intent in BLOCKING_INTENTS or prophylactic_blocks
        shown = intent or "intent not recorded"
        findings.append(
            HoldFinding(
                f"concomitant-{kind}",
                HoldAction.BLOCK if blocks else HoldAction.WARN,
                f"active {kind} order: {drug} ({shown}); systemic {kind}s are contraindicated",
            )
        )
    return findings


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
    prophylactic_anticoagulant_blocks: bool = False,
) -> HoldAssessment:
    """All findings for one dose; `blocked` says whether the dose must not be given."""
    findings = [
        *antithrombotic_findings(active_orders, prophylactic_anticoagulant_blocks),
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
