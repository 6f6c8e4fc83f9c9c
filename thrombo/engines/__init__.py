"""Screening engines: the reference evaluator, DuckDB and Spark, siblings behind one interface.

Every engine answers the same two questions about patient timelines (domain records: patients,
observations, events) under one criteria set: `screen` (each patient's verdict as of a day) and
`outcomes` (each criterion's and high-risk feature's outcome on asked query days). The
reference evaluator (`thrombo.rules.screening`) is the meaning the others must reproduce; the
SQL engines compile the criteria model and read the neutral input tables of `input_tables`.

Engines read no files, databases or source formats: that is `thrombo.population`'s work (an
import-linter contract forbids io, normalize and store here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome, ScreeningResult, SetResult

ENGINES = ("reference", "duckdb", "spark")

DayOutcomes = dict[tuple[str, date], dict[str, Outcome]]
"""(patient id, query day) -> criterion or high-risk feature name -> outcome."""


class Engine(Protocol):
    """What every engine answers, on the same timelines, with the same meaning."""

    name: str

    def screen(
        self, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]: ...

    def outcomes(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> DayOutcomes: ...


class UnknownEngineError(ThromboUserError):
    """An engine name that is not one of ENGINES."""


def engine(name: str) -> Engine:
    """An engine by name (`reference`, `duckdb`, `spark`; Spark starts a local session)."""
    if name == "reference":
        from thrombo.engines.reference import ReferenceEngine

        return ReferenceEngine()
    if name == "duckdb":
        from thrombo.engines.duck import DuckDBEngine
        from thrombo.engines.on_tables import OnTables

        return OnTables(DuckDBEngine())
    if name == "spark":
        from thrombo.engines.on_tables import OnTables
        from thrombo.engines.spark import SparkEngine

        return OnTables(SparkEngine())
    raise UnknownEngineError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")


def screen_with(
    name: str, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
) -> SetResult:
    """Screen timelines with the named engine, patients in the order given; the hook
    `thrombo screen --engine` calls."""
    if name == "reference":
        # The whole set at once: the set's own caveats and every patient's head the warnings.
        from thrombo.rules.screening import screen

        return screen(timelines, criteria, as_of)
    results = engine(name).screen(timelines, criteria, as_of)
    order = {t.patient_id: i for i, t in enumerate(timelines)}
    results.sort(key=lambda r: order.get(r.patient_id, len(order)))
    return SetResult(criteria.rules_json(), as_of, tuple(results), criteria.warnings)
