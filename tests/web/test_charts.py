"""The patient page's charts (issue 21 item 9): round tick labels, an axis that neither magnifies
noise nor leaves out the reference range or a threshold, a key for every series, event markers,
and evidence rings only on the observations that were evidence."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from thrombo.web.charts import (
    Chart,
    Marker,
    Series,
    Threshold,
    nice_step,
    render,
    tick_label,
    value_axis,
)

SVG = "{http://www.w3.org/2000/svg}"
T = [datetime(2025, 1, day, 8, tzinfo=UTC) for day in (1, 2, 3)]


def svg(chart: Chart) -> ET.Element:
    return ET.fromstring(str(render(chart)))


def ticks(root: ET.Element) -> list[str]:
    """The value axis' labels: right-aligned ticks, not the last date nor a threshold's words."""
    return [t.text or "" for t in root.iter(f"{SVG}text")
            if t.get("class") == "tick" and t.get("text-anchor") == "end"
            and t.get("fill") is None and "-" not in (t.text or "")]


def test_steps_are_one_two_two_and_a_half_or_five_times_a_power_of_ten() -> None:
    assert nice_step(150) == 50       # 0-150 in 4 ticks: 37.5 -> 50
    assert nice_step(3.4) == 1        # 0.85 -> 1
    assert nice_step(0.02) == 0.005   # 0.005 exactly
    assert nice_step(9) == 2.5        # 2.25 -> 2.5


def test_haemoglobin_noise_is_drawn_flat_not_magnified() -> None:
    """The issue's case: Hb 13.17-13.63 g/dL once spanned the whole height. The axis spans at
    least a quarter of 13.63 (3.41 g/dL), on whole grams: 11 to 16."""
    assert value_axis([13.17, 13.63]) == [11, 12, 13, 14, 15, 16]


def test_the_axis_includes_the_reference_range_and_the_threshold() -> None:
    root = svg(Chart("LDH", "U/L", [Series("LDH", list(zip(T, [250.0, 300.0, 280.0],
                                                             strict=True)))],
                     band=(120.0, 480.0), thresholds=[Threshold(960.0, "2 x ULN: high risk")]))
    labels = ticks(root)
    assert labels[0] == "0" and labels[-1] == "1000", labels
    assert all("." not in label for label in labels), "round labels, no 13.17-style tails"
    line = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "threshold")
    assert line.find(f"{SVG}title").text == "2 x ULN: high risk"  # type: ignore[union-attr]


def test_tick_labels_carry_the_decimals_the_step_needs() -> None:
    assert [tick_label(v, 2.5) for v in (0, 2.5, 5)] == ["0.0", "2.5", "5.0"]
    assert tick_label(0.15, 0.05) == "0.15"
    assert tick_label(1000.0, 250.0) == "1000"


def test_every_series_has_a_key_and_the_band_and_rings_are_named() -> None:
    root = svg(Chart("Blood pressure", "mm[Hg]",
                     [Series("systolic", list(zip(T, [110.0, 120.0, 135.0], strict=True))),
                      Series("diastolic", list(zip(T, [70.0, 75.0, 88.0], strict=True)))],
                     marks=[T[2]]))
    keys = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g")  # type: ignore[union-attr]
            if g.get("class") == "key"]
    assert keys == ["systolic", "diastolic", "evidence"]


def test_rings_only_on_the_observations_that_were_evidence() -> None:
    """Two analytes measured at the same time: only the one whose observation id is evidence
    gets a ring (rings by time ringed both)."""
    chart = Chart("Platelets", "10*9/L",
                  [Series("Platelets", list(zip(T, [120.0, 40.0, 30.0], strict=True)),
                          ["p1", "p2", "p3"])],
                  marks=["p3", "h2"])
    rings = [c for c in svg(chart).iter(f"{SVG}circle") if c.get("class") == "evidence"]
    assert len(rings) == 1
    point = next(c for c in svg(chart).iter(f"{SVG}circle")
                 if c.get("class") is None and "30 10*9/L" in (c.findtext(f"{SVG}title") or ""))
    assert (rings[0].get("cx"), rings[0].get("cy")) == (point.get("cx"), point.get("cy"))


def test_markers_inside_the_time_axis_are_drawn_with_their_code() -> None:
    chart = Chart("Platelets", "10*9/L",
                  [Series("Platelets", list(zip(T, [120.0, 40.0, 30.0], strict=True)))],
                  markers=[Marker(T[1], "D", "TA-TMA diagnosed 2025-01-02"),
                           Marker(datetime(2024, 6, 1, tzinfo=UTC), "0", "HSCT day 0")])
    groups = [g for g in svg(chart).iter(f"{SVG}g") if g.get("class") == "marker"]
    assert [g.get("data-code") for g in groups] == ["D"], "day 0 lies before the axis"
    assert groups[0].findtext(f"{SVG}title") == "TA-TMA diagnosed 2025-01-02"
