"""A stored timeline's TA-TMA screening, computed once per patient, day and store version: the
result stored for the patient's current data when there is one (written after each import,
services.stored_screening), else screened, and then stored for the next reader when it is
today's (as an import stores it: the default set with its default options, as of the day in
the service's time zone).

Results of other days are not stored: no reader asks for them again (the import, the service
and `thrombo screen` without --as-of all read today's), and a result is kept per patient, set
and zone for one day only (store.screenings). Results of other sets or options are not stored
either: the routes that screen under them (`/screening?criteria=...`) are asked rarely, and the
import stores only the default set, so such a result would be the only one of its kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from thrombo.api.service import DataVersion, Service
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening import screen, screen_patient
from thrombo.rules.screening_results import ScreeningResult, SetResult
from thrombo.services.stored_screening import (
    default_set,
    set_result,
    stored_or_screened_many,
)


def screening(service: Service, timeline: PatientTimeline, as_of: date, version: DataVersion
              ) -> ScreeningResult:
    """Shared by the dashboard's patient list and patient page, the screening routes and the
    patient-view hook, so warming one warms the others. `version`: the store version the
    caller read before it read `timeline` (the memo's key)."""
    result: ScreeningResult = screenings(service, [timeline], as_of, version)[0]
    return result


def screenings(service: Service, timelines: Sequence[PatientTimeline], as_of: date,
               version: DataVersion) -> list[ScreeningResult]:
    """`screening` of each of `timelines`, in their order: the patients not remembered are
    looked up in the store together (their data versions and stored results in one query
    per id list, not two a patient), and today's results screened here stored in one
    transaction."""
    return service.memo_many(
        [("screening", t.patient_id, as_of, version) for t in timelines],
        lambda missing: _stored_or_screened(service, [timelines[i] for i in missing], as_of,
                                            version))


def _stored_or_screened(service: Service, timelines: list[PatientTimeline], as_of: date,
                        version: DataVersion) -> list[ScreeningResult]:
    criteria = default_set()

    def screen_one(timeline: PatientTimeline) -> ScreeningResult:
        # Through the memo: a user error (data the evaluator refuses) is remembered as one.
        result: ScreeningResult = service.memo(
            ("screening", timeline.patient_id, as_of, version),
            partial(screen_patient, timeline, criteria, as_of))
        return result

    found = stored_or_screened_many(service.store, timelines, as_of, criteria,
                                    screen_one=screen_one,
                                    storable=partial(_storable, service, version)
                                    if as_of == service.today() else None)
    return [found[t.patient_id] for t in timelines]


def _storable(service: Service, version: DataVersion, screened: Sequence[PatientTimeline]
              ) -> list[PatientTimeline]:
    """The timelines whose results may be stored: read under `version` (after it was read)
    while the store is still at that version, so no import has committed since and each is
    the patient's data as stored now, and its result may be stored under the data version
    read now. A caller may hand a timeline read before it read `version` (the dashboard's
    warm-up does): screened and answered, not stored."""
    if service.store_version() != version:
        return []
    return [t for t in screened if service.read_under(t, version)]


def stored_kind(criteria: CriteriaSet) -> bool:
    """Whether results under `criteria` are the ones stored: the default set with its default
    options (its name, version and every option's value)."""
    return criteria.rules_json() == default_set().rules_json()


def patient_results(service: Service, timeline: PatientTimeline, as_of: date,
                    version: DataVersion) -> Callable[[CriteriaSet], ScreeningResult]:
    """The patient's result under a set: `screening` for the stored kind, else screened."""
    def result_of(criteria: CriteriaSet) -> ScreeningResult:
        if stored_kind(criteria):
            return screening(service, timeline, as_of, version)
        return screen_patient(timeline, criteria, as_of)
    return result_of


def set_screening(service: Service, timelines: Sequence[PatientTimeline], criteria: CriteriaSet,
                  as_of: date, version: DataVersion) -> SetResult:
    """Every patient of `timelines` under one set, as `rules.screening.screen` gives it."""
    if not stored_kind(criteria):
        return screen(timelines, criteria, as_of)
    return set_result(criteria, as_of, screenings(service, timelines, as_of, version))
