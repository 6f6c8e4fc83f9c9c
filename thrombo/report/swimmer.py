"""The swimmer plot: one lane per treated child, with what was given and what happened.

Each lane, from the time origin: follow-up (thin grey line), defibrotide days as bars shaded by
that day's dose intensity, interruptions as gaps outlined in red with their reason, eculizumab
and plasma exchange as thin bars under it, resolution, death, alive at last contact (censored),
grade >= 3 adverse events; "HR" after the id marks high-risk TA-TMA. Lanes are sorted by time to
resolution (unresolved last, longest follow-up first). The legend sits under the axes, clear of
the lanes. Every lane's artists carry an SVG id (`lane-<n>`, `defibrotide-<n>`, ...) so the
figure can be checked against the data (`<n>` is the patient id, `svg_id`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from thrombo.analytics.cohort import (
    RESOLUTION_LANDMARK_DAYS,
    StudyPatient,
    TimeOrigin,
    days_from_origin,
    follow_up_days,
)
from thrombo.analytics.exposure import DEFIBROTIDE, DoseDay, DrugExposure
from thrombo.analytics.exposure_reasons import NOT_RECORDED
from thrombo.report.svg import to_svg
from thrombo.response.study_windows import SURVIVAL_LANDMARK_DAYS

_GREEN, _RED, _GREY, _ORANGE, _PURPLE = "#2e7d32", "#b8322a", "#777777", "#d98a00", "#6a3d9a"
# Dose-intensity shades of a day's bar (display bands only [Design]; the numbers are in the
# exposure table): full, reduced, low, and unknown (no weight or dose recorded).
SHADES = ((0.9, "#1f5a96", ">= 90% of the planned daily dose"),
          (0.5, "#7ea6d3", "50-89%"),
          (0.0, "#c9d8ea", "< 50%"))
UNKNOWN_SHADE = ("#bdbdbd", "dose unknown")
OTHER_DRUGS = {"eculizumab": _PURPLE, "plasma exchange": "#8c564b"}
REASON_CODES = {"bleeding": "B", "procedure": "P", "anticoagulant": "A", NOT_RECORDED: "?"}
# A gap of a few hours is drawn at least this wide so that it stays visible at A4 [Design].
MIN_GAP_WIDTH_DAYS = 0.8
# Lanes are drawn to the study's 6-month landmark; later follow-up runs off the edge [Design].
X_LIMIT_DAYS = SURVIVAL_LANDMARK_DAYS
FONT = 7.5  # points: readable on A4, where the 7.5-inch figure prints at about full size
_WIDTH_IN = 7.5


def lane_order(cohort: Sequence[StudyPatient], origin: TimeOrigin) -> list[StudyPatient]:
    """Resolved first, by days to resolution; then the rest, longest follow-up first."""
    def key(p: StudyPatient) -> tuple[int, int, str]:
        resolved = days_from_origin(p, origin, p.resolution_date)
        if resolved is not None:
            return (0, resolved, p.patient_id)
        return (1, -(follow_up_days(p, origin) or 0), p.patient_id)
    return sorted(cohort, key=key)


def svg_id(patient_id: str) -> str:
    """A patient id as it appears in the figure's SVG ids (letters, digits, _ and -)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", patient_id)


def _shade(day: DoseDay) -> str:
    if day.received_mg_per_kg is None or day.planned_mg_per_kg <= 0:
        return UNKNOWN_SHADE[0]
    ratio = day.received_mg_per_kg / day.planned_mg_per_kg
    return next(colour for floor, colour, _ in SHADES if ratio >= floor)


def _day_bars(course: DrugExposure, x_of: dict[date, float]) -> tuple[list[tuple[float, float]],
                                                                      list[str]]:
    """Runs of days with the same shade; a day without any dose is a gap."""
    spans: list[tuple[float, float]] = []
    colours: list[str] = []
    for day in course.daily:
        if day.given_doses == 0 or day.day not in x_of:
            continue
        colour, x = _shade(day), x_of[day.day]
        if spans and colours[-1] == colour and abs(spans[-1][0] + spans[-1][1] - x) < 1e-9:
            spans[-1] = (spans[-1][0], spans[-1][1] + 1.0)
        else:
            spans.append((x, 1.0))
            colours.append(colour)
    return spans, colours


def _exposure_lane(ax: Axes, row: int, n: str, p: StudyPatient, drugs: list[DrugExposure],
                   origin: TimeOrigin) -> None:
    for drug in drugs:
        x_start = days_from_origin(p, origin, drug.start)
        if x_start is None:
            continue
        if drug.drug == DEFIBROTIDE:
            x_of = {d.day: float(x_start + (d.day - drug.start).days) for d in drug.daily}
            spans, colours = _day_bars(drug, x_of)
            ax.broken_barh(spans, (row - 0.22, 0.44), facecolors=colours, linewidth=0,
                           gid=f"defibrotide-{n}")
            _interruptions(ax, row, n, p, drug, origin)
        else:
            ax.broken_barh([(x_start, max(drug.course_days, 1))], (row + 0.26, 0.14),
                           facecolors=OTHER_DRUGS.get(drug.drug, _GREY), linewidth=0,
                           gid=f"{drug.drug.replace(' ', '-')}-{n}")


def _interruptions(ax: Axes, row: int, n: str, p: StudyPatient, course: DrugExposure,
                   origin: TimeOrigin) -> None:
    for i, gap in enumerate(course.interruptions):
        day = days_from_origin(p, origin, date.fromisoformat(gap.start_day))
        if day is None:
            continue
        x0 = day + gap.start.hour / 24 + gap.start.minute / 1440
        width = max(gap.hours / 24, MIN_GAP_WIDTH_DAYS)
        ax.broken_barh([(x0, width)], (row - 0.22, 0.44), facecolors="none",
                       edgecolors=_RED, linewidth=0.8, gid=f"interruption-{n}-{i}")
        code = REASON_CODES.get(gap.reason, "R")
        ax.text(x0 + width / 2, row - 0.3, code, ha="center", va="bottom", fontsize=FONT - 1,
                color=_RED, gid=f"reason-{n}-{i}")


def _events(ax: Axes, row: int, n: str, p: StudyPatient, origin: TimeOrigin,
            marks: dict[str, tuple[str, str, list[float], list[int]]]) -> None:
    end = follow_up_days(p, origin) or 0
    ax.plot([0, max(end, 0.5)], [row, row], color=_GREY, linewidth=0.8, gid=f"lane-{n}",
            zorder=1)
    for label, when in (("resolution", p.resolution_date), ("death", p.death_date)):
        x = days_from_origin(p, origin, when)
        if x is not None:
            marks[label][2].append(float(x))
            marks[label][3].append(row)
    if p.death_date is None:  # beyond the drawn window: the arrow at its edge
        marks["alive at last contact (censored)"][2].append(float(min(end, X_LIMIT_DAYS + 4)))
        marks["alive at last contact (censored)"][3].append(row)
    for event in p.adverse_events:
        x = days_from_origin(p, origin, event.date)
        if event.grade >= 3 and x is not None:
            marks["adverse event grade >= 3"][2].append(float(x))
            marks["adverse event grade >= 3"][3].append(row)


def _legend(ax: Axes, exposure: Sequence[DrugExposure], has_gap: bool) -> None:
    handles: list[Line2D | Patch] = [Line2D([], [], color=_GREY, linewidth=0.8,
                                           label="follow-up")]
    if exposure:
        handles += [Patch(facecolor=c, label=f"defibrotide {t}") for _, c, t in SHADES]
        if any(d.received_mg_per_kg is None for e in exposure for d in e.daily):
            handles.append(Patch(facecolor=UNKNOWN_SHADE[0], label=UNKNOWN_SHADE[1]))
        handles += [Patch(facecolor=c, label=name) for name, c in OTHER_DRUGS.items()
                    if any(e.drug == name for e in exposure)]
    if has_gap:
        handles.append(Patch(facecolor="none", edgecolor=_RED,
                             label="interruption: B bleeding, P procedure, A anticoagulant, "
                                   "? not recorded"))
    handles += [h for h in ax.get_legend_handles_labels()[0] if isinstance(h, Line2D)]
    figure = ax.get_figure()
    assert isinstance(figure, Figure)
    figure.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False,
                  fontsize=FONT)


def swimmer_figure(cohort: Sequence[StudyPatient], origin: TimeOrigin,
                   exposure: Sequence[DrugExposure] = ()) -> str:
    """One lane per patient (see the module docstring), as an SVG string."""
    ordered = lane_order(cohort, origin)
    by_patient: dict[str, list[DrugExposure]] = {}
    for drug in exposure:
        by_patient.setdefault(drug.patient_id, []).append(drug)
    figure = Figure(figsize=(_WIDTH_IN, 2.2 + 0.3 * len(ordered)), layout="constrained")
    ax = figure.add_subplot()
    marks: dict[str, tuple[str, str, list[float], list[int]]] = {
        "resolution": ("o", _GREEN, [], []), "death": ("X", _RED, [], []),
        "adverse event grade >= 3": ("v", _ORANGE, [], []),
        "alive at last contact (censored)": (">", _GREY, [], [])}
    for row, p in enumerate(ordered):
        n = svg_id(p.patient_id)
        _exposure_lane(ax, row, n, p, by_patient.get(p.patient_id, []), origin)
        _events(ax, row, n, p, origin, marks)
    for label, (marker, colour, xs, ys) in marks.items():
        if xs:
            ax.plot(xs, ys, marker=marker, color=colour, linestyle="none", markersize=6,
                    label=label, zorder=3)
    ax.axvline(RESOLUTION_LANDMARK_DAYS, color=_GREY, linestyle="--", linewidth=0.9)
    longest = max((follow_up_days(p, origin) or 0 for p in ordered), default=0)
    ax.set_xlim(-4, min(longest, X_LIMIT_DAYS) + 6)
    beyond = f"; drawn to day {X_LIMIT_DAYS}" if longest > X_LIMIT_DAYS else ""
    labels = [p.patient_id + (" HR" if p.high_risk else "") for p in ordered]
    ax.set_yticks(range(len(ordered)), labels, fontsize=FONT)
    ax.set_ylim(len(ordered) - 0.4, -0.6)  # first lane at the top
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel(f"days from {origin.replace('-', ' ')} (dashed: day {RESOLUTION_LANDMARK_DAYS};"
                  f" HR: high-risk TA-TMA{beyond})", fontsize=FONT + 0.5)
    _legend(ax, exposure, any(e.interruptions for e in exposure))
    return to_svg(figure, "swimmer")
