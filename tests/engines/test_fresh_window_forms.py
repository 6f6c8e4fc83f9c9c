"""The re-measured confirmation's fresh window, in both of its SQL forms, gives the same days.

The fresh window of an assessment day D holds the days after the previous assessment day P, up to
D and within D's 14-day window (screening.remeasures). DuckDB reads it as one frame whose start
varies by row (max(P + 1, D - 13)), sharing the whole window's sort; Spark, whose frame bounds are
constants, partitions the days by the count of assessment days before them. Both forms run here on
DuckDB over the same Hypothesis-built cohorts (the differential tests' own), and each patient-day's
window masks (`r`: every leaf's yes/unknown/no flags in the whole and in the fresh window) must be
equal, bit for bit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings

from thrombo.engines.compile import day_ctes, remeasures
from thrombo.engines.duck import connect, register, rows
from thrombo.engines.input_tables import InputTables, day_number
from thrombo.engines.observations import DUCKDB
from thrombo.engines.query_plan import Plan
from thrombo.rules.registry import criteria_set

from .test_generated_timelines import AS_OF, OPTIONS, SLOW, cohorts

CONSTANT_FRAMES = replace(DUCKDB, variable_frames=False, materialized="")


def _windows(tables: InputTables, plan: Plan, variable: bool) -> list[tuple[Any, ...]]:
    """The rows of `r`, the patient-days with their whole (`x`) and fresh (`y`) window masks."""
    con = connect()
    register(con, tables)
    ctes = day_ctes(plan, day_number(AS_OF) or 0, DUCKDB if variable else CONSTANT_FRAMES)
    upto = next(i for i, c in enumerate(ctes) if c.startswith("r AS "))
    found = rows(con, f"WITH {', '.join(ctes[:upto + 1])} SELECT * FROM r ORDER BY patient_id, day")
    return [tuple(sorted(r.items())) for r in found]


def test_harmonized_2023_remeasures() -> None:
    """The set these forms matter for confirms on a fresh window (else the test tests nothing)."""
    assert all(remeasures(Plan.of(criteria_set("harmonized-2023", o))) for o in OPTIONS)


@settings(max_examples=15, deadline=None, suppress_health_check=SLOW)
@given(cohort=cohorts)
def test_both_fresh_window_forms_give_the_same_masks(cohort: tuple[Any, ...]) -> None:
    tables = InputTables.from_timelines(list(cohort))
    for options in OPTIONS:
        plan = Plan.of(criteria_set("harmonized-2023", options))
        assert _windows(tables, plan, variable=True) == _windows(tables, plan, variable=False)
