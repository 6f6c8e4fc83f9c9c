"""Use case `screen`: TA-TMA screening of one patient or of many, under one set or all.

`ScreenOptions` holds the choices `thrombo screen` offers (the published definitions leave them
open; rules.tma.options names each); the service's routes use the defaults. A SOURCE is
screened on the engine asked for, by the path thrombo.population chooses (a dataset folder or
OMOP CDM read in place on DuckDB, the cluster job on Spark, timelines otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import ENGINES
from thrombo.errors import ThromboUserError
from thrombo.population.options import BulkOptions
from thrombo.population.screen import screen_on_cluster, screen_source
from thrombo.rules import registry
from thrombo.rules.compare import disagreements
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen, screen_patient
from thrombo.rules.screening_results import ScreeningResult, SetResult
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.services.engine_choice import (
    NAMED_REFERENCE,
    REFERENCE,
    EngineChoice,
    choose_engine,
)
from thrombo.services.stored_screening import STORED_ENGINES, screen_store, store_url
from thrombo.store.sources import timezone
from thrombo.store.sql import Store

DEFAULT_CRITERIA = registry.DEFAULT
ALL_CRITERIA = "all"
DIAGNOSIS_DATES = ("second-time-point", "first-time-point")
CONFIRMATIONS = ("re-measured", "window")
ENGRAFTMENT_RUNS = (3, 7)


@dataclass(frozen=True)
class ScreenOptions:
    """The screening choices of `thrombo screen` (ScreeningOptions documents each)."""

    diagnosis_date: str = "second-time-point"
    confirmation: str = "re-measured"
    platelet_engraftment_run: int = 3

    def rule_options(self) -> ScreeningOptions:
        _one_of("--diagnosis-date", self.diagnosis_date, DIAGNOSIS_DATES)
        _one_of("--confirmation", self.confirmation, CONFIRMATIONS)
        _one_of("--platelet-engraftment-run", self.platelet_engraftment_run, ENGRAFTMENT_RUNS)
        return ScreeningOptions(
            diagnosis_date=cast(Literal["second-time-point", "first-time-point"],
                                self.diagnosis_date),
            confirmation=cast(Literal["re-measured", "window"], self.confirmation),
            platelet_engraftment_run=cast(Literal[3, 7], self.platelet_engraftment_run))


def _one_of(option: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        raise ThromboUserError(
            f"{option} must be {' or '.join(str(a) for a in allowed)}, got {value!r}")


def criteria_set(name: str = DEFAULT_CRITERIA, options: ScreenOptions | None = None
                 ) -> CriteriaSet:
    return registry.criteria_set(name, (options or ScreenOptions()).rule_options())


def criteria_names() -> list[str]:
    return [*registry.SETS, ALL_CRITERIA]


def chosen_sets(name: str, options: ScreenOptions | None = None) -> list[CriteriaSet]:
    """One named set, or every registered set for `all`."""
    rules = (options or ScreenOptions()).rule_options()
    return registry.all_sets(rules) if name == ALL_CRITERIA else [
        registry.criteria_set(name, rules)]


def screen_one(timeline: PatientTimeline, as_of: date, criteria: str = DEFAULT_CRITERIA
               ) -> ScreeningResult:
    return screen_patient(timeline, criteria_set(criteria), as_of)


def screen_all(timelines: Sequence[PatientTimeline], as_of: date,
               criteria: str = DEFAULT_CRITERIA) -> SetResult:
    return screen(timelines, criteria_set(criteria), as_of)


def results_document(results: Sequence[SetResult], criteria: str) -> dict[str, Any]:
    """The `screen --json` document: one set's result, or every set side by side for `all`."""
    if criteria != ALL_CRITERIA:
        return results[0].to_json()
    return {"results": [r.to_json() for r in results],
            "disagreements": disagreements(list(results))}


def screening_document(timelines: Sequence[PatientTimeline], as_of: date, criteria: str
                       ) -> dict[str, Any]:
    return results_document([screen(timelines, s, as_of) for s in chosen_sets(criteria)],
                            criteria)


def patient_screening_document(
    timeline: PatientTimeline, as_of: date, sets: Sequence[CriteriaSet], criteria: str,
    screened: Callable[[CriteriaSet], ScreeningResult] | None = None,
) -> dict[str, Any]:
    """One patient under one set (`rules`, `as_of`, `patient`), or under each set for `all`;
    `screened` gives the patient's result under a set (default: screened here; the service
    passes its stored or remembered results)."""
    result_of = screened or (lambda s: screen_patient(timeline, s, as_of))
    results = [{"rules": s.rules_json(), "as_of": as_of.isoformat(),
                "patient": result_of(s).to_json()} for s in sets]
    if criteria != ALL_CRITERIA:
        return results[0]
    return {"as_of": as_of.isoformat(), "results": results}


@dataclass(frozen=True)
class ScreenRequest:
    """`thrombo screen SOURCE`'s inputs."""

    source: str
    as_of: date
    criteria: str = DEFAULT_CRITERIA
    engine: str | None = REFERENCE
    """None: chosen by the source's size (services.engine_choice)."""
    options: ScreenOptions = ScreenOptions()
    tz: str = "UTC"
    fmt: str | None = None
    lab_ranges: Path | None = None
    needs_evidence: bool = True
    """Whether the output shows each verdict's evidence (only the reference gives it)."""

    def sets(self) -> list[CriteriaSet]:
        """The criteria sets, every option checked before the source is read."""
        if self.engine is not None and self.engine not in ENGINES:
            raise ThromboUserError(
                f"unknown engine {self.engine!r} (available: {', '.join(ENGINES)})")
        return chosen_sets(self.criteria, self.options)

    def bulk_options(self) -> BulkOptions:
        return BulkOptions(self.as_of, self.tz, self.lab_ranges)


@dataclass(frozen=True)
class SourceScreening:
    results: list[SetResult]
    document: dict[str, Any]
    """The `screen --json` document, with the source's accounting as "input"."""
    engine: EngineChoice = NAMED_REFERENCE


def screen_from_source(request: ScreenRequest) -> SourceScreening:
    """The request screened on its engine, or with none named on the one chosen for the
    source (engine_choice; the document's rules then name it)."""
    choice = choose_engine(request.engine, request.source, request.fmt, request.needs_evidence)
    done = _screen_on(replace(request, engine=choice.name), choice.name)
    if not choice.automatic:
        return done
    return replace(done, document=_naming_engine(done.document, choice), engine=choice)


def _screen_on(request: ScreenRequest, engine: str) -> SourceScreening:
    stored = _screen_from_store(request)
    if stored is not None:
        return stored
    results, accounting = screen_source(request.source, request.fmt, engine, request.sets(),
                                        request.bulk_options())
    return SourceScreening(results, {**results_document(results, request.criteria),
                                     "input": accounting})


def _naming_engine(document: dict[str, Any], choice: EngineChoice) -> dict[str, Any]:
    """The document with the engine chosen named in its rules (each set's, for `all`)."""
    named = dict(document)
    if "results" in named:
        named["results"] = [_naming_engine(r, choice) for r in named["results"]]
    else:
        named["rules"] = {**named["rules"], "engine": choice.describe()}
    return named


def screen_as_cluster_job(request: ScreenRequest, master: str | None, out: str | None
                          ) -> dict[str, Any]:
    """The Spark job's summary (it writes OUT/patients and OUT/summary.json)."""
    if request.criteria == ALL_CRITERIA:
        raise ThromboUserError("--out writes one criteria set's results: name it with "
                               "--criteria")
    (criteria,) = request.sets()
    return screen_on_cluster(request.source, request.fmt, request.engine or REFERENCE, criteria,
                             request.bulk_options(), master, out)


def _screen_from_store(request: ScreenRequest) -> SourceScreening | None:
    """A store screened on the reference engine: the results stored for its patients' current
    data where they match (services.stored_screening), the others screened now; the input
    says how many of each. None for any other source or engine."""
    url = store_url(request.source, request.fmt)
    if url is None or request.engine not in STORED_ENGINES:
        return None
    sets = request.sets()
    found = screen_store(Store.open(url, existing=True), sets, request.as_of,
                         timezone(request.tz))
    return SourceScreening(found.results, {**results_document(found.results, request.criteria),
                                           "input": found.input_json(url)})
