"""Small inline SVG line charts for the patient page (no JavaScript, no chart library).

Written by hand because the page needs only lines, points and a reference band; a plotting
library would mean a front-end build or matplotlib images for a few dozen points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 24, 28
PALETTE = ("#1f5fa8", "#b8432f", "#2e7d32", "#7b3fa0")
TICKS = 4


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime, float]]


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    series: Sequence[Series]
    band: tuple[float | None, float | None] = (None, None)
    """A reference range (the laboratory's), drawn as a shaded band."""
    marks: Sequence[datetime] = ()
    """Times of evidence values, drawn as rings."""
    span: tuple[datetime, datetime] | None = None
    """The time axis shared with the other charts and the journey lanes (default: its own)."""


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    if hi == lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) * (out_hi - out_lo) / (hi - lo)


def _bounds(chart: Chart) -> tuple[float, float, float, float]:
    times = [t.timestamp() for s in chart.series for t, _ in s.points]
    values = [v for s in chart.series for _, v in s.points]
    values += [b for b in chart.band if b is not None]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    floor = 0.0 if lo >= 0 else lo - pad  # counts and concentrations are never negative
    if chart.span is not None:
        times = [t.timestamp() for t in chart.span]
    return min(times), max(times), max(lo - pad, floor), hi + pad


def _day(moment: float) -> str:
    return date.fromtimestamp(moment).isoformat()


def render(chart: Chart) -> Markup:
    """The chart as an accessible SVG element (a title and a text fallback for each series)."""
    if not any(s.points for s in chart.series):
        return Markup("")
    t0, t1, v0, v1 = _bounds(chart)

    def x(t: datetime) -> float:
        return _scale(t.timestamp(), t0, t1, LEFT, WIDTH - RIGHT)

    def y(v: float) -> float:
        return _scale(v, v0, v1, HEIGHT - BOTTOM, TOP)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(chart.title)} ({escape(chart.unit)})</title>",
             f'<text x="{LEFT}" y="16" class="chart-title">{escape(chart.title)} '
             f"({escape(chart.unit)})</text>"]
    low, high = chart.band
    if low is not None or high is not None:
        top, bottom = y(high if high is not None else v1), y(low if low is not None else v0)
        parts.append(f'<rect class="band" x="{LEFT}" y="{top:.1f}" '
                     f'width="{WIDTH - LEFT - RIGHT}" height="{max(bottom - top, 0):.1f}"/>')
    for i in range(TICKS + 1):
        value = v0 + (v1 - v0) * i / TICKS
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}"/><text class="tick" x="{LEFT - 4}" '
                     f'y="{y(value) + 4:.1f}" text-anchor="end">{value:.4g}</text>')
    parts.append(f'<text class="tick" x="{LEFT}" y="{HEIGHT - 8}">{_day(t0)}</text>'
                 f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" '
                 f'text-anchor="end">{_day(t1)}</text>')
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in series.points)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{path}" data-series="{escape(series.label)}"/>')
        parts.extend(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                     f"<title>{escape(series.label)} {v:g} {escape(chart.unit)} "
                     f"{t.date().isoformat()}</title></circle>" for t, v in series.points)
        parts.append(f'<text class="legend" x="{WIDTH - RIGHT - 110 * (index + 1)}" y="16" '
                     f'fill="{colour}">{escape(series.label)}</text>')
    marked = set(chart.marks)
    for series in chart.series:
        parts.extend(f'<circle class="evidence" cx="{x(t):.1f}" cy="{y(v):.1f}" r="6"/>'
                     for t, v in series.points if t in marked)
    parts.append("</svg>")
    return Markup("".join(parts))
