"""The watch list's trade-off figure: false alarms against lead time over a threshold sweep.

Draws what `thrombo.analytics.watch_evaluation.sweep` measured; computes nothing of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from thrombo.report.svg import to_svg

_BLUE = "#1f5a96"


def tradeoff_figure(points: Sequence[Mapping[str, object]], criteria: str) -> str:
    """One point per threshold scale: x false alarms per 100 patient-weeks, y median lead time
    (quartiles as bars), each labelled with its scale and sensitivity."""
    figure = Figure(figsize=(6.5, 4.0))
    ax = figure.add_subplot()
    shown = [p for p in points if _lead(p)["median"] is not None]
    xs = [_num(p["false_alarms_per_100_patient_weeks"]) for p in shown]
    ys = [_num(_lead(p)["median"]) for p in shown]
    low = [y - _num(_lead(p)["q1"]) for p, y in zip(shown, ys, strict=True)]
    high = [_num(_lead(p)["q3"]) - y for p, y in zip(shown, ys, strict=True)]
    ax.errorbar(xs, ys, yerr=[low, high], color=_BLUE, marker="o", capsize=3)
    for i, (p, x, y) in enumerate(zip(shown, xs, ys, strict=True)):
        # Points of equal measures coincide: each label gets a line of its own.
        label = f"x{_num(p['scale']):g}, sens. {_num(p['sensitivity']):.0%}"
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(6, 6 + 11 * i),
                    fontsize=8)
    ax.set_xlabel("false alarms per 100 patient-weeks (watch level, never-TA-TMA patients)")
    ax.set_ylabel("lead time, days (median, IQR)")
    ax.set_title(f"TA-TMA watch list against {criteria}: thresholds scaled x0.5 to x2",
                 fontsize=10)
    return to_svg(figure, "watch-tradeoff")


def _lead(point: Mapping[str, object]) -> Mapping[str, float | None]:
    lead = point["lead_time_days"]
    assert isinstance(lead, Mapping)
    return lead


def _num(value: object) -> float:
    """A measured number; None (nothing to measure) draws as 0."""
    return float(value) if isinstance(value, int | float) else 0.0
