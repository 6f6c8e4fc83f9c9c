"""What a criteria set needs from the data, collected once from the model (model.py).

The compiler walks the same frozen dataclasses the reference evaluator interprets; this module
gives every distinct leaf and every distinct baseline a stable SQL column name, so that a leaf
shared by a criterion and a high-risk feature (sC5b-9 >= ULN) is computed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from thrombo.rules.model import (
    AllOf,
    AllTests,
    AnyOf,
    Baseline,
    BaselineThreshold,
    BloodPressure,
    CriteriaSet,
    Criterion,
    EventOccurred,
    FallFromBaseline,
    Lab,
    Named,
    NotEngrafted,
    ObservationTest,
    RiseFromBaseline,
    analytes_of,
)

Leaf = Lab | BloodPressure | EventOccurred | NotEngrafted
HEIGHT = "height"


def leaves_of(criterion: Criterion) -> Iterator[Leaf]:
    match criterion:
        case Lab() | BloodPressure() | EventOccurred() | NotEngrafted():
            yield criterion
        case AnyOf(children=children) | AllOf(children=children):
            for child in children:
                yield from leaves_of(child)
        case _:
            raise TypeError(f"not a criterion: {criterion!r}")


def baselines_of(tests: tuple[ObservationTest, ...]) -> Iterator[Baseline]:
    """Every baseline a leaf's tests compare with, those inside `AllTests` included."""
    for test in tests:
        match test:
            case FallFromBaseline() | RiseFromBaseline() | BaselineThreshold():
                yield test.baseline
            case AllTests(tests=inner):
                yield from baselines_of(inner)


@dataclass
class Plan:
    """Column names for leaves and baselines, in first-seen order."""

    criteria: CriteriaSet
    leaves: dict[Leaf, str] = field(default_factory=dict)
    baselines: dict[tuple[str, Baseline], str] = field(default_factory=dict)

    @classmethod
    def of(cls, criteria: CriteriaSet) -> Plan:
        plan = cls(criteria)
        for named in plan.everything():
            for leaf in leaves_of(named.criterion):
                plan.leaves.setdefault(leaf, f"l{len(plan.leaves)}")
                if isinstance(leaf, Lab):
                    for baseline in baselines_of(leaf.tests):
                        key = (leaf.analyte, baseline)
                        plan.baselines.setdefault(key, f"b{len(plan.baselines)}")
        return plan

    def everything(self) -> tuple[Named, ...]:
        return (*self.criteria.criteria, *(self.criteria.high_risk or ()))

    @property
    def features(self) -> tuple[Named, ...]:
        return self.criteria.high_risk or ()

    def used_analytes(self) -> frozenset[str]:
        """The analytes whose days are assessment days (screening.assessment_days)."""
        return frozenset().union(*(analytes_of(n.criterion) for n in self.criteria.criteria))

    def read_analytes(self) -> frozenset[str]:
        """Every analyte any criterion or feature reads, with height for blood pressure."""
        found: set[str] = set(self.used_analytes())
        for leaf in self.leaves:
            if isinstance(leaf, Lab):
                found.add(leaf.analyte)
            elif isinstance(leaf, BloodPressure):
                found.update({"systolic_bp", "diastolic_bp", HEIGHT})
        return frozenset(found)

    def baseline_analytes(self) -> list[str]:
        return sorted({analyte for analyte, _ in self.baselines})

    def lab_leaves(self) -> list[tuple[Lab, str]]:
        return [(leaf, col) for leaf, col in self.leaves.items() if isinstance(leaf, Lab)]

    def bp_leaves(self) -> list[tuple[BloodPressure, str]]:
        return [(leaf, col) for leaf, col in self.leaves.items() if isinstance(leaf, BloodPressure)]

    def event_leaves(self) -> list[tuple[EventOccurred, str]]:
        return [(leaf, col) for leaf, col in self.leaves.items() if isinstance(leaf, EventOccurred)]

    def anniversaries(self) -> tuple[int, ...]:
        """Completed-years thresholds the blood-pressure leaves compare ages with."""
        years = {
            y
            for leaf, _ in self.bp_leaves()
            for y in (leaf.adult_from_years, leaf.tables_from_years)
        }
        return tuple(sorted(years))
