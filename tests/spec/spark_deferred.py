"""Spark answers the spec questions in a few queries instead of one per test.

Spark plans each query for seconds, so asking it the ~200 screening spec questions one by one
costs minutes. Under the `spark` parameter of the `engine` fixture each test is answered by the
reference evaluator (so its own checks read the reference, as on the other engines) while its
questions are noted; when the session ends, Spark is asked them in one query per criteria set,
options, as-of day and kind (screen or outcomes), and any disagreement fails there, naming the
tests.

A query takes Spark about a minute to plan on a 2-core machine, so `make test` asks it the
largest group of each kind (the harmonized-2023 screens and outcomes: the criteria set with the
most cases); the other groups run the same compiled SQL on DuckDB in every test, and their number
is printed as a warning in the test summary, never left out silently.
`THROMBO_SPEC_SPARK_ALL=1` asks Spark every group (about 20 queries, a long run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tests.engines.agreement import verdict
from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import DayOutcomes, Engine
from thrombo.engines.reference import ReferenceEngine
from thrombo.rules.model import CriteriaSet


def _renamed(tl: PatientTimeline, new_id: str) -> PatientTimeline:
    """The same timeline under an id of its own, so that many questions share one query."""
    return PatientTimeline.build(replace(tl.patient, patient_id=new_id), tl.observations,
                                 tl.medications, tl.events, tl.tz)


@dataclass
class _Questions:
    """The questions of one criteria set (and options) at one as-of day."""

    criteria: CriteriaSet
    as_of: date
    timelines: list[PatientTimeline] = field(default_factory=list)
    screens: dict[str, tuple[str, dict[str, object]]] = field(default_factory=dict)
    days: list[tuple[str, date]] = field(default_factory=list)
    outcomes: dict[tuple[str, date], tuple[str, dict[str, str]]] = field(default_factory=dict)


def _size(group: _Questions) -> int:
    return len(group.screens) + len(group.outcomes)


class DeferredSpark:
    """The `Engine` a spec test sees under the `spark` parameter (see the module docstring)."""

    name = "spark"

    def __init__(self, spark: Engine) -> None:
        self.spark = spark
        self.reference = ReferenceEngine()
        self.test = ""  # the node id of the test asking, set by the fixture
        self._groups: dict[tuple[str, date, str], _Questions] = {}
        self._n = 0

    def _group(self, criteria: CriteriaSet, as_of: date, kind: str) -> _Questions:
        key = (repr(criteria), as_of, kind)
        if key not in self._groups:
            self._groups[key] = _Questions(criteria, as_of)
        return self._groups[key]

    def _new_id(self) -> str:
        self._n += 1
        return f"q{self._n}"

    def screen(
        self, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
    ) -> list:  # type: ignore[type-arg]
        answers = self.reference.screen(timelines, criteria, as_of)
        group = self._group(criteria, as_of, "screen")
        for tl, answer in zip(timelines, answers, strict=True):
            new_id = self._new_id()
            group.timelines.append(_renamed(tl, new_id))
            group.screens[new_id] = (self.test, verdict(answer))
        return answers

    def outcomes(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> DayOutcomes:
        days = list(days)
        answers = self.reference.outcomes(timelines, days, criteria, as_of)
        group = self._group(criteria, as_of, "outcomes")
        ids = {}
        for tl in timelines:
            ids[tl.patient_id] = self._new_id()
            group.timelines.append(_renamed(tl, ids[tl.patient_id]))
        for pid, on in days:
            key = (ids[pid], on)
            group.days.append(key)
            group.outcomes[key] = (self.test, {n: o.value for n, o in answers[(pid, on)].items()})
        return answers

    def chosen(self, every_group: bool) -> tuple[list[_Questions], int]:
        """The groups Spark is asked (see the module docstring), and how many questions are not."""
        groups = list(self._groups.values())
        if every_group:
            return groups, 0
        asked = [max((g for k, g in self._groups.items() if k[2] == kind), key=_size)
                 for kind in {k[2] for k in self._groups}]
        return asked, sum(_size(g) for g in groups if g not in asked)

    def ask_spark(self, groups: list[_Questions]) -> list[str]:
        """The groups' questions asked of Spark; the disagreements, each with its test."""
        wrong: list[str] = []
        for group in groups:
            if group.screens:
                got = {r.patient_id: verdict(r)
                       for r in self.spark.screen(group.timelines, group.criteria, group.as_of)}
                wrong += [f"{test}: Spark screens {got.get(pid)}, the reference {want}"
                          for pid, (test, want) in group.screens.items() if got.get(pid) != want]
            if group.days:
                found = self.spark.outcomes(group.timelines, group.days, group.criteria,
                                            group.as_of)
                for key, (test, want) in group.outcomes.items():
                    answer = {n: o.value for n, o in found.get(key, {}).items()}
                    wrong += [f"{test}: {name} on {key[1]}: Spark {answer.get(name)}, "
                              f"the reference {value}"
                              for name, value in want.items() if answer.get(name) != value]
        return wrong
