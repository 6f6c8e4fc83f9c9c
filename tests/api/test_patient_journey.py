"""The patient journey of the dashboard: treatment lanes on the lab charts' time axis.

The hand-built interrupted course of tests/unit/analytics/test_exposure.py (defibrotide every
6 h for 14 days from 2025-01-01, the last three doses of day 4 not given after a bleed) with
eculizumab added on day 9, diagnosed 2024-12-31 and resolved on day 20. The SVG is parsed: one
lane per treatment plus the events lane, 13 dose days (day 4 is a light bar: 1 of 4 doses), one
interruption marked B, and every lane and chart drawn over the same span.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from tests.api.conftest import Cohort, auth
from tests.unit.analytics.test_exposure import AS_OF, START, administrations, at, d, med, timeline
from thrombo.domain.records import Event
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.screening_results import ScreeningResult
from thrombo.web.charts import LEFT, RIGHT, WIDTH, Chart, Series, render
from thrombo.web.journey import journey_lanes, render_journey, shared_span

SVG = "{http://www.w3.org/2000/svg}"
DIAGNOSIS = date(2024, 12, 31)


def screening() -> ScreeningResult:
    return ScreeningResult("P1", "ta-tma", DIAGNOSIS, False, ("ldh",), (), True, (), (),
                           DIAGNOSIS)


def assessment() -> dict[str, object]:
    return {"condition": "ta-tma", "treatment": "defibrotide",
            "treatment_start": START.isoformat(), "response_date": d(20).isoformat()}


def course_timeline() -> PatientTimeline:
    missed = frozenset({at(d(4), 6), at(d(4), 12), at(d(4), 18)})
    rows = [*administrations(14, missed), med(900, at(d(9), 10), dose=600.0, drug="eculizumab")]
    return timeline(rows, (Event("e1", "P1", at(d(4), 3), "bleeding", grade=3),))


def test_lanes_match_the_course() -> None:
    lanes = journey_lanes(course_timeline(), AS_OF, screening(), assessment())
    assert [lane.label for lane in lanes] == ["defibrotide", "eculizumab", "events"]
    span = shared_span(lanes, [])
    assert span is not None
    root = ET.fromstring(str(render_journey(lanes, span)))
    groups = {g.attrib["data-lane"]: g for g in root.iter(f"{SVG}g")}
    doses = groups["defibrotide"].findall(f"{SVG}rect[@class='dose']")
    assert len(doses) == 14  # every day had at least one dose; day 4 only one
    day4 = [r for r in doses if r.findtext(f"{SVG}title", "").startswith("2025-01-05")]
    assert day4[0].attrib["fill"] == "#c9d8ea"  # 1 of 4 doses: under 50%
    [gap] = groups["defibrotide"].findall(f"{SVG}rect[@class='gap']")
    assert "bleeding" in gap.findtext(f"{SVG}title", "")
    assert "B" in [t.text for t in groups["defibrotide"].iter(f"{SVG}text")]
    assert len(groups["eculizumab"].findall(f"{SVG}rect")) == 1
    titles = [t.text or "" for t in groups["events"].iter(f"{SVG}title")]
    assert any("diagnosed 2024-12-31" in t for t in titles)
    assert any("resolved 2025-01-21" in t for t in titles)


def test_lanes_and_charts_share_the_time_axis() -> None:
    lanes = journey_lanes(course_timeline(), AS_OF, screening(), assessment())
    labs = [datetime(2024, 12, 20, tzinfo=UTC), datetime(2025, 2, 10, tzinfo=UTC)]
    span = shared_span(lanes, labs)
    assert span == (labs[0], labs[1])
    journey = str(render_journey(lanes, span))
    chart = str(render(Chart("Platelets", "10*9/L",
                             [Series("platelets", [(labs[0], 20.0), (labs[1], 150.0)])],
                             span=span)))
    # The first and last lab points sit at the plot's edges, where the lanes' axis ends too.
    points = re.search(r'points="([^"]+)"', chart)
    assert points is not None
    xs = [float(p.split(",")[0]) for p in points.group(1).split()]
    assert xs == [LEFT, WIDTH - RIGHT]
    # The first dose (2025-01-01 00:00) is at the same x in the lane as on the chart's scale.
    first = ET.fromstring(journey).find(f".//{SVG}rect[@class='dose']")
    assert first is not None
    share = (at(START).timestamp() - labs[0].timestamp()) / (labs[1] - labs[0]).total_seconds()
    assert float(first.attrib["x"]) == round(LEFT + share * (WIDTH - LEFT - RIGHT), 1)


def test_dashboard_patient_page_draws_the_journey_above_the_charts(
        client: TestClient, tokens: dict[str, str], cohort: Cohort) -> None:
    """A treated child of the simulated cohort: the journey comes before the lab charts, with a
    defibrotide lane whose dose days are the ones the medication row orders."""
    with (cohort.folder / "medications.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["drug"] == "defibrotide"
                and r["patient_id"] in cohort.of_centre("C01")]
    assert rows, "the simulated cohort has a treated child in centre C01"
    row = rows[0]
    page = client.get(f"/patients/{row['patient_id']}", headers=auth(tokens["clin1"]))
    assert page.status_code == 200
    journey = re.search(r'<svg class="chart journey".*?</svg>', page.text, re.S)
    assert journey is not None
    assert page.text.index('id="journey"') < page.text.index('aria-label="Platelets"')
    root = ET.fromstring(journey.group(0))
    lanes = {g.attrib["data-lane"]: g for g in root.iter(f"{SVG}g")}
    days = (date.fromisoformat(row["end"][:10]) - date.fromisoformat(row["start"][:10])).days + 1
    assert len(lanes["defibrotide"].findall(f"{SVG}rect[@class='dose']")) == days


def test_itp_ladder_lanes_with_their_response() -> None:
    from tests.unit.analytics.test_itp_exposure import AS_OF as ITP_AS_OF
    from tests.unit.analytics.test_itp_exposure import child

    screened = ScreeningResult("I1", "not-applicable", None, False, (), (), None, (), (), None)
    lanes = journey_lanes(child(), ITP_AS_OF, screened, {"condition": "itp"})
    assert [lane.label for lane in lanes] == ["prednisone: R", "romiplostim: CR"]
    assert [len(lane.bars) for lane in lanes] == [1, 1]
