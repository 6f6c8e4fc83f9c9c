"""Batch screening engines: the criteria model compiled to SQL (DuckDB embedded, Spark).

`ENGINES` names every engine `thrombo screen --engine` accepts; `engine(name)` builds one.
`reference` is the in-memory evaluator (`thrombo.rules.screening`), the meaning the others
must reproduce.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.rules.model import CriteriaSet
from thrombo.rules.results import ScreeningResult, SetResult

ENGINES = ("reference", "duckdb", "spark")
DEFAULT_ENGINE = "reference"


class UnknownEngineError(ThromboUserError):
    """An engine name that is not one of ENGINES."""


def engine(name: str) -> Any:
    """A batch engine by name (`duckdb`, `spark`)."""
    if name == "duckdb":
        from thrombo.rules.batch.duck import DuckDBEngine

        return DuckDBEngine()
    if name == "spark":
        from thrombo.rules.batch.spark import SparkEngine

        return SparkEngine()
    raise UnknownEngineError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")


def screen_with(
    name: str, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
) -> SetResult:
    """Screen timelines with the named engine; the hook `thrombo screen --engine` calls."""
    if name == "reference":
        from thrombo.rules.screening import screen

        return screen(timelines, criteria, as_of)
    from thrombo.rules.batch.tables import BatchTables

    results: list[ScreeningResult] = engine(name).screen(
        BatchTables.from_timelines(timelines), criteria, as_of
    )
    order = {t.patient_id: i for i, t in enumerate(timelines)}
    results.sort(key=lambda r: order.get(r.patient_id, len(order)))
    return SetResult(criteria.rules_json(), as_of, tuple(results), criteria.warnings)
