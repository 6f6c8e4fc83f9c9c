"""Figures as inline SVG text, drawn with matplotlib's SVG backend (no pyplot, no display)."""

from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure


def to_svg(figure: Figure, name: str) -> str:
    """The figure as an <svg> element (no XML prolog), ids salted by `name` to stay unique."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]
