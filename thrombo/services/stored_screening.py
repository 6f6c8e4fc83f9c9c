"""Screening results kept in the store (thrombo.store.screenings): written after an import (the
command line's and the service's uploads) for the patients it touched, and by the service for
a patient it screened for today; read by `thrombo screen STORE-URL` and the service.

A stored result is used only when the patient's data version, the criteria set with its options
and versions, the as-of day and the time zone all match; every other patient is screened as
before. So a stored result always equals what screening the patient again would give (tests:
tests/integration/test_stored_screening.py).
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any, cast

from thrombo import __version__
from thrombo.domain.evidence import CriterionEvidence, Value
from thrombo.domain.quantities import Quantity, parse_censored
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules import registry
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen, screen_patient
from thrombo.rules.screening_results import ScreeningResult, SetResult, Status
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.store.schema import in_chunks
from thrombo.store.screenings import ResultKey, data_versions, store_results, stored_results
from thrombo.store.sources import is_sqlite_file
from thrombo.store.sql import Store, is_store_url

log = logging.getLogger("thrombo.services")

IMPORT_CHUNK = 200
"""[Design] Patients read and screened at a time after an import: bounds memory to a few
hundred timelines whatever the import's size (a screening is per patient)."""


SCREENING_CODE = ("rules", "physiology", "domain", "store/read.py",
                  "services/stored_screening.py")
"""What a stored result depends on besides the data and the rules' options: the evaluator and
its result shape, the physiology tables, the domain types, how the store is read back."""


def result_key(criteria: CriteriaSet, as_of: date, tz: tzinfo) -> ResultKey:
    return ResultKey(criteria.rules_json(), as_of, str(tz), code_version())


@cache
def code_version() -> str:
    """thrombo's version and a digest of SCREENING_CODE's files: any change to how a result is
    computed or written (a fix without a new rules version, a new field in the JSON) makes
    the results stored before it unusable rather than served. A few ms, once a process."""
    root = Path(__file__).parents[1]
    digest = hashlib.sha256()
    for file in (f for part in SCREENING_CODE for f in _source_files(root / part)):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _source_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".py", ".csv", ".toml", ".json"))


def default_set() -> CriteriaSet:
    """The set screened after an import: the default set with its default options."""
    return registry.criteria_set(registry.DEFAULT, ScreeningOptions())


# -- after an import -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportScreening:
    """What an import's screening did (the import summary's `screening`)."""

    rules: dict[str, object]
    as_of: date
    time_zone: str
    touched: int
    stored: int
    failed: int = 0
    """Patients left without a stored result because their screening or its write failed
    (an upload's screening goes on past a failure: `screen_versions`)."""
    error: str | None = None
    """The first failure: the exception's type and where it was raised (no message: it may
    carry patient values, and the same text is logged)."""

    def to_json(self) -> dict[str, object]:
        return {"rules": self.rules, "as_of": self.as_of.isoformat(),
                "time_zone": self.time_zone, "patients_touched": self.touched,
                "results_stored": self.stored, "patients_failed": self.failed,
                **({} if self.error is None else {"error": self.error})}


def screen_touched(store: Store, before: Mapping[str, str], tz: tzinfo, as_of: date,
                   criteria: CriteriaSet | None = None) -> ImportScreening:
    """Screen the patients whose data version differs from `before` (those the import wrote
    to) and store the results (`screen_versions`); a failure is raised."""
    with store.engine.connect() as conn:
        now = data_versions(conn)
    touched = {pid: version for pid, version in now.items() if before.get(pid) != version}
    return screen_versions(store, touched, tz, as_of, criteria)


def screen_versions(store: Store, versions: Mapping[str, str], tz: tzinfo, as_of: date,
                    criteria: CriteriaSet | None = None, *, keep_going: bool = False
                    ) -> ImportScreening:
    """Screen the patients of `versions` (id -> data version after the import) under
    `criteria` (default: the default set), as of `as_of`, and store the results. A result is
    stored only when the patient's data version after its timeline was read is still the one
    in `versions`: the result then describes exactly that version (another import committing
    meanwhile leaves that patient without a stored result, to be screened when asked). Each
    chunk of patients is written in one transaction. With `keep_going`, a patient whose
    screening fails, or a chunk whose reading or writing fails, is logged and counted, and
    the others go on; without it, the failure is raised."""
    criteria = criteria or default_set()
    key = result_key(criteria, as_of, tz)
    failures = _Failures() if keep_going else None
    stored = 0
    for chunk in in_chunks(sorted(versions), IMPORT_CHUNK):
        try:
            stored += _screen_chunk(store, (key, tz), criteria,
                                    {p: versions[p] for p in chunk}, failures)
        except Exception as exc:
            if failures is None:
                raise
            failures.add(chunk, exc)
    if failures is not None and failures.ids:
        log.error("screening after an import: %d of %d patients left without a stored "
                  "result (first: %s); they are screened when viewed",
                  len(failures.ids), len(versions), failures.first)
    return ImportScreening(criteria.rules_json(), as_of, str(tz), len(versions), stored,
                           0 if failures is None else len(failures.ids),
                           None if failures is None else failures.first)


def _screen_chunk(store: Store, keyed: tuple[ResultKey, tzinfo], criteria: CriteriaSet,
                  versions: Mapping[str, str], failures: _Failures | None) -> int:
    key, tz = keyed
    timelines = store.timelines(tz, list(versions))
    results: dict[str, ScreeningResult] = {}
    for timeline in timelines:
        try:
            results[timeline.patient_id] = screen_patient(timeline, criteria, key.as_of)
        except Exception as exc:
            if failures is None:
                raise
            failures.add([timeline.patient_id], exc)
    with store.engine.begin() as conn:
        after = data_versions(conn, list(versions))
        return store_results(conn, key, {
            pid: (versions[pid], result.to_json()) for pid, result in results.items()
            if after.get(pid) == versions[pid]})


@dataclass
class _Failures:
    ids: set[str] = field(default_factory=set)
    first: str | None = None

    def add(self, patient_ids: Sequence[str], exc: Exception) -> None:
        """Count the patients; the first failure is kept (its type and place, not its
        message, which may carry patient values) for the log and the summary."""
        self.ids.update(patient_ids)
        if self.first is None:
            self.first = failure_text(exc)


def failure_text(exc: BaseException) -> str:
    """`RuntimeError in screen_patient (screening.py:170)`: the exception's type and where it
    was raised, without its message (it may carry patient values, and it is logged)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    return f"{type(exc).__name__} in {frames[-1].name} " \
           f"({Path(frames[-1].filename).name}:{frames[-1].lineno})"


def unscreened(criteria: CriteriaSet | None, as_of: date, tz: tzinfo, exc: BaseException
               ) -> ImportScreening:
    """The screening of an import whose patients could not even be found: none screened."""
    log.error("screening after an import: the patients it wrote to could not be read (%s); "
              "they are screened when viewed", failure_text(exc))
    return ImportScreening((criteria or default_set()).rules_json(), as_of, str(tz), 0, 0,
                           error=failure_text(exc))


# -- reading -------------------------------------------------------------------------------

STORED_ENGINES = ("reference",)
"""[Design] The engines whose answer a stored result stands for: results are computed by the
reference evaluator, and a user who names another engine asks for that engine's answer."""


def store_url(source: str, source_format: str | None) -> str | None:
    """The store URL a SOURCE names (as `store.sources.load_source` reads it), else None."""
    if source_format is not None:
        return None
    if not is_store_url(source) and is_sqlite_file(Path(source)):
        return f"sqlite:///{source}"
    return source if is_store_url(source) else None



@dataclass(frozen=True)
class StoreScreening:
    results: list[SetResult]
    from_store: dict[str, int]
    """Per criteria set: how many patients' results were read from the store."""
    screened: dict[str, int]
    """Per criteria set: how many patients were screened now."""

    def input_json(self, url: str) -> dict[str, object]:
        """The `input` of `screen --json` for a store, with where each result came from."""
        return {"store": url, "stored_results": [
            {"criteria": name, "from_store": self.from_store[name],
             "screened": self.screened[name]} for name in self.from_store]}


def screen_store(store: Store, sets: Sequence[CriteriaSet], as_of: date, tz: tzinfo
                 ) -> StoreScreening:
    """Every stored patient under each set: the stored result where it matches, a fresh
    screening otherwise (patients in id order, as `Store.timelines` gives them)."""
    with store.engine.connect() as conn:
        versions = data_versions(conn)
        found = {s.name: stored_results(conn, result_key(s, as_of, tz), versions) for s in sets}
    ids = sorted(versions)
    missing = sorted({pid for s in sets for pid in ids if pid not in found[s.name]})
    timelines = _timelines(store, tz, missing, len(ids))
    results = []
    for s in sets:
        fresh = screen([timelines[pid] for pid in ids if pid not in found[s.name]], s, as_of)
        by_id = {**{pid: result_from_json(doc) for pid, doc in found[s.name].items()},
                 **fresh.by_patient()}
        results.append(set_result(s, as_of, [by_id[pid] for pid in ids]))
    return StoreScreening(results, {s.name: len(found[s.name]) for s in sets},
                          {s.name: len(ids) - len(found[s.name]) for s in sets})


def _timelines(store: Store, tz: tzinfo, ids: list[str], total: int
               ) -> dict[str, PatientTimeline]:
    """The timelines of `ids`: read by id when they are a few, with every patient when most
    are wanted (one scan costs less than a long `IN` list)."""
    if not ids:
        return {}
    wanted = set(ids)
    read = store.timelines(tz, ids) if len(ids) * 2 < total else store.timelines(tz)
    return {t.patient_id: t for t in read if t.patient_id in wanted}


def set_result(criteria: CriteriaSet, as_of: date, patients: Sequence[ScreeningResult]
               ) -> SetResult:
    """As `rules.screening.screen` builds it: the set's own caveats head the warnings."""
    dynamic = sorted({w for p in patients for w in p.warnings} - set(criteria.warnings))
    return SetResult(criteria.rules_json(), as_of, tuple(patients),
                     (*criteria.warnings, *dynamic))


def stored_or_screened(store: Store, timeline: PatientTimeline, as_of: date,
                       criteria: CriteriaSet | None = None, *,
                       store_if: Callable[[], bool] | None = None) -> ScreeningResult:
    """One patient's screening: the stored result when it matches the patient's data as
    stored now, else screened from `timeline`. A stored result is never older than
    `timeline`; it may be newer when an import committed after the timeline was read.

    A result screened here is stored only when the caller passes `store_if` and it answers
    True after the patient's data version was read: the caller's proof that `timeline` was
    read from exactly that version (the service: no import has committed since before the
    timeline was read). Without it the timeline may be older than the version just read,
    and the result would be stored under a version it does not describe."""
    storable = None if store_if is None else (
        lambda screened: screened if store_if() else [])
    found = stored_or_screened_many(store, [timeline], as_of, criteria, storable=storable)
    return found[timeline.patient_id]


Storable = Callable[[Sequence[PatientTimeline]], Sequence[PatientTimeline]]
"""Of the timelines screened, those whose results may be stored (`stored_or_screened`'s
`store_if`, per timeline), asked after their data versions were read."""


def stored_or_screened_many(store: Store, timelines: Sequence[PatientTimeline], as_of: date,
                            criteria: CriteriaSet | None = None, *,
                            screen_one: Callable[[PatientTimeline], ScreeningResult] | None = None,
                            storable: Storable | None = None) -> dict[str, ScreeningResult]:
    """`stored_or_screened` of each timeline (patient id -> result), reading the data
    versions and the stored results of all of them together (a list of 500 patients: two
    queries instead of a thousand) and writing the results screened here that `storable`
    lets through in one transaction. `screen_one` screens a patient without a stored result
    (default: `screen_patient` under `criteria`)."""
    criteria = criteria or default_set()
    screen_one = screen_one or (lambda timeline: screen_patient(timeline, criteria, as_of))
    zones: dict[str, list[PatientTimeline]] = {}
    for timeline in timelines:  # one key per time zone (a service has one)
        zones.setdefault(str(timeline.tz), []).append(timeline)
    found: dict[str, ScreeningResult] = {}
    for zone in zones.values():
        key = result_key(criteria, as_of, zone[0].tz)
        found.update(_stored_or_screened_zone(store, key, zone, screen_one, storable))
    return found


def _stored_or_screened_zone(store: Store, key: ResultKey, timelines: Sequence[PatientTimeline],
                             screen_one: Callable[[PatientTimeline], ScreeningResult],
                             storable: Storable | None) -> dict[str, ScreeningResult]:
    with store.engine.connect() as conn:
        versions = data_versions(conn, [t.patient_id for t in timelines])
        stored = stored_results(conn, key, versions)
    found = {pid: result_from_json(doc) for pid, doc in stored.items()}
    screened = [t for t in timelines if t.patient_id not in found]
    for timeline in screened:
        found[timeline.patient_id] = screen_one(timeline)
    known = [t for t in screened if t.patient_id in versions]  # a patient no longer stored
    writable = storable(known) if storable is not None and known else []
    if writable:
        with store.engine.begin() as conn:
            store_results(conn, key, {t.patient_id: (versions[t.patient_id],
                                                     found[t.patient_id].to_json())
                                      for t in writable})
    return found


# -- a stored result back into the result type ---------------------------------------------


def result_from_json(doc: Mapping[str, Any]) -> ScreeningResult:
    """The inverse of `ScreeningResult.to_json` (which it gives back exactly); the day-by-day
    statuses are not stored and come back empty."""
    return ScreeningResult(
        patient_id=doc["patient_id"],
        status=cast(Status, doc["status"]),
        first_met=_day(doc["first_met"]),
        active=doc["active"],
        criteria_met=tuple(doc["criteria_met"]),
        criteria_indeterminate=tuple(doc["criteria_indeterminate"]),
        high_risk=doc["high_risk"],
        high_risk_features=tuple(doc["high_risk_features"]),
        evidence=tuple(_evidence(e) for e in doc["evidence"]),
        assessed_on=_day(doc["assessed_on"]),
        warnings=tuple(doc["warnings"]),
        indeterminate_reasons=tuple(doc["indeterminate_reasons"].items()),
        # A result stored before the latest results were kept has none.
        latest_results=tuple((e["outcome"], _evidence(e)) for e in doc.get("latest_results", ())),
    )


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _evidence(doc: Mapping[str, Any]) -> CriterionEvidence:
    reported, limit = doc.get("reported"), doc.get("limit")
    found = CriterionEvidence.of(
        doc["criterion"], doc["observation_id"], datetime.fromisoformat(doc["time"]),
        cast(Value, _value(doc["value"])), doc["threshold"], doc["rule"],
        None if reported is None else _reported(reported))
    if limit is None and doc.get("limit_source") is None:
        return found
    return replace(found, limit=None if limit is None else cast(Quantity, _value(limit)),
                   limit_source=doc.get("limit_source"))


def _value(value: Any) -> Value | None:
    if isinstance(value, dict):
        return Quantity.from_json(value)
    return cast(Value | None, value)


def _reported(text: str) -> Quantity:
    """'6 ukat/L' or '<10 10*9/L' (`str(Quantity)`) back into the quantity."""
    comparator, rest = parse_censored(text)
    number, unit = rest.split(" ", 1)
    return Quantity(float(number), unit, comparator)
