"""Every screening spec test (tests/spec/screening) run again through each batch engine.

Each spec test is called as written; its helpers `screened`, `outcome` and `feature` are
swapped for versions that ask the engine as well as the reference and require the same answer,
so a spec test passes here only when the engine agrees with the reference on every check.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.spec.screening import tables
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.batch.tables import BatchTables
from thrombo.rules.model import CriteriaSet
from thrombo.rules.registry import criteria_set
from thrombo.rules.results import ScreeningResult

from .agreement import Engine, assert_screens_agree, engine_outcome

SPEC_FOLDER = Path(tables.__file__).parent
REFERENCE_ONLY = {
    "test_sources": "reads FHIR and CSV files through io and normalize: a reader test, not a "
                    "criteria test (the engines read neutral tables)",
}
"""Spec modules that do not run on the engines, each with its reason. Every other module in
tests/spec/screening runs here, whole: a module this runner cannot use fails, never vanishes."""
HELPERS = ("screened", "outcome", "feature")
ARGUMENTS = {"value", "expected", "unit", "sbp", "dbp", "on_day"}
"""The parametrised arguments the runner supplies; a spec test asking for a fixture fails."""


def _spec_modules() -> list[str]:
    names = sorted(p.stem for p in SPEC_FOLDER.glob("test_*.py"))
    return [n for n in names if n not in REFERENCE_ONLY]


SPEC_MODULES = tuple(_spec_modules())


def _expand(fn: Callable[..., Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        yield "", {}
        return
    grids = []
    for mark in marks:
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        grids.append(
            [dict(zip(names, v if len(names) > 1 else (v,), strict=True)) for v in mark.args[1]]
        )
    for combo in itertools.product(*grids):
        merged: dict[str, Any] = {}
        for part in combo:
            merged.update(part)
        yield "-".join(str(v) for v in merged.values()), merged


def _cases() -> Iterator[Any]:
    for module_name in SPEC_MODULES:
        module = importlib.import_module(f"tests.spec.screening.{module_name}")
        if not any(hasattr(module, helper) for helper in HELPERS):
            raise AssertionError(
                f"tests/spec/screening/{module_name}.py asks the reference directly: write its "
                f"checks with tables.{'/'.join(HELPERS)} so every engine answers them too, or "
                "list it in REFERENCE_ONLY with the reason")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_") or fn.__module__ != module.__name__:
                continue
            unknown = set(inspect.signature(fn).parameters) - ARGUMENTS
            if unknown:
                raise AssertionError(f"{module_name}::{name} needs {sorted(unknown)}, which the "
                                     "engine runner does not supply")
            for suffix, kwargs in _expand(fn):
                yield pytest.param(module, fn, kwargs, id=f"{module_name}::{name}[{suffix}]")


def _patched(engine: Engine) -> dict[str, Callable[..., Any]]:
    def screened(tl: PatientTimeline, criteria: CriteriaSet, as_of: int = 100) -> ScreeningResult:
        return assert_screens_agree(engine, [tl], criteria, tables.day(as_of))[0]

    def outcome(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
        want = tables.outcome(tl, name, on_day, criteria)
        got = engine_outcome(engine, tl, name, tables.day(on_day), criteria).value
        assert got == want, f"{engine.name}: {name} on day {on_day}: {got} != {want}"
        return want

    def feature(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
        want = tables.feature(tl, name, on_day, criteria)
        got = engine_outcome(engine, tl, name, tables.day(on_day), criteria).value
        assert got == want, f"{engine.name}: feature {name} on day {on_day}: {got} != {want}"
        return want

    return {"screened": screened, "outcome": outcome, "feature": feature}


def _run(
    engine: Engine,
    module: Any,
    fn: Callable[..., Any],
    kwargs: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, replacement in _patched(engine).items():
        if hasattr(module, name):
            monkeypatch.setattr(module, name, replacement)
    fn(**kwargs)


CASES = list(_cases())


def test_every_spec_case_runs_on_the_engines() -> None:
    """A count guard: pytest's own collection of the spec modules yields exactly the cases this
    runner expands, so no test or parameter row is dropped on the way to an engine."""
    paths = [str(SPEC_FOLDER / f"{name}.py") for name in SPEC_MODULES]
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "no:randomly", "-p", "no:xdist", *paths],
        capture_output=True, text=True, check=False, cwd=SPEC_FOLDER.parents[2])
    collected = [line for line in listed.stdout.splitlines() if "::" in line]
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert len(collected) == len(CASES), (len(collected), len(CASES))
    assert len(CASES) >= 85  # the harmonized, vignette and other-set cases of December 2026


@pytest.mark.parametrize(("module", "fn", "kwargs"), CASES)
def test_spec_on_duckdb(
    duckdb_engine: Engine,
    module: Any,
    fn: Callable[..., Any],
    kwargs: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _run(duckdb_engine, module, fn, kwargs, monkeypatch)


def _recorded_calls() -> list[tuple[str, tuple[Any, ...]]]:
    """Run every spec case against the reference only, noting each helper call."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for param in CASES:
        module, fn, kwargs = param.values
        originals = {
            n: getattr(module, n) for n in ("screened", "outcome", "feature") if hasattr(module, n)
        }

        def recorder(kind: str) -> Callable[..., Any]:
            def call(*args: Any, **kw: Any) -> Any:
                calls.append((kind, (*args, *kw.values())))
                return getattr(tables, kind)(*args, **kw)

            return call

        try:
            for n in originals:
                setattr(module, n, recorder(n))
            fn(**kwargs)
        finally:
            for n, f in originals.items():
                setattr(module, n, f)
    return calls


def _renamed(tl: PatientTimeline, pid: str) -> PatientTimeline:
    return PatientTimeline.build(
        replace(tl.patient, patient_id=pid), tl.observations, tl.medications, tl.events, tl.tz
    )


SPARK_SET = "harmonized-2023"
SPARK_AS_OF = 50


@pytest.mark.spark
@pytest.mark.slow
def test_spec_on_spark(spark_engine: Engine) -> None:
    """The harmonized-2023 spec cases (default options) on Spark, in two queries.

    Spark plans each query for seconds, and every query runs the same compiled SQL the DuckDB
    tests check on all 85 cases; so Spark answers every harmonized-2023 criterion and feature
    check in one outcomes query, and the screens as of day 50 (the vignettes) in one screen."""
    default = repr(criteria_set(SPARK_SET).options)
    screens: list[tuple[PatientTimeline, CriteriaSet]] = []
    days: list[tuple[PatientTimeline, str, int, CriteriaSet]] = []
    for i, (kind, args) in enumerate(_recorded_calls()):
        tl, criteria = _renamed(args[0], f"case{i}"), args[-1] if kind != "screened" else args[1]
        if criteria.name != SPARK_SET or repr(criteria.options) != default:
            continue
        if kind != "screened":
            days.append((tl, args[1], args[2], criteria))
        elif (args[2] if len(args) > 2 else 100) == SPARK_AS_OF:
            screens.append((tl, criteria))
    assert len(screens) >= 10 and len(days) >= 40  # the cases this test is meant to cover
    assert_screens_agree(spark_engine, [t for t, _ in screens], screens[0][1],
                         tables.day(SPARK_AS_OF))
    criteria = days[0][3]
    batch = BatchTables.from_timelines(
        [t for t, *_ in days], [(t.patient_id, tables.day(d)) for t, _, d, _ in days]
    )
    got = spark_engine.outcomes(batch, criteria, tables.day(100_000))
    for tl, name, on_day, _ in days:
        want = _reference_outcome(tl, name, on_day, criteria)
        assert got[(tl.patient_id, tables.day(on_day))][name].value == want, (tl, name)


def _reference_outcome(tl: PatientTimeline, name: str, on_day: int, criteria: CriteriaSet) -> str:
    if name in {n.name for n in criteria.criteria}:
        return tables.outcome(tl, name, on_day, criteria)
    return tables.feature(tl, name, on_day, criteria)
