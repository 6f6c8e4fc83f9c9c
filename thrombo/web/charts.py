"""Small inline SVG line charts for the patient page (no JavaScript, no chart library).

Written by hand because the page needs only lines, points, a reference band, threshold lines
and event markers; a plotting library would mean a front-end build or matplotlib images for a
few dozen points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 236
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 62, 28
KEY_Y, CODE_Y, CODE_ROW = 30, 44, 10
"""The key's row, the markers' code row, and how far a code that would touch its neighbour
moves down."""
PALETTE = ("#1f5fa8", "#b8432f", "#2e7d32", "#7b3fa0")
THRESHOLD_COLOUR = "#b8432f"
MARKER_COLOUR = "#555555"
TICKS = 4
MIN_SPAN_FRACTION = 0.25
"""[Design] The value axis spans at least a quarter of the largest value it shows: a child's
haemoglobin between 13.17 and 13.63 g/dL is drawn as the flat line it is, not as a swing over the
whole height. Not a clinical number (the page's look only)."""
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
X = Callable[[datetime], float]
Y = Callable[[float], float]


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime, float]]
    ids: Sequence[str] = ()
    """The observation id of each point (parallel to `points`), for the evidence rings."""


@dataclass(frozen=True)
class Threshold:
    """A horizontal line: a criterion's fixed threshold (UPCR 1 mg/mg) or a multiple of the
    laboratory's limit (LDH 2 x ULN)."""

    value: float
    label: str


@dataclass(frozen=True)
class Marker:
    """A vertical line at an event of the course (HSCT day 0, engraftment, diagnosis, a
    treatment's start or stop), with a one-letter code above the plot and its words as title."""

    time: datetime
    code: str
    title: str


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    series: Sequence[Series]
    band: tuple[float | None, float | None] = (None, None)
    """A reference range (the laboratory's), drawn as a shaded band."""
    marks: Sequence[datetime | str] = ()
    """Evidence for this chart's criterion, drawn as rings: observation ids (a point is ringed
    only when its own id is evidence), or times for series without ids."""
    span: tuple[datetime, datetime] | None = None
    """The time axis shared with the other charts and the journey lanes (default: its own)."""
    thresholds: Sequence[Threshold] = ()
    markers: Sequence[Marker] = ()


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    if hi == lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) * (out_hi - out_lo) / (hi - lo)


def nice_step(span: float, ticks: int = TICKS) -> float:
    """The tick step from 1, 2, 2.5 or 5 times a power of ten that covers `span` in `ticks`."""
    raw = span / ticks if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(s * power for s in NICE_STEPS if s * power >= raw * (1 - 1e-9))


def value_axis(values: Sequence[float], ticks: int = TICKS) -> list[float]:
    """Round tick values from below the lowest to above the highest value, the span widened to
    MIN_SPAN_FRACTION of the largest magnitude; never below zero for values that are not."""
    lo, hi = min(values), max(values)
    least = MIN_SPAN_FRACTION * max(abs(lo), abs(hi)) or 1.0
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
        if min(values) >= 0 and lo < 0:
            lo, hi = 0.0, least
    step = nice_step(hi - lo, ticks)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def tick_label(value: float, step: float) -> str:
    """The value with as many decimals as the step needs (a step of 2.5 gives 7.5, of 0.05
    gives 0.15), never a float's tail."""
    decimals = next(d for d in range(7) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6)
    return f"{value:.{decimals}f}"


def _values(chart: Chart) -> list[float]:
    values = [v for s in chart.series for _, v in s.points]
    values += [b for b in chart.band if b is not None]
    return values + [t.value for t in chart.thresholds]


def _day(moment: float) -> str:
    return date.fromtimestamp(moment).isoformat()


def render(chart: Chart) -> Markup:
    """The chart as an accessible SVG element (a title and a text fallback for each series)."""
    if not any(s.points for s in chart.series):
        return Markup("")
    times = [t.timestamp() for s in chart.series for t, _ in s.points]
    t0, t1 = (min(times), max(times)) if chart.span is None else (
        chart.span[0].timestamp(), chart.span[1].timestamp())
    ticks = value_axis(_values(chart))
    v0, v1 = ticks[0], ticks[-1]

    def x(t: datetime) -> float:
        return _scale(t.timestamp(), t0, t1, LEFT, WIDTH - RIGHT)

    def y(v: float) -> float:
        return _scale(v, v0, v1, HEIGHT - BOTTOM, TOP)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(chart.title)} ({escape(chart.unit)})</title>",
             f'<text x="{LEFT}" y="14" class="chart-title">{escape(chart.title)} '
             f"({escape(chart.unit)})</text>"]
    parts += _band(chart, y, v0, v1)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    parts += [f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" '
              f'y2="{y(v):.1f}"/><text class="tick" x="{LEFT - 4}" y="{y(v) + 4:.1f}" '
              f'text-anchor="end">{tick_label(v, step)}</text>' for v in ticks]
    parts.append(f'<text class="tick" x="{LEFT}" y="{HEIGHT - 8}">{_day(t0)}</text>'
                 f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" '
                 f'text-anchor="end">{_day(t1)}</text>')
    parts += _thresholds(chart, y)
    parts += _markers(chart, x, t0, t1)
    for index, series in enumerate(chart.series):
        parts += _series(chart, series, PALETTE[index % len(PALETTE)], x, y)
    parts += _key(chart)
    parts.append("</svg>")
    return Markup("".join(parts))


def _band(chart: Chart, y: Y, v0: float, v1: float) -> list[str]:
    low, high = chart.band
    if low is None and high is None:
        return []
    top, bottom = y(high if high is not None else v1), y(low if low is not None else v0)
    return [f'<rect class="band" x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{max(bottom - top, 0):.1f}"><title>reference range</title></rect>']


def _thresholds(chart: Chart, y: Y) -> list[str]:
    return [f'<line class="threshold" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t.value):.1f}" '
            f'y2="{y(t.value):.1f}" stroke="{THRESHOLD_COLOUR}" stroke-dasharray="5 3">'
            f"<title>{escape(t.label)}</title></line>"
            f'<text class="tick" x="{WIDTH - RIGHT - 2}" y="{y(t.value) - 3:.1f}" '
            f'text-anchor="end" fill="{THRESHOLD_COLOUR}">{escape(t.label)}</text>'
            for t in chart.thresholds]


def _markers(chart: Chart, x: X, t0: float, t1: float) -> list[str]:
    """Vertical dotted lines; a code closer than 10 px to the one before it
    (diagnosis and treatment start are often the same day) goes a row down."""
    parts, last = [], -CODE_ROW * 2.0
    lowered = False
    for m in sorted(chart.markers, key=lambda m: m.time):
        if not t0 <= m.time.timestamp() <= t1:
            continue
        at = x(m.time)
        lowered = at - last < CODE_ROW and not lowered
        last = at
        parts.append(f'<g class="marker" data-code="{escape(m.code)}"><line x1="{at:.1f}" '
                     f'x2="{at:.1f}" y1="{TOP - 4}" y2="{HEIGHT - BOTTOM}" '
                     f'stroke="{MARKER_COLOUR}" stroke-dasharray="2 3"/><text class="tick" '
                     f'x="{at:.1f}" y="{CODE_Y + (CODE_ROW if lowered else 0)}" '
                     f'text-anchor="middle">{escape(m.code)}</text>'
                     f"<title>{escape(m.title)}</title></g>")
    return parts


def _series(chart: Chart, series: Series, colour: str, x: X, y: Y) -> list[str]:
    path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in series.points)
    parts = [f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}" '
             f'data-series="{escape(series.label)}"/>']
    parts += [f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
              f"<title>{escape(series.label)} {v:g} {escape(chart.unit)} "
              f"{t.date().isoformat()}</title></circle>" for t, v in series.points]
    marked = set(chart.marks)
    keys: Sequence[datetime | str] = series.ids or [t for t, _ in series.points]
    parts += [f'<circle class="evidence" cx="{x(t):.1f}" cy="{y(v):.1f}" r="6"/>'
              for (t, v), key in zip(series.points, keys, strict=True) if key in marked]
    return parts


def _key(chart: Chart) -> list[str]:
    """A colour key for every series, the reference range and the evidence rings, in one row
    under the title."""
    items: list[tuple[str, str]] = [
        (f'<line x1="0" x2="14" y1="-4" y2="-4" stroke="{PALETTE[i % len(PALETTE)]}" '
         'stroke-width="2"/>', s.label) for i, s in enumerate(chart.series)]
    if chart.band != (None, None):
        items.append(('<rect class="band" x="0" y="-9" width="14" height="9"/>',
                      "reference range"))
    if chart.marks:
        items.append(('<circle class="evidence swatch" cx="7" cy="-4" r="5"/>', "evidence"))
    parts, offset = [], LEFT
    for swatch, label in items:
        parts.append(f'<g class="key" transform="translate({offset},{KEY_Y})">{swatch}'
                     f'<text class="legend" x="18" y="0">{escape(label)}</text></g>')
        offset += 26 + 7 * len(label)
    return parts

