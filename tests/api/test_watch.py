"""The TA-TMA watch list through the service (issue 24): `/api/v1/watch` (typed answer), the
dashboard's `/watch` page, and the patient-view hook's watch card.

Access as the patient list: a clinician sees their own centre's transplant recipients, an
administrator every centre's, a researcher none (403 on the API, sent to the study pages on the
dashboard). The answers are checked against `watch_list` run on the same stored timelines.

The watch card is checked on three patients sent by prefetch, dated so that "today" is the day
of the spec table's as-of (tests/spec/watch/test_levels.py, LDH_THEN_PROTEIN):
- watched: as of day +39, LDH 400 U/L > ULN 320 and >= 1.25 x the median 250 (since day +36)
  and UPCR 0.2 -> 1.5 mg/mg (since day +38): alert, a `warning` card beside the screening card;
- level none: as of day +34, LDH 240 and 260 U/L, UPCR 0.2: no signal, no watch card;
- diagnosed: the stored cohort's TA-TMA patient: the screening card only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api import test_cds_hooks as cds
from tests.api.conftest import Cohort, auth
from tests.api.test_cds_hooks import PATIENT_VIEW, hook, prefetch_of, renamed
from tests.spec.watch.tables import day, timeline
from tests.spec.watch.test_levels import LDH_THEN_PROTEIN
from thrombo.api.service import Service
from thrombo.api.watch_memo import evidence_words
from thrombo.domain.evidence import CriterionEvidence
from thrombo.domain.records import Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.watch import watch_list, watch_patient
from thrombo.web.watch_page import watch_row

open_client = cds.open_client  # the patient-view service with JWT checking off
tma_timeline = cds.tma_timeline  # a stored patient the default criteria set diagnoses


def shifted(tl: PatientTimeline, as_of_day: int, today: date, new_id: str) -> PatientTimeline:
    """The spec timeline moved so that its day `as_of_day` is `today`, under a new id."""
    delta = today - day(as_of_day)

    def move(d: date | None) -> date | None:
        return None if d is None else d + delta

    p = tl.patient
    person: Patient = replace(
        p, patient_id=new_id, hsct_date=move(p.hsct_date),
        neutrophil_engraftment_date=move(p.neutrophil_engraftment_date),
        platelet_engraftment_date=move(p.platelet_engraftment_date),
        conditioning_start_date=move(p.conditioning_start_date), hsct_type="allogeneic")
    observations = [replace(o, patient_id=new_id, id=f"{new_id}-{o.id}",
                            time=o.time + timedelta(days=delta.days)) for o in tl.observations]
    return PatientTimeline.build(person, observations)


def cards_for(open_client: TestClient, tl: PatientTimeline) -> list[dict[str, Any]]:
    answer = open_client.post(PATIENT_VIEW, json=hook("patient-view", tl.patient_id,
                                                      prefetch_of(tl)))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["cards"])


def test_a_watched_patient_gets_a_warning_card(open_client: TestClient, service: Service
                                               ) -> None:
    tl = shifted(timeline(LDH_THEN_PROTEIN), 39, service.today(), "EHR-WATCH-1")
    screening, watch = cards_for(open_client, tl)
    assert not screening["summary"].startswith("TA-TMA criteria met")
    assert watch["indicator"] == "warning"
    since = (service.today() - timedelta(days=1)).isoformat()  # the second signal, day +38
    assert watch["summary"] == f"TA-TMA alert since {since}: LDH rising, new proteinuria"
    assert "LDH 400 U/L" in watch["detail"] and "UPCR 1.5 mg/mg" in watch["detail"]
    assert "**Next tests:** blood smear for schistocytes, sC5b-9, haptoglobin" in watch["detail"]
    assert "random UPCR" not in watch["detail"], "proteinuria is settled (criterion met)"
    review = (service.today() + timedelta(days=1)).isoformat()  # alert: since + 2 days
    assert f"**Review by:** {review}" in watch["detail"]
    assert watch["links"][0]["url"].endswith("/patients/EHR-WATCH-1")


def test_no_watch_card_at_level_none(open_client: TestClient, service: Service) -> None:
    tl = shifted(timeline(LDH_THEN_PROTEIN), 34, service.today(), "EHR-WATCH-2")
    cards = cards_for(open_client, tl.as_of(service.today()))
    assert len(cards) == 1
    assert "TA-TMA criteria met" not in cards[0]["summary"]


def test_no_watch_card_for_a_diagnosed_patient(open_client: TestClient,
                                               tma_timeline: PatientTimeline) -> None:
    cards = cards_for(open_client, renamed(tma_timeline, "EHR-DIAGNOSED-1"))
    assert [c["summary"].split(" (")[0] for c in cards] == ["TA-TMA criteria met"]


def _expected(service: Service, ids: set[str]) -> dict[str, Any]:
    timelines = service.timelines(sorted(ids))
    return watch_list(timelines, service.today()).to_json()


def _of(answer: dict[str, Any], ids: set[str]) -> dict[str, Any]:
    """The answer's rows of these patients: other tests of the session may add patients to the
    shared store (an upload), and they belong in the list too."""
    return {**answer, "patients": [p for p in answer["patients"] if p["patient_id"] in ids]}


def test_api_watch_list_is_the_visible_patients_watch_list(
        client: TestClient, tokens: dict[str, str], cohort: Cohort, service: Service) -> None:
    answer = client.get("/api/v1/watch", headers=auth(tokens["clin1"]))
    assert answer.status_code == 200, answer.text
    mine = cohort.of_centre("C01")
    assert _of(answer.json(), mine) == _expected(service, mine)
    others = set(cohort.centres) - mine
    assert not {p["patient_id"] for p in answer.json()["patients"]} & others
    every = client.get("/api/v1/watch", headers=auth(tokens["admin"])).json()
    assert _of(every, set(cohort.centres)) == _expected(service, set(cohort.centres))
    assert every["rules"]["name"] == "tma-watch"


def test_api_watch_list_as_of_a_past_day(client: TestClient, tokens: dict[str, str],
                                         cohort: Cohort, service: Service) -> None:
    past = date(2024, 6, 1)
    answer = client.get("/api/v1/watch", params={"as_of": past.isoformat()},
                        headers=auth(tokens["admin"])).json()
    assert _of(answer, set(cohort.centres)) == watch_list(
        service.timelines(sorted(cohort.centres)), past).to_json()


def test_a_researcher_never_sees_the_watch_list(client: TestClient, tokens: dict[str, str]
                                                ) -> None:
    assert client.get("/api/v1/watch", headers=auth(tokens["res"])).status_code == 403
    assert client.get("/api/v1/watch").status_code == 401
    page = client.get("/watch", headers=auth(tokens["res"]), follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/study")


def test_watch_page_shows_each_recipient_with_its_level(
        client: TestClient, tokens: dict[str, str], cohort: Cohort, service: Service) -> None:
    page = client.get("/watch", headers=auth(tokens["clin1"]))
    assert page.status_code == 200
    expected = _expected(service, cohort.of_centre("C01"))["patients"]
    for p in expected:
        level = "diagnosed" if p["diagnosed"] else p["level"]
        assert f'data-patient="{p["patient_id"]}" data-level="{level}"' in page.text
    assert page.text.count("data-patient=") == len(expected)
    assert '<a href="/watch">Watch list</a>' in page.text
    outside = cohort.of_centre("C02")
    assert not any(f'data-patient="{pid}"' in page.text for pid in outside)


def test_evidence_is_in_clinical_words() -> None:
    result = watch_patient(timeline(LDH_THEN_PROTEIN), day(39))
    assert result is not None
    row = watch_row(result)
    assert row.level == "alert" and row.review_by == day(40)
    assert [(s.name, s.since) for s in row.signals] == [("LDH rising", day(36)),
                                                         ("new proteinuria", day(38))]
    assert row.signals[0].evidence[0].startswith("LDH 400 U/L on 2026-02-06 (> ULN 320 U/L")
    assert row.criteria_met == "LDH, proteinuria"


def test_an_event_in_clinical_words() -> None:
    """A platelet transfusion behind `platelet_fall` (rule and threshold are the limit's text)."""
    text = "platelet_transfusion on or after platelet engraftment in the window"
    event = CriterionEvidence.of("platelet_fall", "P01-e1", datetime(2026, 2, 6, 9, tzinfo=UTC),
                                 "platelet_transfusion", text, text)
    assert evidence_words(event) == ("platelet transfusion on 2026-02-06 (platelet transfusion "
                                     "on or after platelet engraftment in the window)")
