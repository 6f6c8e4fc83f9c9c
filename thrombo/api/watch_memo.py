"""The TA-TMA watch list (issue 24) as the service's routes, pages and hooks read it: computed
once per patient set, day and store version, like the screening (screening_memo), and its
evidence in the words the dashboard and the watch card share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from thrombo.api.screening_memo import screening, screenings
from thrombo.api.service import DataVersion, Service
from thrombo.domain.evidence import CriterionEvidence
from thrombo.domain.timeline import PatientTimeline
from thrombo.report.words import term
from thrombo.rules.watch import WatchList, WatchResult, watch_list, watch_patient


def watched_list(service: Service, timelines: Sequence[PatientTimeline], as_of: date,
                 version: DataVersion) -> WatchList:
    """Every transplant recipient among `timelines` (the caller checked access), in the watch
    list's order: alerts, watches, the rest, the diagnosed."""
    key = ("watch-list", tuple(t.patient_id for t in timelines), as_of, version)
    found: WatchList = service.memo(key, lambda: watch_list(
        list(timelines), as_of,
        screened={t.patient_id: result for t, result in
                  zip(timelines, screenings(service, timelines, as_of, version), strict=True)}))
    return found


def watched(service: Service, timeline: PatientTimeline, as_of: date, version: DataVersion
            ) -> WatchResult | None:
    """One stored patient's place on the watch list (None: not a transplant recipient)."""
    found: WatchResult | None = service.memo(("watch", timeline.patient_id, as_of, version),
                                             partial(watch_patient, timeline, as_of,
                                                     screened=screening(service, timeline,
                                                                        as_of, version)))
    return found


def evidence_words(evidence: CriterionEvidence) -> str:
    """`LDH 400 U/L on 2026-02-06 (> ULN 320 U/L ...)`: the value, its day and the limit; an
    event as `platelet transfusion on 2026-02-06 (platelet transfusion on or after ...)` (its
    rule is the limit's text, and names the event as the data does)."""
    on = evidence.time.date().isoformat()
    if isinstance(evidence.value, str):
        event = evidence.value
        return f"{term(event)} on {on} ({evidence.threshold.replace(event, term(event))})"
    return f"{term(evidence.rule)} {evidence.value} on {on} ({evidence.threshold})"
