"""The patient journey: one child's treatment lanes above the lab charts, on their time axis.

TA-TMA: defibrotide days as bars shaded by the day's dose intensity, interruptions as red
outlined gaps with their reason (analytics.exposure), eculizumab or plasma exchange, and the
events lane: days the screening criteria were met, diagnosis, resolution, death. ITP: one lane per
drug of the ladder from its medication rows, with the response the assessment gave it.

The SVG uses the geometry of `charts` (width, margins), and `shared_span` gives the charts and
the lanes one time axis, so a day sits at the same x in every chart and lane.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import Markup, escape

from thrombo.analytics.exposure import DEFIBROTIDE, DrugExposure, patient_exposure
from thrombo.analytics.exposure_reasons import NOT_RECORDED
from thrombo.analytics.from_timelines import treatment_course
from thrombo.analytics.itp_exposure import itp_ladder
from thrombo.domain.timeline import PatientTimeline, end_of_day, start_of_day
from thrombo.report.words import human, term
from thrombo.rules.screening_results import ScreeningResult
from thrombo.web.charts import LEFT, RIGHT, WIDTH
from thrombo.web.journey_watch import CODES as WATCH_CODES
from thrombo.web.journey_watch import LEGEND as WATCH_LEGEND
from thrombo.web.journey_watch import signal_starts

LANE_HEIGHT, LANE_TOP, LANE_BOTTOM = 30, 6, 24
SHADES = ((0.9, "#1f5a96"), (0.5, "#7ea6d3"), (0.0, "#c9d8ea"))  # as the report's swimmer plot
UNKNOWN = "#bdbdbd"
OTHER = {"eculizumab": "#6a3d9a", "plasma exchange": "#8c564b"}
RED, GREEN, GREY, ORANGE = "#b8322a", "#2e7d32", "#777777", "#d98a00"
MAGENTA = "#ad1457"  # watch signals: apart from the criteria's orange and the events' colours
REASON_CODES = {"bleeding": "B", "procedure": "P", "anticoagulant": "A", NOT_RECORDED: "?"}
LEGEND = ("Bars: days given, dark = at least 90% of the planned daily dose, lighter = less; "
          "red outline = interruption (B bleeding, P procedure, A anticoagulant, ? not "
          "recorded). Marks: criteria met (orange), diagnosis (diamond), resolution (green), "
          "death (red). " + WATCH_LEGEND)


@dataclass(frozen=True)
class Bar:
    start: datetime
    end: datetime
    colour: str
    title: str
    outline: bool = False
    code: str = ""


@dataclass(frozen=True)
class Mark:
    time: datetime
    shape: str  # "circle", "diamond", "cross", "tick", "triangle"
    colour: str
    title: str
    code: str = ""


@dataclass
class Lane:
    label: str
    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def times(self) -> list[datetime]:
        return ([b.start for b in self.bars] + [b.end for b in self.bars]
                + [m.time for m in self.marks])


def _shade(received: float | None, planned: float) -> str:
    if received is None or planned <= 0:
        return UNKNOWN
    return next(colour for floor, colour in SHADES if received / planned >= floor)


def _course_lanes(timeline: PatientTimeline, drugs: Sequence[DrugExposure]) -> list[Lane]:
    lanes = []
    tz = timeline.tz
    for drug in drugs:
        lane = Lane(drug.drug)
        if drug.drug == DEFIBROTIDE:
            for day in drug.daily:
                if day.given_doses:
                    lane.bars.append(Bar(
                        start_of_day(day.day, tz), end_of_day(day.day, tz),
                        _shade(day.received_mg_per_kg, day.planned_mg_per_kg),
                        f"{day.day}: {day.given_doses} of {day.planned_doses} doses"
                        + ("" if day.received_mg_per_kg is None
                           else f", {day.received_mg_per_kg:.1f} mg/kg")))
            for gap in drug.interruptions:
                lane.bars.append(Bar(gap.start, gap.end, RED,
                                     f"interruption {gap.hours:g} h: {gap.reason}", True,
                                     REASON_CODES.get(gap.reason, "R")))
        else:
            lane.bars.append(Bar(start_of_day(drug.start, tz), end_of_day(drug.end, tz),
                                 OTHER.get(drug.drug, GREY),
                                 f"{drug.drug} {drug.start} to {drug.end}"))
        lanes.append(lane)
    return lanes


def _event_lane(timeline: PatientTimeline, screening: ScreeningResult,
                assessment: dict[str, Any]) -> Lane:
    lane = Lane("events")
    tz = timeline.tz
    for day in sorted({timeline.local_day(e.time) for e in screening.evidence}):
        lane.marks.append(Mark(start_of_day(day, tz) + timedelta(hours=12), "tick", ORANGE,
                               f"{day}: a criterion met"))
    if screening.first_met is not None:
        lane.marks.append(Mark(start_of_day(screening.first_met, tz) + timedelta(hours=12),
                               "diamond", "#1b1b1b", f"TA-TMA diagnosed {screening.first_met}"))
    resolved = assessment.get("response_date") if assessment.get("condition") == "ta-tma" else None
    if resolved:
        day = date.fromisoformat(resolved)
        lane.marks.append(Mark(start_of_day(day, tz) + timedelta(hours=12), "circle", GREEN,
                               f"resolved {day}"))
    death = timeline.patient.death_date
    if death is not None:
        lane.marks.append(Mark(start_of_day(death, tz) + timedelta(hours=12), "cross", RED,
                               f"died {death}"))
    return lane


def _watch_lane(timeline: PatientTimeline, as_of: date, screening: ScreeningResult) -> Lane:
    """The day each watch signal started, up to the diagnosis (web.journey_watch)."""
    lane = Lane("watch signals")
    for start in signal_starts(timeline, as_of, screening.first_met):
        values = "; ".join(f"{human(e.value)} on {e.time.date()}" for e in start.evidence)
        lane.marks.append(Mark(start_of_day(start.day, timeline.tz) + timedelta(hours=12),
                               "triangle", MAGENTA,
                               f"{start.day}: {term(start.signal)} started ({values})",
                               WATCH_CODES[start.signal]))
    return lane


def _itp_lanes(timeline: PatientTimeline, as_of: date) -> list[Lane]:
    """One lane per drug of the ladder (analytics.itp_exposure), each course a bar."""
    lanes: dict[str, Lane] = {}
    for step in itp_ladder(timeline, as_of):
        lane = lanes.setdefault(step.drug, Lane(step.drug))
        lane.label = f"{step.drug}: {step.response}"
        dose = "" if step.dose is None else f", {step.dose[0]:g} {step.dose[1]}"
        per_kg = "" if step.dose_per_kg is None else (
            f" ({step.dose_per_kg[0]:.3g} {step.dose_per_kg[1]})")
        lane.bars.append(Bar(start_of_day(step.start, timeline.tz),
                             end_of_day(step.end, timeline.tz), "#1f5a96",
                             f"{step.drug} {step.start} to {step.end}{dose}{per_kg}: "
                             f"{step.response}"))
    return list(lanes.values())


def _treatment_start(timeline: PatientTimeline, screening: ScreeningResult,
                     assessment: dict[str, Any]) -> date | None:
    """Day 0 of the defibrotide course the response engine assessed (as the study counts it),
    else the course the study would take as treating the diagnosis."""
    if assessment.get("condition") == "ta-tma" and assessment.get("treatment") == DEFIBROTIDE:
        return date.fromisoformat(assessment["treatment_start"])
    course = treatment_course(timeline, screening.first_met)
    return None if course is None else timeline.local_day(course.start)


def journey_lanes(timeline: PatientTimeline, as_of: date, screening: ScreeningResult,
                  assessment: dict[str, Any]) -> list[Lane]:
    """The lanes of one patient (TA-TMA course and events, ITP ladder), empty when none."""
    lanes: list[Lane] = []
    start = _treatment_start(timeline, screening, assessment)
    if start is not None:
        lanes += _course_lanes(timeline, patient_exposure(timeline, start, as_of))
    lanes += _itp_lanes(timeline, as_of)
    events = _event_lane(timeline, screening, assessment)
    if events.marks:
        lanes.append(events)
    watch = _watch_lane(timeline, as_of, screening)
    if watch.marks:
        lanes.append(watch)
    return lanes


def shared_span(lanes: Sequence[Lane], chart_times: Sequence[datetime],
                ) -> tuple[datetime, datetime] | None:
    times = [t for lane in lanes for t in lane.times()] + list(chart_times)
    return (min(times), max(times)) if times else None


def _mark(x: float, y: float, mark: Mark) -> str:
    title = f"<title>{escape(mark.title)}</title>"
    if mark.shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{mark.colour}">{title}</circle>'
    if mark.shape == "diamond":
        return (f'<path d="M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="{mark.colour}">'
                f"{title}</path>")
    if mark.shape == "cross":
        return (f'<path d="M{x - 5:.1f},{y - 5:.1f} l10,10 m0,-10 l-10,10" stroke="{mark.colour}"'
                f' stroke-width="2.5">{title}</path>')
    if mark.shape == "triangle":
        return (f'<path class="watch" data-code="{mark.code}" d="M{x:.1f},{y - 6:.1f} l6,11 '
                f'h-12 z" fill="{mark.colour}">{title}</path>'
                f'<text class="tick" x="{x:.1f}" y="{y - 8:.1f}" fill="{mark.colour}" '
                f'text-anchor="middle">{mark.code}</text>')
    return (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 6:.1f}" y2="{y + 6:.1f}" '
            f'stroke="{mark.colour}" stroke-width="2">{title}</line>')


def render_journey(lanes: Sequence[Lane], span: tuple[datetime, datetime]) -> Markup:
    """The lanes as one SVG, x on the charts' scale over `span`; lane labels above the bars."""
    if not lanes:
        return Markup("")
    t0, t1 = (t.timestamp() for t in span)

    def x(t: datetime) -> float:
        share = 0.5 if t1 == t0 else (t.timestamp() - t0) / (t1 - t0)
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    height = LANE_TOP + LANE_HEIGHT * len(lanes) + LANE_BOTTOM
    parts = [f'<svg class="chart journey" viewBox="0 0 {WIDTH} {height}" role="img" '
             'aria-label="Treatment journey" xmlns="http://www.w3.org/2000/svg">',
             "<title>Treatment journey</title>"]
    for row, lane in enumerate(lanes):
        top = LANE_TOP + row * LANE_HEIGHT
        parts.append(f'<g class="lane" data-lane="{escape(lane.label)}">'
                     f'<text class="tick" x="{LEFT}" y="{top + 9}">{escape(lane.label)}</text>')
        for bar in lane.bars:
            x0, x1 = x(bar.start), max(x(bar.end), x(bar.start) + 1.5)
            fill = "none" if bar.outline else bar.colour
            stroke = f' stroke="{bar.colour}" stroke-width="1.5"' if bar.outline else ""
            parts.append(f'<rect class="{"gap" if bar.outline else "dose"}" x="{x0:.1f}" '
                         f'y="{top + 12}" width="{x1 - x0:.1f}" height="12" fill="{fill}"'
                         f"{stroke}><title>{escape(bar.title)}</title></rect>")
            if bar.code:
                parts.append(f'<text class="tick" x="{(x0 + x1) / 2:.1f}" y="{top + 9}" '
                             f'fill="{RED}" text-anchor="middle">{bar.code}</text>')
        parts.extend(_mark(x(m.time), top + 18, m) for m in lane.marks)
        parts.append("</g>")
    parts.append(f'<text class="tick" x="{LEFT}" y="{height - 8}">{span[0].date()}</text>'
                 f'<text class="tick" x="{WIDTH - RIGHT}" y="{height - 8}" '
                 f'text-anchor="end">{span[1].date()}</text></svg>')
    return Markup("".join(parts))
