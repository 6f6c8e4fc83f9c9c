"""The report's figures as inline SVG strings, drawn with matplotlib's SVG backend.

No pyplot and no display: each figure is a `matplotlib.figure.Figure` saved to SVG text, so
nothing global changes and the output is the same for the same results (fixed hash salt, no
date). Text stays text (`svg.fonttype = none`) to keep the report small and searchable.
Figures draw what `build_study` computed; none computes a statistic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from thrombo.analytics.cohort import (
    RESOLUTION_LANDMARK_DAYS,
    FlowStep,
    StudyPatient,
    TimeOrigin,
    days_from_origin,
)
from thrombo.analytics.statistical_results import AtRiskRow, CumulativeIncidenceCurve, SurvivalCurve
from thrombo.analytics.study import DEATH_EVENT, RESOLUTION_EVENT
from thrombo.analytics.study_results import StudyResults, Suppression
from thrombo.report.svg import to_svg
from thrombo.report.swimmer import swimmer_figure
from thrombo.response.study_windows import SURVIVAL_LANDMARK_DAYS

__all__ = ["flow_figure", "incidence_figure", "study_figures", "survival_figure",
           "swimmer_figure", "to_svg", "trajectories_figure"]

_BLUE, _RED, _GREEN, _GREY, _ORANGE = "#1f5a96", "#b8322a", "#2e7d32", "#777777", "#d98a00"
_WIDTH_IN = 7.5


def _steps(times: Sequence[float], values: Sequence[float | None]) -> tuple[list[float],
                                                                              list[float]]:
    """Right-continuous step coordinates; undefined values (None/NaN) are drawn as gaps."""
    xs: list[float] = []
    ys: list[float] = []
    for i, t in enumerate(times):
        end = times[i + 1] if i + 1 < len(times) else t
        v = values[i]
        y = float("nan") if v is None else float(v)
        xs += [t, end]
        ys += [y, y]
    return xs, ys


def _axes(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(_WIDTH_IN, height))
    return figure, figure.add_subplot()


def survival_figure(curve: SurvivalCurve, origin: TimeOrigin,
                    at_risk: Sequence[AtRiskRow] = ()) -> str:
    """The Kaplan-Meier curve; with `at_risk`, each tick of the time axis is one of its days and
    carries the number at risk on a second line, so the numbers sit under their ticks."""
    figure, ax = _axes(3.6)
    xs, low = _steps(curve.times, list(curve.ci_low))
    _, high = _steps(curve.times, list(curve.ci_high))
    ax.fill_between(xs, low, high, color=_BLUE, alpha=0.18, linewidth=0,
                    label=f"{curve.confidence:.0%} CI (log-log)")
    sx, sy = _steps(curve.times, list(curve.survival))
    ax.plot(sx, sy, color=_BLUE, linewidth=1.8, label="Kaplan-Meier")
    censored = [(t, s) for t, s, c in zip(curve.times, curve.survival, curve.censored,
                                          strict=True) if c > 0]
    if censored:
        ax.plot(*zip(*censored, strict=True), marker="|", linestyle="none", color=_BLUE,
                markersize=9, label="censored")
    ax.axvline(SURVIVAL_LANDMARK_DAYS, color=_GREY, linestyle="--", linewidth=0.9)
    ax.set_ylim(0, 1.02)
    days = f"days from {origin.replace('-', ' ')}"
    if at_risk:
        ax.set_xticks([r.time for r in at_risk],
                      [f"{r.time:g}\n{r.at_risk}" for r in at_risk])
        days += " (second line: patients at risk)"
    ax.set_xlabel(days)
    ax.set_ylabel("overall survival")
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    return to_svg(figure, "survival")


INCIDENCE_AXIS_MARGIN = 1.1
"""[Design] The time axis ends a tenth past the last day either curve rises (and never before the
day-28 landmark): follow-up after the last event is flat and would squeeze the curves into the
left of the figure. Display only."""


def incidence_axis_end(*curves: CumulativeIncidenceCurve) -> float:
    """A tenth past the last day a curve rises, at least past the resolution landmark."""
    rises = [t for curve in curves
             for t, before, after in zip(curve.times[1:], curve.incidence, curve.incidence[1:],
                                         strict=False) if after > before]
    return INCIDENCE_AXIS_MARGIN * max([*rises, float(RESOLUTION_LANDMARK_DAYS)])


def incidence_figure(resolution: CumulativeIncidenceCurve, death: CumulativeIncidenceCurve,
                     origin: TimeOrigin) -> str:
    figure, ax = _axes(3.6)
    xs, low = _steps(resolution.times, list(resolution.ci_low))
    _, high = _steps(resolution.times, list(resolution.ci_high))
    ax.fill_between(xs, low, high, color=_GREEN, alpha=0.18, linewidth=0,
                    label=f"{resolution.confidence:.0%} CI (log-log)")
    for curve, colour, label in ((resolution, _GREEN, "resolution"),
                                 (death, _RED, "death before resolution")):
        cx, cy = _steps(curve.times, list(curve.incidence))
        ax.plot(cx, cy, color=colour, linewidth=1.8, label=label)
    ax.axvline(RESOLUTION_LANDMARK_DAYS, color=_GREY, linestyle="--", linewidth=0.9)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, incidence_axis_end(resolution, death))
    ax.set_xlabel(f"days from {origin.replace('-', ' ')}")
    ax.set_ylabel("cumulative incidence")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return to_svg(figure, "incidence")


def flow_figure(flow: Sequence[FlowStep], hide: Suppression | None = None) -> str:
    """CONSORT-style boxes down the left, exclusions with their reasons to the right."""
    count = (hide or Suppression()).count
    rows = len(flow)
    # [Design] 0.75 in per step: a step's box (two lines of 10 pt) and the arrow to the next
    # fit, with the exclusions beside the arrow; the figure is no taller than its content.
    figure = Figure(figsize=(_WIDTH_IN, 0.3 + 0.75 * rows))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, rows)
    ax.axis("off")
    box = {"boxstyle": "round,pad=0.4", "facecolor": "#eef3f9", "edgecolor": _BLUE}
    side = {"boxstyle": "round,pad=0.35", "facecolor": "#fbf1f0", "edgecolor": _RED}
    for i, step in enumerate(flow):
        y = rows - 0.5 - i
        ax.text(1.6, y, f"{step.step}\nn = {_shown(count(step.n))}", ha="center", va="center",
                fontsize=10, bbox=box)
        if i + 1 < rows:
            ax.annotate("", xy=(1.6, y - 0.68), xytext=(1.6, y - 0.32),
                        arrowprops={"arrowstyle": "-|>", "color": _BLUE})
        excluded = flow[i + 1].excluded if i + 1 < rows else ()
        if excluded:
            lines = [f"{e.reason}: {_shown(count(e.n))}" for e in excluded]
            ax.plot([1.6, 3.0], [y - 0.5, y - 0.5], color=_RED, linewidth=0.9)
            ax.text(3.1, y - 0.5, "excluded\n" + "\n".join(lines), ha="left", va="center",
                    fontsize=8, bbox=side)
    return to_svg(figure, "flow")


def _shown(n: int | None) -> str:
    return "suppressed" if n is None else str(n)


def trajectories_figure(cohort: Sequence[StudyPatient], window: tuple[int, int] = (-14, 42),
                        ) -> str:
    """LDH and platelets of every treated patient, by day from defibrotide start."""
    figure = Figure(figsize=(_WIDTH_IN, 5.2))
    ldh_ax, plt_ax = figure.subplots(2, 1, sharex=True)
    for p in cohort:
        points = [(days_from_origin(p, "treatment-start", lab.date), lab) for lab in p.labs]
        inside = [(d, lab) for d, lab in points if d is not None and window[0] <= d <= window[1]]
        ldh = [(d, lab.ldh) for d, lab in inside if lab.ldh is not None]
        plt = [(d, lab.platelets) for d, lab in inside if lab.platelets is not None]
        if ldh:
            ldh_ax.plot(*zip(*ldh, strict=True), color=_RED, alpha=0.45, linewidth=0.9)
        if plt:
            plt_ax.plot(*zip(*plt, strict=True), color=_BLUE, alpha=0.45, linewidth=0.9)
    for ax, label in ((ldh_ax, "LDH (U/L)"), (plt_ax, "platelets (10^9/L)")):
        ax.axvline(0, color=_GREY, linestyle="--", linewidth=0.9)
        ax.set_ylabel(label)
    plt_ax.set_xlabel("days from defibrotide start")
    ldh_ax.set_title("each line is one patient; dashed: defibrotide start", fontsize=8)
    return to_svg(figure, "trajectories")


def has_lab_points(cohort: Sequence[StudyPatient]) -> bool:
    return any(lab.ldh is not None or lab.platelets is not None
               for p in cohort for lab in p.labs)


def study_figures(results: StudyResults, individual: bool) -> dict[str, str]:
    """Every figure the results can fill; individual-level ones only when `individual`."""
    origin: TimeOrigin = ("diagnosis" if results.time_origin == "diagnosis"
                          else "treatment-start")
    figures = {"flow": flow_figure(results.flow, results.suppression)}
    if results.overall_survival is not None:
        at_risk = () if results.suppression.on else results.overall_survival.at_risk
        figures["survival"] = survival_figure(results.overall_survival.curve, origin, at_risk)
    if results.cif_resolution is not None:
        estimate = results.cif_resolution.estimate
        figures["incidence"] = incidence_figure(estimate.curve(RESOLUTION_EVENT),
                                               estimate.curve(DEATH_EVENT), origin)
    if individual and results.cohort:
        figures["swimmer"] = swimmer_figure(results.cohort, origin, results.exposure)
        if has_lab_points(results.cohort):
            figures["trajectories"] = trajectories_figure(results.cohort)
    return figures
