"""The TA-TMA watch card of the patient-view service (issue 24): a `warning` card for a patient
on watch or alert, naming the signals, their evidence, the next tests and the review date.

No watch card for a patient the default criteria set has diagnosed (the screening card says
"TA-TMA criteria met" and the diagnosis's plan applies), for a patient at level none, or for a
patient without an allogeneic transplant."""

from __future__ import annotations

from typing import Any

from thrombo.api.cds.cards import card, link
from thrombo.api.service import DataVersion, Service
from thrombo.api.watch_memo import evidence_words, watched
from thrombo.domain.timeline import PatientTimeline
from thrombo.report.words import term
from thrombo.rules.watch import WatchResult, watch_patient
from thrombo.rules.watch.options import DESIGN_WARNING

LEVEL_TEXT = {"watch": "one early TA-TMA signal", "alert": "two or more early TA-TMA signals"}


def summary(result: WatchResult) -> str:
    names = ", ".join(term(s.signal) for s in result.signals)
    since = f" since {result.since.isoformat()}" if result.since else ""
    return f"TA-TMA {result.level}{since}: {names}"


def detail(result: WatchResult) -> str:
    level = result.level or ""
    lines = [f"**Level:** {level} ({LEVEL_TEXT.get(level, level)}); criteria not met yet"]
    for s in result.signals:
        lines.append(f"- {term(s.signal)} since {s.since.isoformat()}: "
                     + "; ".join(evidence_words(e) for e in s.evidence))
    if result.next_tests:
        lines.append(f"\n**Next tests:** {', '.join(result.next_tests)}")
    if result.review_by:
        lines.append(f"**Review by:** {result.review_by.isoformat()}")
    lines.append(f"\n*Caution:* {DESIGN_WARNING}. A research aid: confirm with the treating team.")
    return "\n".join(lines)


def watch_of(service: Service, timeline: PatientTimeline, from_prefetch: bool,
             version: DataVersion) -> WatchResult | None:
    """As the screening card: the store's data once per patient, day and store version;
    prefetched data anew."""
    if from_prefetch:
        return watch_patient(timeline, service.today())
    return watched(service, timeline, service.today(), version)


def watch_cards(result: WatchResult | None, page_url: str) -> list[dict[str, Any]]:
    """One card for a watched patient (watch or alert), none for anyone else."""
    if result is None or result.diagnosed or result.level not in LEVEL_TEXT:
        return []
    return [card(summary(result), "warning", detail=detail(result),
                 links=[link("Open the thrombo patient page", page_url)])]
