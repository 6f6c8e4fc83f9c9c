"""The watch signals on the patient journey: a triangle on the day each signal started.

The spec table LDH_THEN_PROTEIN (tests/spec/watch/test_levels.py; transplant 2026-01-01 = day
0, LDH ULN 320 U/L) with one more LDH on day +50:
- LDH 400 U/L on day +36: > ULN and >= 1.25 x the median 250 of days +30 and +33: LDH rising
  starts on day +36 (the 7-day signal window keeps it met to day +42);
- UPCR 0.2 -> 1.5 mg/mg on day +38: new proteinuria starts on day +38 (met to day +44);
- LDH 520 U/L on day +50: > ULN and >= 1.25 x 400 (the one result in the 14 days before): LDH
  rising starts again on day +50, after its lapse on day +43.
Not diagnosed: every start up to as-of (day +55) is drawn; diagnosed on day +37 (a made-up
screening result), only what started by then.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

from tests.spec.watch.tables import day, patient, timeline
from tests.spec.watch.test_levels import LDH_THEN_PROTEIN
from thrombo.rules.screening_results import ScreeningResult, Status
from thrombo.web.charts import LEFT, RIGHT, WIDTH
from thrombo.web.journey import LEGEND, journey_lanes, render_journey, shared_span
from thrombo.web.journey_watch import signal_starts

SVG = "{http://www.w3.org/2000/svg}"
LABS = LDH_THEN_PROTEIN + "    50  | ldh           | 520   | U/L    | 320\n"


def screening(first_met: date | None) -> ScreeningResult:
    status: Status = "no-ta-tma" if first_met is None else "ta-tma"
    return ScreeningResult("P01", status, first_met, False, (), (), None, (), (), first_met)


def test_each_signal_start_is_found() -> None:
    starts = signal_starts(timeline(LABS), day(55), None)
    assert [(s.signal, s.day) for s in starts] == [
        ("ldh_rising", day(36)), ("new_proteinuria", day(38)), ("ldh_rising", day(50))]
    assert starts[2].evidence[0].observation_id == "P01-o7"  # the day +50 LDH


def test_no_start_after_the_diagnosis() -> None:
    starts = signal_starts(timeline(LABS), day(55), day(37))
    assert [(s.signal, s.day) for s in starts] == [("ldh_rising", day(36))]


def test_the_marks_sit_on_the_start_days_with_a_legend() -> None:
    lanes = journey_lanes(timeline(LABS), day(55), screening(None), {})
    assert [lane.label for lane in lanes] == ["watch signals"]
    span = shared_span(lanes, [datetime(2026, 1, 1, tzinfo=UTC),
                               datetime(2026, 3, 1, tzinfo=UTC)])
    assert span is not None
    root = ET.fromstring(str(render_journey(lanes, span)))
    [group] = [g for g in root.iter(f"{SVG}g") if g.attrib["data-lane"] == "watch signals"]
    marks = group.findall(f"{SVG}path[@class='watch']")
    assert [m.attrib["data-code"] for m in marks] == ["L", "P", "L"]
    titles = [m.findtext(f"{SVG}title", "") for m in marks]
    assert titles[0].startswith("2026-02-06: LDH rising started (400 U/L on 2026-02-06")
    assert titles[1].startswith("2026-02-08: new proteinuria started (1.5 mg/mg")
    assert titles[2].startswith("2026-02-20: LDH rising started (520 U/L")
    xs = [float(m.attrib["d"].split(",")[0][1:]) for m in marks]
    t0, t1 = (t.timestamp() for t in span)
    noon = [datetime.combine(day(n), time(12), tzinfo=UTC).timestamp() for n in (36, 38, 50)]
    assert xs == [round(LEFT + (t - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT), 1) for t in noon]
    assert "L LDH rising" in LEGEND and "P new proteinuria" in LEGEND


def test_no_watch_lane_without_a_transplant() -> None:
    no_hsct = timeline(LABS, who=patient(hsct=None))
    assert journey_lanes(no_hsct, day(55), screening(None), {}) == []
