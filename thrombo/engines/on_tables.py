"""A SQL engine (DuckDB, Spark) answering the `Engine` questions about timelines: the timelines
become the neutral input tables (`input_tables.InputTables`), the engine reads only those."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from thrombo.domain.timeline import PatientTimeline
from thrombo.engines import DayOutcomes
from thrombo.engines.input_tables import InputTables
from thrombo.engines.latest_sql import LatestByDay, LatestResults
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import ScreeningResult


class TableEngine(Protocol):
    """A SQL engine's own face: it screens input tables."""

    name: str

    def screen(
        self, tables: InputTables, criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]: ...

    def outcomes(self, tables: InputTables, criteria: CriteriaSet, as_of: date) -> DayOutcomes: ...

    def latest(self, tables: InputTables, criteria: CriteriaSet, as_of: date) -> LatestByDay: ...


class OnTables:
    def __init__(self, sql: TableEngine) -> None:
        self.sql = sql
        self.name = sql.name

    def screen(
        self, timelines: Sequence[PatientTimeline], criteria: CriteriaSet, as_of: date
    ) -> list[ScreeningResult]:
        return self.sql.screen(InputTables.from_timelines(timelines), criteria, as_of)

    def outcomes(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> DayOutcomes:
        return self.sql.outcomes(InputTables.from_timelines(timelines, days), criteria, as_of)

    def latest(
        self, timelines: Sequence[PatientTimeline], days: Iterable[tuple[str, date]],
        criteria: CriteriaSet, as_of: date,
    ) -> LatestResults:
        """(patient, day) -> criterion -> (observation id, limit): the latest result each
        criterion not met or undecided compared, as `rules.latest_results` finds it."""
        known = [t.as_of(as_of) for t in timelines]
        found = self.sql.latest(InputTables.from_timelines(known, days), criteria, as_of)
        by_id = {t.patient_id: t for t in known}
        return {key: {name: (by_id[key[0]].observations[seq].id, limit)
                      for name, (seq, limit) in row.items()} for key, row in found.items()}
