"""The declarative criteria model: what a diagnostic criterion *means*, as plain data.

Nothing here evaluates anything. The reference evaluator (`thrombo.rules.evaluate`) interprets
these frozen dataclasses over a `PatientTimeline`; a batch engine compiles the same objects to SQL
window queries and must agree with it. The semantics below are the contract both follow.

Glossary
--------
assessment day
    A local calendar day (site time zone), on or after the transplant (day 0) and on or before
    as-of, with at least one observation of an analyte the criteria set uses.
window of day D
    The `window_days` calendar days ending on D: D and the `window_days - 1` days before it.
observation test (`Threshold`, `Presence`, `FallFromBaseline`, `RiseFromBaseline`,
`BaselineThreshold`, and `AllTests` joining several on one observation)
    Decides one observation: yes, no, or unknown. Unknown when the test does not apply to the
    observation's unit or kind, or when a needed input (a limit, a baseline, age, sex, height) is
    missing and the value is not decisive without it. When a limit can only be bounded (blood
    pressure without height: the threshold lies between the lowest and highest over the height
    percentiles), the answer is yes if the value passes against every bound, no if it fails
    against every bound, otherwise unknown.
leaf criterion (`Lab`, `BloodPressure`, `EventOccurred`)
    Decides one day. `Lab`: each observation of the analyte in the window is decided by the
    leaf's tests (yes if any test says yes, else unknown if any says unknown or none applies, else
    no; skip when every applicable test is a change test without a baseline: such an observation
    can only serve as a baseline and is ignored). The leaf is MET if any observation is yes,
    NOT_MET if at least one is no and none is unknown, INDETERMINATE otherwise (nothing measured
    in the window, only skipped observations, or an unknown one).
    `EventOccurred` is MET when the event lies in the window (and after its anchor date),
    otherwise NOT_MET: a recorded event list is taken as complete (option `absent_events`).
combination (`AnyOf`, `AllOf`, `KOfN`)
    Three-valued counting over children: MET when at least k children are met; NOT_MET when the
    met plus indeterminate children are fewer than k; otherwise INDETERMINATE. `AnyOf` is k = 1,
    `AllOf` is k = n.
baseline (`Baseline`)
    A statistic (max, median, first, last) over the same analyte's observations strictly before
    the observation being decided, restricted to a side of an anchor date (after or before the
    transplant, an engraftment date or the start of conditioning) and, optionally, to a look-back
    of whole days before the observation's day. No such observation, or a missing anchor date:
    the baseline is unknown.
diagnosis
    A criteria set's `rule` (a `KOfN` tree over its criteria names) decided on each assessment
    day; with `consecutive = 2` it must be met on an assessment day and again on the next one.
    With `confirmation = "re-measured"` the second day's rule is decided over the part of its
    window after the first day (its "fresh window"): a criterion counts there only when a
    result or event dated after the first time point qualifies; not re-measured is
    indeterminate. A day whose whole-window rule is not met cannot confirm either way.
    A `diagnostic_alone` criterion (biopsy) diagnoses on its own day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Op = Literal[">", ">=", "<", "<="]
Anchor = Literal["hsct", "neutrophil_engraftment", "platelet_engraftment", "conditioning_start"]
Statistic = Literal["max", "median", "first", "last"]


# --- limits: what a value is compared with -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fixed:
    """A fixed number in the analyte's canonical unit."""

    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class LabULN:
    """`multiple` x the reporting laboratory's upper limit (the observation's `ref_high`).

    When the record carries no range, `fallback` names an age/sex table in
    `thrombo.rules.limits` (e.g. "ldh"); with no fallback the limit is unknown.
    """

    multiple: float = 1.0
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class LabLLN:
    """The reporting laboratory's lower limit (`ref_low`), else the named fallback table."""

    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class BPPercentile:
    """A paediatric blood-pressure percentile for sex, age and height (2004 Fourth Report)."""

    percentile: int
    source: str = "fourth-report-2004"


Limit = Fixed | LabULN | LabLLN | BPPercentile


# --- observation tests ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Threshold:
    """`value op limit`; applies to quantities in `unit` (None: any unit of the analyte)."""

    op: Op
    limit: Limit
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Presence:
    """A coded result: categories in `yes` qualify, those in `no` do not, others are unknown."""

    yes: tuple[str, ...] = ("present",)
    no: tuple[str, ...] = ("absent",)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The patient's own reference value for a change criterion (see the glossary)."""

    statistic: Statistic
    anchor: Anchor | None = None
    side: Literal["after", "before"] = "after"
    lookback_days: int | None = None

    def describe(self) -> str:
        where = f" {self.side} {self.anchor.replace('_', ' ')}" if self.anchor else ""
        back = f" in the {self.lookback_days} days before" if self.lookback_days else ""
        return f"{self.statistic} of earlier values{where}{back}"


@dataclass(frozen=True, slots=True)
class FallFromBaseline:
    """A fall from baseline by at least `fraction` of it, or by at least `amount` units."""

    baseline: Baseline
    fraction: float | None = None
    amount: float | None = None


@dataclass(frozen=True, slots=True)
class RiseFromBaseline:
    """A value at least `factor` times the baseline (e.g. creatinine doubling: factor 2)."""

    baseline: Baseline
    factor: float


@dataclass(frozen=True, slots=True)
class BaselineThreshold:
    """The baseline itself against a fixed limit: `baseline op limit`.

    With `Baseline("max", lookback_days=28)` and `<`, "every earlier value in the 28 days
    before was below the limit", i.e. the result is new (the watch list's new proteinuria).
    No baseline: skip, as for the other change tests.
    """

    baseline: Baseline
    op: Op
    limit: Fixed


@dataclass(frozen=True, slots=True)
class AllTests:
    """One observation passing every test (a conjunction on the same result).

    No if any test says no; else skip if any skips (no baseline); else unknown if any says
    unknown; yes when all say yes. Not applicable when any test does not apply to the result.
    """

    tests: tuple[ObservationTest, ...]


ObservationTest = (
    Threshold | Presence | FallFromBaseline | RiseFromBaseline | BaselineThreshold | AllTests
)


# --- criteria -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lab:
    """An analyte measured in the window with at least one observation passing a test."""

    analyte: str
    tests: tuple[ObservationTest, ...]


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """Systolic or diastolic reading above a percentile (children) or a fixed value (adults).

    Each reading is decided on its own (systolic against the systolic limit, diastolic against
    the diastolic one). From `adult_from_years` completed years the adult limits apply. Below
    `tables_from_years` the reading is unknown (not assessable), as are readings when sex is
    unknown and the two sexes' limits disagree about it. Without a height measured in the
    `height_lookback_days` before the reading, the limit is bounded over height percentiles
    (or taken at `default_height_percentile` when one is configured).
    """

    child_op: Op
    child_limit: BPPercentile
    adult_op: Op
    adult_systolic: Fixed
    adult_diastolic: Fixed
    adult_from_years: int
    tables_from_years: int
    height_lookback_days: int
    default_height_percentile: float | None = None


@dataclass(frozen=True, slots=True)
class EventOccurred:
    """An event (events.csv name) in the window, of at least `min_grade`, after `after`."""

    event: str
    min_grade: int | None = None
    after: Anchor | None = None
    absent: Literal["not_met", "indeterminate"] = "not_met"
    """What no such event in the window means (option `absent_events`)."""


@dataclass(frozen=True, slots=True)
class NotEngrafted:
    """Failure of engraftment on a day: at least `from_day` days after the transplant and no
    engraftment (recorded, or derived from counts: `EngraftmentRule`) on or before it.

    MET when the date is recorded as later, or the counts fell below the threshold (the nadir)
    on or before the day and no run has engrafted since; NOT_MET before `from_day`, once
    engrafted, or when counts after the transplant never fell below the threshold;
    INDETERMINATE with no count after the transplant by that day.
    """

    anchor: Anchor
    from_day: int


@dataclass(frozen=True, slots=True)
class EngraftmentRule:
    """How an engraftment date missing from the record is derived from counts
    (thrombo.rules.engraftment). Defaults: clinical-reference.md I4, CIBMTR [S] / ASTCT
    [S-2nd]: the first of 3 consecutive results on different days with ANC >= 0.5 x 10^9/L;
    platelets >= 20 x 10^9/L with no platelet transfusion in the 7 days before."""

    anc_threshold: float = 0.5
    anc_run: int = 3
    platelet_threshold: float = 20.0
    platelet_run: int = 3
    platelet_transfusion_free_days: int = 7

    def describe(self) -> str:
        return (f"first of {self.anc_run} consecutive ANC >= {self.anc_threshold:g}; first of "
                f"{self.platelet_run} consecutive platelets >= {self.platelet_threshold:g} with "
                f"no platelet transfusion in the {self.platelet_transfusion_free_days} days "
                "before; after the post-transplant nadir; recorded dates win")


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Criterion, ...]


Criterion = Lab | BloodPressure | EventOccurred | NotEngrafted | AnyOf | AllOf


@dataclass(frozen=True, slots=True)
class Named:
    """A criterion under the name the output uses (interface.md: `anemia`, `ldh`, ...)."""

    name: str
    criterion: Criterion
    definition: str
    """One line a clinician reads, with the citation."""


# --- the diagnosis rule over named criteria ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class KOfN:
    """At least k of the items (criterion names or nested rules) met on the day."""

    k: int
    of: tuple[str | KOfN, ...]

    def names(self) -> tuple[str, ...]:
        found: list[str] = []
        for item in self.of:
            found.extend((item,) if isinstance(item, str) else item.names())
        return tuple(found)


@dataclass(frozen=True)
class CriteriaSet:
    """One published definition of TA-TMA, as data."""

    name: str
    version: str
    citation: str
    criteria: tuple[Named, ...]
    rule: KOfN
    window_days: int
    consecutive: int
    """1: one assessment day suffices; 2: the rule is met again on the next assessment day."""
    diagnosis_date: Literal["first-time-point", "second-time-point"]
    diagnostic_alone: tuple[str, ...] = ()
    """Criteria that diagnose by themselves on their own day (tissue biopsy)."""
    confirmation: Literal["re-measured", "window"] = "window"
    """With `consecutive = 2`: `re-measured` counts at the second time point only criteria met
    by results or events after the first (see the glossary); `window`: the whole window."""
    engraftment: EngraftmentRule = field(default_factory=EngraftmentRule)
    """How engraftment dates missing from the record are derived before evaluation."""
    high_risk: tuple[Named, ...] | None = None
    options: dict[str, str | int | float | None] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    """Items resting on sources the clinical reference marks unverified."""

    def criterion(self, name: str) -> Named:
        for named in self.criteria:
            if named.name == name:
                return named
        raise KeyError(name)

    def rules_json(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "options": dict(self.options)}


def analytes_of(criterion: Criterion) -> frozenset[str]:
    """Every analyte a criterion reads (its assessment days are the days these were measured)."""
    match criterion:
        case Lab(analyte=analyte):
            return frozenset({analyte})
        case BloodPressure():
            return frozenset({"systolic_bp", "diastolic_bp"})
        case EventOccurred() | NotEngrafted():
            return frozenset()
        case AnyOf(children=children) | AllOf(children=children):
            return frozenset().union(*(analytes_of(c) for c in children))
    raise TypeError(f"not a criterion: {criterion!r}")
